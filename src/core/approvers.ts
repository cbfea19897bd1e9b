import type { ApprovalStep, Person, Policy, Resource } from './model.js';

/** A policy names people by email or Slack user id; this says whether `ref` is `person`. */
export function isPerson(ref: string, person: Pick<Person, 'slackUserId' | 'email'>): boolean {
  return ref === person.slackUserId || (person.email !== undefined && ref.toLowerCase() === person.email);
}

/** Who the policy names for a step, before any exclusion. */
export function namedApprovers(
  policy: Policy,
  resource: Resource,
  requester: Pick<Person, 'slackUserId' | 'email'>,
  step: ApprovalStep,
): string[] {
  switch (step.kind) {
    case 'manager': {
      const key = requester.email ?? requester.slackUserId;
      const manager = policy.approvers.managers[key] ?? policy.approvers.managers[requester.slackUserId];
      return manager ? [manager] : [];
    }
    case 'owner':
      return [...resource.owners];
    case 'group':
      return [...(policy.approvers.groups[step.group] ?? [])];
  }
}

/**
 * Whether the policy names `person` as a possible approver of anything: a manager, a group member,
 * a resource's owner or a fallback approver. Nobody else can ever pass `eligibleApprovers`.
 */
export function mayApproveAnything(policy: Policy, person: Pick<Person, 'slackUserId' | 'email'>): boolean {
  const { managers, groups, fallback } = policy.approvers;
  const named = (refs: Iterable<string>) => {
    for (const ref of refs) if (isPerson(ref, person)) return true;
    return false;
  };
  return (
    named(fallback) ||
    named(Object.values(managers)) ||
    Object.values(groups).some(named) ||
    policy.resources.some((resource) => named(resource.owners))
  );
}

export interface StepApprovers {
  /** Emails or Slack ids who may decide this step. Empty means nobody can: refuse the request. */
  refs: string[];
  usedFallback: boolean;
}

/**
 * Who may decide a step: the named approvers less the requester and anyone who already
 * decided an earlier step; when nobody is left, the policy's fallback less the same people.
 */
export function eligibleApprovers(
  policy: Policy,
  resource: Resource,
  requester: Pick<Person, 'slackUserId' | 'email'>,
  step: ApprovalStep,
  excluded: ReadonlyArray<Pick<Person, 'slackUserId' | 'email'>> = [],
  options: { escalated?: boolean } = {},
): StepApprovers {
  const barred = [requester, ...excluded];
  const allowed = (ref: string) => !barred.some((person) => isPerson(ref, person));
  const named = unique(namedApprovers(policy, resource, requester, step).filter(allowed));
  if (named.length >= step.count && !options.escalated) return { refs: named, usedFallback: false };
  const fallback = unique([...named, ...policy.approvers.fallback.filter(allowed)]);
  return { refs: fallback.length >= step.count ? fallback : [], usedFallback: true };
}

export function isSelfApproval(requesterId: string, approverId: string): boolean {
  return requesterId === approverId;
}

function unique(refs: string[]): string[] {
  return [...new Set(refs.map((ref) => (ref.includes('@') ? ref.toLowerCase() : ref)))];
}
