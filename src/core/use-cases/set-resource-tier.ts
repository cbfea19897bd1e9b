import { effectiveResources } from '../catalog-tiers.js';
import { LatchError } from '../errors.js';
import type { LatchDeps } from '../ports.js';
import { UNCLASSIFIED_TIER } from '../tiers.js';
import { refreshResources } from './refresh-resources.js';
import { requireAdmin } from './require-admin.js';

export interface TierChange {
  resourceId: string;
  name: string;
  from: string;
  to: string;
  changed: boolean;
}

/**
 * `/access admin tier <resource-id> <tier>` and the App Home selector: an admin sets the tier of a
 * policy resource or of a catalog entry the policy does not name (which makes it requestable), or
 * `unclassified` (which withdraws it). Audited as `resource.tier_changed`. Grants already given keep
 * their expiry; pending requests are decided under the new tier's steps.
 */
export async function setResourceTier(
  deps: LatchDeps,
  input: { adminId: string; resourceId: string; tier: string },
): Promise<TierChange> {
  await requireAdmin(deps, input.adminId, 'tier change');
  const tier = input.tier.trim().toLowerCase();
  if (tier !== UNCLASSIFIED_TIER && !deps.policy.tiers[tier]) {
    throw new LatchError('unknown_tier', {
      tier: input.tier,
      tiers: Object.keys(deps.policy.tiers)
        .map((name) => `\`${name}\``)
        .join(', '),
    });
  }
  const resourceId = input.resourceId.trim();
  const change = await deps.store.transaction(async (tx) => {
    const [catalog, overrides] = await Promise.all([tx.listCatalog(), tx.listTierOverrides()]);
    const entry =
      deps.fileResources.find((r) => r.id === resourceId) ?? catalog.find((e) => e.id === resourceId);
    if (!entry) throw new LatchError('not_in_catalog', { resourceId });
    const before = effectiveResources(deps.fileResources, catalog, overrides);
    const from = before.find((r) => r.id === resourceId)?.tier ?? UNCLASSIFIED_TIER;
    const result = { resourceId, name: entry.name, from, to: tier, changed: from !== tier };
    if (!result.changed) return result;
    const at = deps.clock.now();
    const override = { resourceId, tier, setBy: input.adminId, setAt: at };
    await tx.setTierOverride(override);
    const after = effectiveResources(deps.fileResources, catalog, [
      ...overrides.filter((o) => o.resourceId !== resourceId),
      override,
    ]);
    // Recorded so its grants can still be revoked if it later leaves the catalog.
    const resource = after.find((r) => r.id === resourceId);
    if (resource) await tx.syncResources([resource]);
    await tx.appendAudit({
      at,
      actor: input.adminId,
      action: 'resource.tier_changed',
      detail: { resourceId, name: entry.name, from, to: tier },
    });
    return result;
  });
  if (change.changed) {
    await refreshResources(deps);
    deps.log.info({ ...change, by: input.adminId }, 'resource tier changed');
  }
  return change;
}
