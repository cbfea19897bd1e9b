import type { LatchDeps } from '../ports.js';
import { refreshInsights } from './refresh-insights.js';
import { refreshResources } from './refresh-resources.js';
import { syncCatalog } from './sync-catalog.js';

/**
 * What `LATCH_SYNC_CRON` runs: a catalog sync, then (on the replica that synced, so once) a reading
 * of standing access at the tiers admins set. A failed reading is logged and leaves the sync standing.
 */
export async function scheduledSync(deps: LatchDeps): Promise<void> {
  const run = await syncCatalog(deps, { trigger: 'schedule', actor: 'latch', holder: deps.instanceId });
  if (!run) return;
  await refreshResources(deps);
  const { insights } = deps;
  if (!insights) return;
  await refreshInsights({ ...deps, insights }, { trigger: 'schedule', actor: 'latch' }).catch(
    (error: unknown) =>
      deps.log.error({ err: error }, 'could not read standing access after the catalog sync'),
  );
}
