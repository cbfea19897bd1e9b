import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** One audit row as exported: the event plus its position in the append-only log. */
export interface AuditRecord {
  id: string;
  at: Date;
  actor: string;
  action: string;
  requestId?: string;
  grantId?: string;
  detail: Record<string, unknown>;
}

/** Audit events with `since <= at < until`, in the order they were appended. */
export async function readAuditEvents(
  db: Kysely<Database>,
  range: { since?: Date; until?: Date },
): Promise<AuditRecord[]> {
  let query = db.selectFrom('audit_event').selectAll().orderBy('id');
  if (range.since) query = query.where('at', '>=', range.since);
  if (range.until) query = query.where('at', '<', range.until);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: String(row.id),
    at: new Date(row.at),
    actor: row.actor,
    action: row.action,
    ...(row.request_id ? { requestId: row.request_id } : {}),
    ...(row.grant_id ? { grantId: row.grant_id } : {}),
    detail: typeof row.detail === 'string' ? JSON.parse(row.detail) : (row.detail ?? {}),
  }));
}
