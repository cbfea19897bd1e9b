import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type QueryCreator,
  type SqlBool,
  sql,
  type UpdateObject,
} from 'kysely';
import type { AccessRequest, Grant } from '../../core/model.js';
import { GRANT_CLAIM } from '../claim-holders.js';
import { grantFromRow, requestFromRow } from '../rows.js';
import type { Database } from '../schema.js';

/*
 * Claims of due work for the scheduler. Each takes rows no other replica holds
 * (FOR UPDATE SKIP LOCKED) and marks them in the same statement, so a row is worked once.
 */

type GrantWhere = (eb: ExpressionBuilder<Database, 'access_grant'>) => Expression<SqlBool>;
type RequestWhere = (eb: ExpressionBuilder<Database, 'access_request'>) => Expression<SqlBool>;

/** Which grants a claim takes (`where`, oldest by `orderBy`, at most `limit`) and what it marks on them. */
interface GrantClaim {
  where: GrantWhere;
  orderBy?: 'next_attempt_at' | 'expires_at' | 'activity_due_at';
  limit: number;
  set: UpdateObject<Database, 'access_grant'>;
}

/** Takes up to `limit` grants matching `where` that no other replica holds, applies `set`, returns them. */
async function claimGrantRows(db: Kysely<Database>, claim: GrantClaim): Promise<Grant[]> {
  const rows = await claimGrantsQuery(db, claim).returningAll().execute();
  return rows.map(grantFromRow);
}

/** The UPDATE that takes the grants: `db` may be a CTE builder, so the claim can feed another statement. */
function claimGrantsQuery(db: QueryCreator<Database>, claim: GrantClaim) {
  let due = db.selectFrom('access_grant').select('id').where(claim.where).limit(claim.limit);
  if (claim.orderBy) due = due.orderBy(claim.orderBy);
  return db.updateTable('access_grant').set(claim.set).where('id', 'in', due.forUpdate().skipLocked());
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
  const claim = {
    where: (eb: ExpressionBuilder<Database, 'access_grant'>) =>
      eb.and([
        eb('status', '=', status),
        eb('next_attempt_at', '<=', now),
        ...(onlyId ? [eb('id', '=', onlyId)] : []),
      ]),
    orderBy: 'next_attempt_at',
    limit,
    set: { next_attempt_at: leaseUntil, attempts: sql<number>`attempts + 1` },
  } as const;
  if (holder === undefined) return claimGrantRows(db, claim);
  // One statement, so the claim and its holder's lease rows commit together without a transaction
  // of their own: each claim after an approval is one round trip to the database, not four.
  const rows = await db
    .with('claimed', (q) => claimGrantsQuery(q, claim).returningAll())
    .with('holders', (q) =>
      q
        .insertInto('lease')
        .columns(['name', 'holder', 'held_until'])
        .expression((eb) =>
          eb
            .selectFrom('claimed')
            .select([
              sql<string>`${GRANT_CLAIM} || claimed.id`.as('name'),
              sql<string>`${holder}::text`.as('holder'),
              sql<Date>`${leaseUntil}::timestamptz`.as('held_until'),
            ]),
        )
        .onConflict((oc) =>
          oc.column('name').doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            held_until: eb.ref('excluded.held_until'),
          })),
        ),
    )
    .selectFrom('claimed')
    .selectAll()
    .execute();
  return rows.map(grantFromRow);
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
