import { effectiveResources } from '../catalog-tiers.js';
import type { LatchDeps } from '../ports.js';

type RefreshDeps = Pick<LatchDeps, 'store' | 'policy' | 'fileResources'>;

/** The catalog version each Latch last read, so a sweep with nothing new costs one small query. */
const readVersion = new WeakMap<RefreshDeps, string>();

/**
 * Re-reads admins' tiers and the synced catalog into `deps.policy.resources` when either changed.
 * Runs at start, on every sweep (so replicas agree within one sweep) and right after a change this
 * process made.
 */
export async function refreshResources(deps: RefreshDeps): Promise<void> {
  const version = await deps.store.catalogVersion();
  if (readVersion.get(deps) === version) return;
  const [catalog, overrides] = await Promise.all([deps.store.listCatalog(), deps.store.listTierOverrides()]);
  deps.policy = { ...deps.policy, resources: effectiveResources(deps.fileResources, catalog, overrides) };
  readVersion.set(deps, version);
}
