import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/* Read-only questions about history and state: approval reuse, a requester's record, monitoring counts. */

export async function lastHumanApproval(
  db: Kysely<Database>,
  filter: {
    requesterId: string;
    resourceId: string;
    since: Date;
  },
): Promise<{ requestId: string; decidedBy: string; decidedAt: Date } | undefined> {
  const row = await db
    .selectFrom('access_request')
    .select(['id', 'decided_by', 'decided_at'])
    .where('requester_id', '=', filter.requesterId)
    .where('resource_id', '=', filter.resourceId)
    .where('status', '=', 'approved')
    .where('decided_by', '!=', 'latch')
    .where('decided_at', '>', filter.since)
    .orderBy('decided_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row?.decided_by || !row.decided_at) return undefined;
  return { requestId: row.id, decidedBy: row.decided_by, decidedAt: new Date(row.decided_at) };
}

export async function requestHistory(
  db: Kysely<Database>,
  filter: {
    requesterId: string;
    resourceId: string;
    since: Date;
    until: Date;
    exceptId: string;
  },
): Promise<{
  requests: number;
  lastGrantedAt?: Date;
}> {
  const row = await db
    .selectFrom('access_request as r')
    .leftJoin('access_grant as g', 'g.request_id', 'r.id')
    .select((eb) => [
      eb.fn.count<string>('r.id').as('requests'),
      eb.fn.max('g.provisioned_at').as('last_granted_at'),
    ])
    .where('r.requester_id', '=', filter.requesterId)
    .where('r.resource_id', '=', filter.resourceId)
    .where('r.created_at', '>=', filter.since)
    .where('r.created_at', '<=', filter.until)
    .where('r.id', '!=', filter.exceptId)
    .executeTakeFirstOrThrow();
  const last = row.last_granted_at;
  return { requests: Number(row.requests), ...(last ? { lastGrantedAt: new Date(last) } : {}) };
}

export async function statusCounts(
  db: Kysely<Database>,
  now: Date,
): Promise<{
  requests: Record<string, number>;
  grants: Record<string, number>;
  revocationLagSeconds: number;
}> {
  const [requests, grants, overdue] = await Promise.all([
    db
      .selectFrom('access_request')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('status')
      .execute(),
    db
      .selectFrom('access_grant')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('status')
      .execute(),
    db
      .selectFrom('access_grant')
      .select((eb) => eb.fn.min('expires_at').as('oldest'))
      .where('status', 'in', ['active', 'revoking'])
      .where('expires_at', '<=', now)
      .executeTakeFirst(),
  ]);
  const byStatus = (rows: Array<{ status: string; n: string }>) =>
    Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  const oldest = overdue?.oldest ? new Date(overdue.oldest).getTime() : now.getTime();
  return {
    requests: byStatus(requests),
    grants: byStatus(grants),
    revocationLagSeconds: (now.getTime() - oldest) / 1000,
  };
}

export async function activityByResource(
  db: Kysely<Database>,
  since: Date,
): Promise<Array<{ resourceId: string; grants: number; idle: number }>> {
  const rows = await db
    .selectFrom('access_grant')
    .select((eb) => [
      'resource_id',
      eb.fn.countAll<string>().as('grants'),
      eb.fn.sum<string>(eb.case().when('activity_events', '=', 0).then(1).else(0).end()).as('idle'),
    ])
    .where('activity_events', 'is not', null)
    .where('revoked_at', '>=', since)
    .groupBy('resource_id')
    .orderBy('resource_id')
    .execute();
  return rows.map((row) => ({
    resourceId: row.resource_id,
    grants: Number(row.grants),
    idle: Number(row.idle),
  }));
}
