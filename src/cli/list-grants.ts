import type { Kysely } from 'kysely';
import { LIVE_GRANT_STATUSES } from '../core/grant-lifecycle.js';
import type { Grant } from '../core/model.js';
import { grantFromRow } from '../db/rows.js';
import type { Database } from '../db/schema.js';

/** Every grant, newest first (the Store's `listGrants` stops at 100, which an operator must not miss). */
export async function listGrants(db: Kysely<Database>, options: { liveOnly: boolean }): Promise<Grant[]> {
  let query = db.selectFrom('access_grant').selectAll().orderBy('created_at', 'desc').orderBy('id');
  if (options.liveOnly) query = query.where('status', 'in', [...LIVE_GRANT_STATUSES]);
  return (await query.execute()).map(grantFromRow);
}
