import { resourceKey, suggestedId } from './catalog-keys.js';
import type { CatalogDiscovery, CatalogEntry, DiscoveredResource, Resource, SyncFailure } from './model.js';

export interface CatalogPlan {
  entries: CatalogEntry[];
  /** Earlier entries sync could not see this time (their account or service failed): kept, not dropped. */
  keepKeys: string[];
  /** Policy resources sync looked for and did not find. */
  missing: string[];
}

/**
 * Turns what sync found into catalog entries: a policy resource keeps its policy id, anything else
 * keeps the id it had before (or gets a new one), so ids people typed stay valid across syncs.
 * Entries in a part of AWS that could not be read this time are kept, and nothing there counts as missing.
 */
export function planCatalog(
  discovery: CatalogDiscovery,
  policyResources: readonly Resource[],
  previous: readonly CatalogEntry[],
  now: Date,
): CatalogPlan {
  const policyByKey = new Map(policyResources.map((r) => [resourceKey(r), r.id]));
  const previousByKey = new Map(previous.map((e) => [e.key, e]));
  const taken = new Set<string>([...policyResources.map((r) => r.id), ...previous.map((e) => e.id)]);
  const seen = (found: Pick<DiscoveredResource, 'kind' | 'accountId'>) => wasRead(found, discovery);

  const entries = discovery.resources.map((found): CatalogEntry => {
    const policyResourceId = policyByKey.get(found.key);
    const earlier = previousByKey.get(found.key)?.id;
    const id =
      policyResourceId ?? (earlier && !policyResources.some((r) => r.id === earlier) ? earlier : undefined);
    const chosen = id ?? suggestedId(found, taken);
    taken.add(chosen);
    return { ...found, id: chosen, ...(policyResourceId ? { policyResourceId } : {}), lastSeenAt: now };
  });
  const foundKeys = new Set(discovery.resources.map((r) => r.key));
  const keepKeys = previous.filter((e) => !foundKeys.has(e.key) && !seen(e)).map((e) => e.key);
  const missing = policyResources.filter((r) => seen(r) && !exists(r, foundKeys, discovery)).map((r) => r.id);
  return { entries, keepKeys, missing };
}

/**
 * A permission set need not be provisioned to an account yet (the first assignment does that), so it
 * exists when the permission set does and the account is in the organization.
 */
function exists(r: Resource, foundKeys: ReadonlySet<string>, discovery: CatalogDiscovery): boolean {
  if (foundKeys.has(resourceKey(r))) return true;
  return (
    r.kind === 'sso_permission_set' &&
    discovery.permissionSetArns.includes(r.permissionSetArn ?? '') &&
    discovery.accounts.some((a) => a.id === r.accountId)
  );
}

/** Whether this sync read the part of AWS where such a resource lives. */
function wasRead(r: Pick<DiscoveredResource, 'kind' | 'accountId'>, discovery: CatalogDiscovery): boolean {
  const failed = (predicate: (f: SyncFailure) => boolean) => discovery.failures.some(predicate);
  const identityCenterRead = !failed((f) => f.step === 'sso:ListInstances');
  switch (r.kind) {
    case 'sso_group':
      return identityCenterRead && !failed((f) => f.step.startsWith('identitystore:'));
    case 'sso_permission_set':
      return identityCenterRead && !failed((f) => f.step.startsWith('sso:'));
    case 'iam_group':
      return (
        discovery.accounts.some((a) => a.id === r.accountId) &&
        !failed((f) => f.accountId !== undefined && f.accountId === r.accountId)
      );
  }
}
