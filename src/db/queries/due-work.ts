import { type Kysely, sql } from 'kysely';
import type { AccessRequest, Grant } from '../../core/model.js';
import { grantFromRow, requestFromRow } from '../rows.js';
import type { Database } from '../schema.js';

/*
 * Claims of due work for the scheduler. Each takes rows no other replica holds
 * (FOR UPDATE SKIP LOCKED) and marks them in the same statement, so a row is worked once.
 */

export async function claimGrantsToProvision(
  db: Kysely<Database>,
  now: Date,
  leaseUntil: Date,
  limit: number,
  onlyId?: string,
): Promise<Grant[]> {
  return claimGrants(db, 'provisioning', now, leaseUntil, limit, onlyId);
}

export async function claimGrantsToRevoke(
  db: Kysely<Database>,
  now: Date,
  leaseUntil: Date,
  limit: number,
  onlyId?: string,
): Promise<Grant[]> {
  return claimGrants(db, 'revoking', now, leaseUntil, limit, onlyId);
}

async function claimGrants(
  db: Kysely<Database>,
  status: 'provisioning' | 'revoking',
  now: Date,
  leaseUntil: Date,
  limit: number,
  onlyId?: string,
): Promise<Grant[]> {
  let due = db
    .selectFrom('access_grant')
    .select('id')
    .where('status', '=', status)
    .where('next_attempt_at', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .forUpdate()
    .skipLocked();
  if (onlyId) due = due.where('id', '=', onlyId);
  const rows = await db
    .updateTable('access_grant')
    .set({ next_attempt_at: leaseUntil, attempts: sql`attempts + 1` })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.map(grantFromRow);
}

export async function claimExpiredGrants(db: Kysely<Database>, now: Date, limit: number): Promise<Grant[]> {
  const due = db
    .selectFrom('access_grant')
    .select('id')
    .where('status', '=', 'active')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .forUpdate()
    .skipLocked();
  const rows = await db
    .updateTable('access_grant')
    .set({
      status: 'revoking',
      next_attempt_at: now,
      attempts: 0,
      revoke_reason: sql`coalesce(revoke_reason, 'expired')`,
    })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.map(grantFromRow);
}

export async function claimGrantsToWarn(db: Kysely<Database>, now: Date, limit: number): Promise<Grant[]> {
  const due = db
    .selectFrom('access_grant')
    .select('id')
    .where('status', '=', 'active')
    .where('warned_at', 'is', null)
    .where('warn_at', '<=', now)
    .where('expires_at', '>', now)
    .limit(limit)
    .forUpdate()
    .skipLocked();
  const rows = await db
    .updateTable('access_grant')
    .set({ warned_at: now })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.map(grantFromRow);
}

export async function claimStaleRequests(
  db: Kysely<Database>,
  now: Date,
  limit: number,
): Promise<AccessRequest[]> {
  const due = db
    .selectFrom('access_request')
    .select('id')
    .where('status', '=', 'pending')
    .where('expires_at', '<=', now)
    .limit(limit)
    .forUpdate()
    .skipLocked();
  const rows = await db
    .updateTable('access_request')
    .set({ status: 'expired', decided_at: now, decided_by: 'latch' })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.map(requestFromRow);
}

export async function claimRequestsToRemind(
  db: Kysely<Database>,
  now: Date,
  filedBy: Date,
  limit: number,
): Promise<AccessRequest[]> {
  return claimPending(db, 'reminded_at', now, filedBy, limit);
}

export async function claimRequestsToEscalate(
  db: Kysely<Database>,
  now: Date,
  filedBy: Date,
  limit: number,
): Promise<AccessRequest[]> {
  return claimPending(db, 'escalated_at', now, filedBy, limit);
}

async function claimPending(
  db: Kysely<Database>,
  column: 'reminded_at' | 'escalated_at',
  now: Date,
  filedBy: Date,
  limit: number,
): Promise<AccessRequest[]> {
  const due = db
    .selectFrom('access_request')
    .select('id')
    .where('status', '=', 'pending')
    .where(column, 'is', null)
    .where('created_at', '<=', filedBy)
    .where('expires_at', '>', now)
    .limit(limit)
    .forUpdate()
    .skipLocked();
  const rows = await db
    .updateTable('access_request')
    .set({ [column]: now })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.map(requestFromRow);
}

export async function claimGrantsToSummarize(
  db: Kysely<Database>,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<Grant[]> {
  const due = db
    .selectFrom('access_grant')
    .select('id')
    .where('activity_due_at', 'is not', null)
    .where('activity_due_at', '<=', now)
    .orderBy('activity_due_at')
    .limit(limit)
    .forUpdate()
    .skipLocked();
  const rows = await db
    .updateTable('access_grant')
    .set({ activity_due_at: leaseUntil })
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.map(grantFromRow);
}

/** The earliest moment a grant needs the sweep (an expiry, a warning or a retry); may be past. */
export async function nextDueAt(db: Kysely<Database>): Promise<Date | undefined> {
  const [expiry, warning, retry] = await Promise.all([
    db
      .selectFrom('access_grant')
      .select((eb) => eb.fn.min('expires_at').as('at'))
      .where('status', '=', 'active')
      .executeTakeFirst(),
    db
      .selectFrom('access_grant')
      .select((eb) => eb.fn.min('warn_at').as('at'))
      .where('status', '=', 'active')
      .where('warned_at', 'is', null)
      .executeTakeFirst(),
    db
      .selectFrom('access_grant')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('status', 'in', ['provisioning', 'revoking'])
      .executeTakeFirst(),
  ]);
  const times = [expiry?.at, warning?.at, retry?.at].flatMap((at) => (at ? [new Date(at).getTime()] : []));
  return times.length ? new Date(Math.min(...times)) : undefined;
}
