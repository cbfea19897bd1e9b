import type { SyncRun } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { refreshResources } from './refresh-resources.js';
import { requireAdmin } from './require-admin.js';
import { syncCatalog } from './sync-catalog.js';

/** `/access admin sync`: an admin syncs the catalog now; `undefined` when a sync is already running. */
export async function adminSync(deps: LatchDeps, input: { adminId: string }): Promise<SyncRun | undefined> {
  await requireAdmin(deps, input.adminId, 'admin sync');
  const run = await syncCatalog(deps, { trigger: 'slack', actor: input.adminId, holder: deps.instanceId });
  if (run) await refreshResources(deps);
  return run;
}
