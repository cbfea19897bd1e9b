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

export function tierOf(policy: Policy, resource: Resource): Tier | undefined {
  return policy.tiers[resource.tier];
}
