import { effectiveResources } from '../catalog-tiers.js';
import type { LatchDeps } from '../ports.js';

/**
 * Re-reads admins' tiers and the synced catalog into `deps.policy.resources`. Runs at start, on every
 * sweep (so replicas agree within one sweep) and right after a change this process made.
 */
export async function refreshResources(
  deps: Pick<LatchDeps, 'store' | 'policy' | 'fileResources'>,
): Promise<void> {
  const [catalog, overrides] = await Promise.all([deps.store.listCatalog(), deps.store.listTierOverrides()]);
  deps.policy = { ...deps.policy, resources: effectiveResources(deps.fileResources, catalog, overrides) };
}
