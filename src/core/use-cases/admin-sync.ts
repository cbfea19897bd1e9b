import { isPerson } from '../approvers.js';
import { LatchError } from '../errors.js';
import type { SyncRun } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { syncCatalog } from './sync-catalog.js';

/** `/access admin sync`: an admin syncs the catalog now; `undefined` when a sync is already running. */
export async function adminSync(deps: LatchDeps, input: { adminId: string }): Promise<SyncRun | undefined> {
  const admin = await deps.directory.person(input.adminId);
  if (!deps.policy.admins.some((ref) => isPerson(ref, admin))) throw new LatchError('admins_only');
  return syncCatalog(deps, { trigger: 'slack', actor: input.adminId, holder: deps.instanceId });
}
