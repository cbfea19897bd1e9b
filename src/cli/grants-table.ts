import { formatDuration } from '../core/duration.js';
import type { Grant } from '../core/model.js';

const HEADER = ['ID', 'STATUS', 'REQUESTER', 'RESOURCE', 'DURATION', 'WHEN'];

/** Grants as an aligned text table, one row each; `[]` when there are none. */
export function grantsTable(grants: readonly Grant[]): string[] {
  if (!grants.length) return [];
  const rows = grants.map((grant) => [
    grant.id,
    grant.status,
    grant.requesterEmail,
    grant.resourceId,
    formatDuration(grant.durationSeconds),
    when(grant),
  ]);
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  return [HEADER, ...rows].map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  '),
  );
}

function when(grant: Grant): string {
  switch (grant.status) {
    case 'provisioning':
      return `requested ${instant(grant.createdAt)}; the clock starts once AWS confirms`;
    case 'active':
      return `until ${instant(grant.expiresAt)}`;
    case 'revoking':
      return `revoking since ${instant(grant.expiresAt)} (attempt ${grant.attempts})${lastError(grant)}`;
    case 'revoked':
      return `ended ${instant(grant.revokedAt)}${grant.revokeReason ? ` (${grant.revokeReason})` : ''}`;
    case 'failed':
      return `failed ${instant(grant.createdAt)}${lastError(grant)}`;
  }
}

function lastError(grant: Grant): string {
  return grant.lastError ? `: ${grant.lastError.split('\n')[0]}` : '';
}

/** `2026-11-21 20:15Z`: minutes are enough for a person, and UTC avoids guessing a zone. */
function instant(at: Date | undefined): string {
  return at ? `${at.toISOString().slice(0, 16).replace('T', ' ')}Z` : '?';
}
