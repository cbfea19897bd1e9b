import { type Kysely, sql } from 'kysely';
import type { Database } from '../../src/db/schema.js';

export interface SeedRequest {
  id: string;
  requesterId: string;
  requesterEmail: string;
  resourceId: string;
  /** The Identity Center user filing matched the requester to, as `matchRequester` records it. */
  matchedPrincipalId?: string;
  /** The request's first post in the audit channel, which its later audit lines reply to. */
  auditThreadTs?: string;
  /** The approval card filing DMed to each approver of the first step. */
  cards?: ReadonlyArray<{ recipientId: string; channel: string; ts: string }>;
}

export interface SeedGrant extends SeedRequest {
  grantId: string;
  principalId: string;
  /** The membership id AWS gave when the grant was provisioned, as Latch records it. */
  awsRef?: string;
  provisionedAt: Date;
  expiresAt: Date;
}

const BATCH = 500;

/**
 * Pending requests at their first approval step, as `/access request` leaves them: with the matched
 * user, the audit thread and the approval cards' messages, when given.
 */
export async function insertPendingRequests(
  db: Kysely<Database>,
  requests: readonly SeedRequest[],
  now: Date,
): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH) {
    const batch = requests.slice(i, i + BATCH);
    await db
      .insertInto('access_request')
      .values(batch.map((r) => requestRow(r, now, 'pending')))
      .execute();
    const cards = batch.flatMap((r) =>
      (r.cards ?? []).map((c) => ({
        request_id: r.id,
        step: 0,
        recipient_id: c.recipientId,
        channel: c.channel,
        ts: c.ts,
      })),
    );
    if (cards.length) await db.insertInto('slack_message').values(cards).execute();
  }
}

/** Approved requests whose grants are active in AWS until `expiresAt`. */
export async function insertActiveGrants(db: Kysely<Database>, grants: readonly SeedGrant[]): Promise<void> {
  for (let i = 0; i < grants.length; i += BATCH) {
    const batch = grants.slice(i, i + BATCH);
    await db
      .insertInto('access_request')
      .values(batch.map((g) => requestRow(g, g.provisionedAt, 'approved')))
      .execute();
    await db
      .insertInto('access_grant')
      .values(
        batch.map((g) => ({
          id: g.grantId,
          request_id: g.id,
          requester_id: g.requesterId,
          requester_email: g.requesterEmail,
          resource_id: g.resourceId,
          duration_seconds: Math.max(
            1,
            Math.round((g.expiresAt.getTime() - g.provisionedAt.getTime()) / 1000),
          ),
          status: 'active',
          principal_id: g.principalId,
          aws_ref: g.awsRef ?? null,
          provisioned_at: g.provisionedAt,
          expires_at: g.expiresAt,
          // Already warned, so the sweep's only work is the revocation.
          warn_at: g.provisionedAt,
          warned_at: g.provisionedAt,
          attempts: 1,
          next_attempt_at: g.provisionedAt,
          created_at: g.provisionedAt,
        })),
      )
      .execute();
  }
}

function requestRow(r: SeedRequest, at: Date, status: 'pending' | 'approved') {
  return {
    id: r.id,
    requester_id: r.requesterId,
    requester_email: r.requesterEmail,
    resource_id: r.resourceId,
    duration_seconds: 3600,
    justification: 'benchmark',
    status,
    current_step: 0,
    created_at: at,
    expires_at: new Date(at.getTime() + 24 * 3600_000),
    ...(status === 'approved' ? { decided_at: at, decided_by: 'U0ADMIN' } : {}),
    ...(r.matchedPrincipalId
      ? { principal_id: r.matchedPrincipalId, principal_email: r.requesterEmail }
      : {}),
    ...(r.auditThreadTs ? { audit_thread_ts: r.auditThreadTs } : {}),
  };
}

/**
 * A history of `grants` finished grants spread over `users` people and `resourceIds`, each with its
 * request, approval and the four audit rows a grant's life writes; built in SQL, as 100,000 rows
 * through the driver would take longer than the benchmark itself.
 */
export async function insertHistory(
  db: Kysely<Database>,
  options: { grants: number; users: number; resourceIds: readonly string[] },
): Promise<void> {
  const resources = sql`array[${sql.join(options.resourceIds.map((id) => sql.lit(id)))}]`;
  const n = options.grants;
  const users = options.users;
  await sql`
    insert into access_request (id, requester_id, requester_email, resource_id, duration_seconds,
      justification, status, current_step, created_at, expires_at, decided_at, decided_by)
    select 'RH' || i, 'UH' || (i % ${users}), 'history' || (i % ${users}) || '@example.com',
      (${resources})[1 + i % array_length(${resources}, 1)], 3600, 'historical access', 'approved', 0,
      now() - make_interval(mins => i), now() - make_interval(mins => i) + interval '1 day',
      now() - make_interval(mins => i) + interval '2 minutes', 'U0ADMIN'
    from generate_series(1, ${n}) as i`.execute(db);
  await sql`
    insert into approval (request_id, step, approver_id, decision, decided_at)
    select 'RH' || i, 0, 'U0ADMIN', 'approve', now() - make_interval(mins => i) + interval '2 minutes'
    from generate_series(1, ${n}) as i`.execute(db);
  await sql`
    insert into access_grant (id, request_id, requester_id, requester_email, resource_id, duration_seconds,
      status, principal_id, provisioned_at, expires_at, warn_at, warned_at, revoked_at, revoke_reason,
      attempts, next_attempt_at, created_at)
    select 'GH' || i, 'RH' || i, 'UH' || (i % ${users}), 'history' || (i % ${users}) || '@example.com',
      (${resources})[1 + i % array_length(${resources}, 1)], 3600, 'revoked', 'aws-user-' || (i % ${users}),
      now() - make_interval(mins => i) + interval '3 minutes', now() - make_interval(mins => i) + interval '63 minutes',
      now() - make_interval(mins => i) + interval '48 minutes', now() - make_interval(mins => i) + interval '48 minutes',
      now() - make_interval(mins => i) + interval '63 minutes', 'expired', 1,
      now() - make_interval(mins => i) + interval '63 minutes', now() - make_interval(mins => i) + interval '2 minutes'
    from generate_series(1, ${n}) as i`.execute(db);
  await sql`
    insert into audit_event (at, actor, action, request_id, grant_id, detail)
    select now() - make_interval(mins => i) + make_interval(mins => step.offset_minutes), step.actor, step.action,
      'RH' || i, case when step.action like 'grant.%' then 'GH' || i end, '{}'::jsonb
    from generate_series(1, ${n}) as i
    cross join (values (0, 'UH', 'request.filed'), (2, 'U0ADMIN', 'request.approved'),
      (3, 'latch', 'grant.active'), (63, 'latch', 'grant.revoked')) as step(offset_minutes, actor, action)
    order by 1`.execute(db);
  await sql`analyze access_request, approval, access_grant, audit_event`.execute(db);
}
