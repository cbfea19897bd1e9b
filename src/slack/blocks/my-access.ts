import { formatDuration } from '../../core/duration.js';
import type { AccessRequest, Grant, Resource } from '../../core/model.js';
import { escapeMrkdwn, MAX_SECTION_TEXT, slackTime, truncate, userText } from './mrkdwn.js';

/** `/access list`: pending requests and live grants, with the ids people type. */
export function myAccessText(input: { pending: AccessRequest[]; grants: Grant[] }): string {
  const lines: string[] = [];
  lines.push(input.grants.length ? '*Your grants*' : 'You have no active grants.');
  for (const grant of input.grants) {
    const until = grant.expiresAt
      ? `until ${slackTime(grant.expiresAt)}`
      : formatDuration(grant.durationSeconds);
    lines.push(`• \`${grant.id}\` ${escapeMrkdwn(grant.resourceId)} · ${grant.status} · ${until}`);
  }
  lines.push(input.pending.length ? '*Your pending requests*' : 'You have no pending requests.');
  for (const request of input.pending) {
    lines.push(
      `• \`${request.id}\` ${escapeMrkdwn(request.resourceId)} for ${formatDuration(request.durationSeconds)}`,
    );
  }
  return truncate(lines.join('\n'), MAX_SECTION_TEXT);
}

/** `/access resources [query]`: the matches (already searched), with tiers. */
export function resourcesText(found: readonly Resource[], query: string): string {
  if (found.length === 0)
    return query.trim() ? `No resource matches \`${escapeMrkdwn(query)}\`.` : 'No resources are configured.';
  const lines = found
    .slice(0, 40)
    .map((r) => `• \`${r.id}\` ${userText(r.name, 150)} · ${r.kind} · tier ${r.tier}`);
  if (found.length > 40) lines.push(`…and ${found.length - 40} more; narrow the search.`);
  return truncate(lines.join('\n'), MAX_SECTION_TEXT);
}
