import type { Kysely } from 'kysely';
import type { Grant, GrantStatus } from '../core/model.js';
import { grantFromRow } from '../db/rows.js';
import type { Database } from '../db/schema.js';

/** Grants that hold access in AWS, or are about to, or are on their way out. */
export const LIVE_GRANT_STATUSES: readonly GrantStatus[] = ['provisioning', 'active', 'revoking'];

/** Every grant, newest first (the Store's `listGrants` stops at 100, which an operator must not miss). */
export async function listGrants(db: Kysely<Database>, options: { liveOnly: boolean }): Promise<Grant[]> {
  let query = db.selectFrom('access_grant').selectAll().orderBy('created_at', 'desc').orderBy('id');
  if (options.liveOnly) query = query.where('status', 'in', [...LIVE_GRANT_STATUSES]);
  return (await query.execute()).map(grantFromRow);
}
