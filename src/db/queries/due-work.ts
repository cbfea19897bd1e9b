import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SqlBool,
  sql,
  type UpdateObject,
} from 'kysely';
import type { AccessRequest, Grant } from '../../core/model.js';
import { recordClaimHolder } from '../claim-holders.js';
import { grantFromRow, requestFromRow } from '../rows.js';
import type { Database } from '../schema.js';

/*
 * Claims of due work for the scheduler. Each takes rows no other replica holds
 * (FOR UPDATE SKIP LOCKED) and marks them in the same statement, so a row is worked once.
 */

type GrantWhere = (eb: ExpressionBuilder<Database, 'access_grant'>) => Expression<SqlBool>;
type RequestWhere = (eb: ExpressionBuilder<Database, 'access_request'>) => Expression<SqlBool>;

/** Takes up to `limit` grants matching `where` that no other replica holds, applies `set`, returns them. */
async function claimGrantRows(
  db: Kysely<Database>,
  claim: {
    where: GrantWhere;
    orderBy?: 'next_attempt_at' | 'expires_at' | 'activity_due_at';
    limit: number;
    set: UpdateObject<Database, 'access_grant'>;
  },
): Promise<Grant[]> {
  let due = db.selectFrom('access_grant').select('id').where(claim.where).limit(claim.limit);
  if (claim.orderBy) due = due.orderBy(claim.orderBy);
  const rows = await db
    .updateTable('access_grant')
    .set(claim.set)
    .where('id', 'in', due.forUpdate().skipLocked())
    .returningAll()
    .execute();
  return rows.map(grantFromRow);
}

/** The same for requests. */
async function claimRequestRows(
  db: Kysely<Database>,
  claim: { where: RequestWhere; limit: number; set: UpdateObject<Database, 'access_request'> },
): Promise<AccessRequest[]> {
  const due = db.selectFrom('access_request').select('id').where(claim.where).limit(claim.limit);
  const rows = await db
    .updateTable('access_request')
    .set(claim.set)
    .where('id', 'in', due.forUpdate().skipLocked())
    .returningAll()
    .execute();
  return rows.map(requestFromRow);
}

/** Who takes a claim: recorded with it (db/claim-holders.ts) when given. */
export interface ClaimTaker {
  holder?: string;
}

export async function claimGrantsToProvision(
  db: Kysely<Database>,
  now: Date,
  leaseUntil: Date,
  limit: number,
  onlyId?: string,
  taker: ClaimTaker = {},
): Promise<Grant[]> {
  return claimGrants(db, 'provisioning', now, leaseUntil, limit, onlyId, taker);
}

export async function claimGrantsToRevoke(
  db: Kysely<Database>,
  now: Date,
  leaseUntil: Date,
  limit: number,
  onlyId?: string,
  taker: ClaimTaker = {},
): Promise<Grant[]> {
  return claimGrants(db, 'revoking', now, leaseUntil, limit, onlyId, taker);
}

async function claimGrants(
  db: Kysely<Database>,
  status: 'provisioning' | 'revoking',
  now: Date,
  leaseUntil: Date,
  limit: number,
  onlyId: string | undefined,
  { holder }: ClaimTaker,
): Promise<Grant[]> {
  const claim = (trx: Kysely<Database>) =>
    claimGrantRows(trx, {
      where: (eb) =>
        eb.and([
          eb('status', '=', status),
          eb('next_attempt_at', '<=', now),
          ...(onlyId ? [eb('id', '=', onlyId)] : []),
        ]),
      orderBy: 'next_attempt_at',
      limit,
      set: { next_attempt_at: leaseUntil, attempts: sql`attempts + 1` },
    });
  if (holder === undefined) return claim(db);
  const work = async (trx: Kysely<Database>) => {
    const grants = await claim(trx);
    await recordClaimHolder(
      trx,
      grants.map((g) => g.id),
      holder,
      leaseUntil,
    );
    return grants;
  };
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

export function claimExpiredGrants(db: Kysely<Database>, now: Date, limit: number): Promise<Grant[]> {
  return claimGrantRows(db, {
    where: (eb) => eb.and([eb('status', '=', 'active'), eb('expires_at', '<=', now)]),
    orderBy: 'expires_at',
    limit,
    set: {
      status: 'revoking',
      next_attempt_at: now,
      attempts: 0,
      revoke_reason: sql`coalesce(revoke_reason, 'expired')`,
    },
  });
}

export function claimGrantsToWarn(db: Kysely<Database>, now: Date, limit: number): Promise<Grant[]> {
  return claimGrantRows(db, {
    where: (eb) =>
      eb.and([
        eb('status', '=', 'active'),
        eb('warned_at', 'is', null),
        eb('warn_at', '<=', now),
        eb('expires_at', '>', now),
      ]),
    limit,
    set: { warned_at: now },
  });
}

export function claimGrantsToSummarize(
  db: Kysely<Database>,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<Grant[]> {
  return claimGrantRows(db, {
    where: (eb) => eb.and([eb('activity_due_at', 'is not', null), eb('activity_due_at', '<=', now)]),
    orderBy: 'activity_due_at',
    limit,
    set: { activity_due_at: leaseUntil },
  });
}

export function claimStaleRequests(db: Kysely<Database>, now: Date, limit: number): Promise<AccessRequest[]> {
  return claimRequestRows(db, {
    where: (eb) => eb.and([eb('status', '=', 'pending'), eb('expires_at', '<=', now)]),
    limit,
    set: { status: 'expired', decided_at: now, decided_by: 'latch' },
  });
}

export function claimRequestsToRemind(
  db: Kysely<Database>,
  now: Date,
  filedBy: Date,
  limit: number,
): Promise<AccessRequest[]> {
  return claimPending(db, 'reminded_at', now, filedBy, limit);
}

export function claimRequestsToEscalate(
  db: Kysely<Database>,
  now: Date,
  filedBy: Date,
  limit: number,
): Promise<AccessRequest[]> {
  return claimPending(db, 'escalated_at', now, filedBy, limit);
}

function claimPending(
  db: Kysely<Database>,
  column: 'reminded_at' | 'escalated_at',
  now: Date,
  filedBy: Date,
  limit: number,
): Promise<AccessRequest[]> {
  return claimRequestRows(db, {
    where: (eb) =>
      eb.and([
        eb('status', '=', 'pending'),
        eb(column, 'is', null),
        eb('created_at', '<=', filedBy),
        eb('expires_at', '>', now),
      ]),
    limit,
    set: { [column]: now },
  });
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
