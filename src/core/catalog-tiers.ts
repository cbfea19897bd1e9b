import type { CatalogEntry, Resource, TierOverride } from './model.js';
import { UNCLASSIFIED_TIER } from './tiers.js';

/**
 * The resources people can see and ask for: the policy file's, each at the tier an admin set if one
 * did, then the catalog entries the file does not name that an admin gave a tier. A promoted entry
 * has no owners and does not enforce (those are policy-file settings).
 */
export function effectiveResources(
  fileResources: readonly Resource[],
  catalog: readonly CatalogEntry[],
  overrides: readonly TierOverride[],
): Resource[] {
  const tierFor = new Map(overrides.map((o) => [o.resourceId, o.tier]));
  const fileIds = new Set(fileResources.map((r) => r.id));
  const fromFile = fileResources.map((r) => ({ ...r, tier: tierFor.get(r.id) ?? r.tier }));
  const promoted = catalog
    .filter((entry) => !entry.policyResourceId && !fileIds.has(entry.id))
    .flatMap((entry): Resource[] => {
      const tier = tierFor.get(entry.id);
      if (!tier || tier === UNCLASSIFIED_TIER) return [];
      return [
        {
          id: entry.id,
          name: entry.name,
          kind: entry.kind,
          tier,
          ...(entry.accountId ? { accountId: entry.accountId } : {}),
          ...(entry.permissionSetArn ? { permissionSetArn: entry.permissionSetArn } : {}),
          ...(entry.groupName ? { groupName: entry.groupName } : {}),
          ...(entry.groupId ? { groupId: entry.groupId } : {}),
          owners: [],
          enforce: false,
        },
      ];
    });
  return [...fromFile, ...promoted];
}
