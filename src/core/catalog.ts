import { LatchError } from './errors.js';
import type { Policy, Resource, Tier } from './model.js';

export function findResource(policy: Policy, resourceId: string): Resource | undefined {
  return policy.resources.find((resource) => resource.id === resourceId);
}

/** The resource and its tier, or the reason nobody can request it. */
export function requestableResource(policy: Policy, resourceId: string): { resource: Resource; tier: Tier } {
  const resource = findResource(policy, resourceId.trim());
  if (!resource) throw new LatchError('unknown_resource', { resourceId });
  const tier = policy.tiers[resource.tier];
  if (!tier) throw new LatchError('unclassified_resource', { resourceId });
  return { resource, tier };
}

/** Requestable resources matching `query` on id, name, kind or account; classified ones only. */
export function searchCatalog(policy: Policy, query: string): Resource[] {
  const needle = query.trim().toLowerCase();
  return policy.resources.filter(
    (r) =>
      policy.tiers[r.tier] !== undefined &&
      [r.id, r.name, r.kind, r.accountId ?? ''].some((field) => field.toLowerCase().includes(needle)),
  );
}

export function tierOf(policy: Policy, resource: Resource): Tier | undefined {
  return policy.tiers[resource.tier];
}
