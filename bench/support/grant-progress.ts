import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { progress } from './progress.js';
import { sleep } from './stats.js';

export interface GrantOutcome {
  id: string;
  requestId: string;
  status: string;
  expiresAt: Date | null;
  provisionedAt: Date | null;
  revokedAt: Date | null;
  /** When the request was approved (provisioning is measured from it). */
  decidedAt: Date | null;
}

/** The grants of the requests whose ids start with `requestPrefix`, as the database holds them now. */
export async function readGrants(db: Kysely<Database>, requestPrefix: string): Promise<GrantOutcome[]> {
  const rows = await db
    .selectFrom('access_grant')
    .innerJoin('access_request', 'access_request.id', 'access_grant.request_id')
    .select([
      'access_grant.id',
      'access_grant.request_id',
      'access_grant.status',
      'access_grant.expires_at',
      'access_grant.provisioned_at',
      'access_grant.revoked_at',
      'access_request.decided_at',
    ])
    .where('access_grant.request_id', 'like', `${requestPrefix}%`)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    requestId: r.request_id,
    status: r.status,
    expiresAt: r.expires_at,
    provisionedAt: r.provisioned_at,
    revokedAt: r.revoked_at,
    decidedAt: r.decided_at,
  }));
}

/**
 * Polls until `isDone` holds for `expected` grants, or the deadline passes; logs progress every few
 * seconds. Returns the last reading either way.
 */
export async function waitForGrants(options: {
  db: Kysely<Database>;
  requestPrefix: string;
  expected: number;
  isDone: (grant: GrantOutcome) => boolean;
  deadlineAt: number;
  label: string;
}): Promise<GrantOutcome[]> {
  let lastLog = 0;
  for (;;) {
    const grants = await readGrants(options.db, options.requestPrefix);
    const done = grants.filter(options.isDone).length;
    if (done >= options.expected || Date.now() > options.deadlineAt) return grants;
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      progress(`${options.label}: ${done}/${options.expected}`);
    }
    await sleep(250);
  }
}
