import type { LoadedPolicy } from '../config/policy.js';
import { formatDuration } from '../core/duration.js';
import type { ApprovalStep, Policy, Resource, Tier } from '../core/model.js';

/** What a valid policy will do, as lines for a person: tiers, then each resource's approvers. */
export function describePolicy({ policy }: LoadedPolicy): string[] {
  const tiers = Object.values(policy.tiers);
  const width = Math.max(...tiers.map((tier) => tier.name.length)) + 2;
  return [
    `admins: ${policy.admins.join(', ')}`,
    `fallback approvers: ${fallbackName(policy)}`,
    `audit channel: ${policy.auditChannel ?? 'none (decisions are still in the audit log)'}`,
    `email domains: ${policy.allowedEmailDomains?.join(', ') ?? 'any (Slack must still confirm the email)'}`,
    `a request nobody decides expires after ${formatDuration(policy.requestTtlSeconds)}`,
    '',
    'tiers:',
    ...tiers.map((tier) => `  ${tier.name.padEnd(width)}${describeTier(tier)}`),
    '',
    policy.resources.length ? 'resources:' : 'resources: none (nothing can be requested yet)',
    ...policy.resources.flatMap((resource) => describeResource(policy, resource)),
  ];
}

function describeTier(tier: Tier): string {
  const steps = tier.steps.length ? tier.steps.map(stepName).join(', then ') : 'auto-approve';
  const validity = tier.approvalValiditySeconds
    ? `approval valid ${formatDuration(tier.approvalValiditySeconds)}`
    : 'every activation approved';
  return [
    steps,
    `${formatDuration(tier.minDurationSeconds)} to ${formatDuration(tier.maxDurationSeconds)}`,
    validity,
    `warn ${formatDuration(tier.warnBeforeSeconds)} before the end`,
    ...(tier.breakGlass ? [`break glass for up to ${formatDuration(tier.breakGlassDurationSeconds)}`] : []),
  ].join('; ');
}

function describeResource(policy: Policy, resource: Resource): string[] {
  const tier = policy.tiers[resource.tier];
  const title = resource.name === resource.id ? '' : ` (${resource.name})`;
  const head = `  ${resource.id}${title}: ${resource.kind} ${target(resource)}, tier ${resource.tier}`;
  if (!tier?.steps.length) return [head, '    auto-approved'];
  return [
    head,
    ...tier.steps.map(
      (step, index) => `    step ${index + 1}, ${stepName(step)}: ${stepApprovers(policy, resource, step)}`,
    ),
  ];
}

function stepApprovers(policy: Policy, resource: Resource, step: ApprovalStep): string {
  const fallback = `fallback: ${fallbackName(policy)}`;
  switch (step.kind) {
    case 'manager': {
      const listed = Object.keys(policy.approvers.managers).length;
      return `the requester's manager from approvers.managers (${listed} listed); ${fallback} when none is listed`;
    }
    case 'owner':
      if (!resource.owners.length) return `no owners listed, so ${fallback}`;
      return resource.owners.length === 1
        ? `${resource.owners[0]}; ${fallback} when the owner is the requester`
        : resource.owners.join(', ');
    case 'group': {
      const members = policy.approvers.groups[step.group] ?? [];
      if (members.length < step.count) return `group "${step.group}" has too few members, so ${fallback}`;
      return `${step.count} of ${members.join(', ')}`;
    }
  }
}

function stepName(step: ApprovalStep): string {
  return step.kind === 'group' ? step.group : step.kind;
}

function fallbackName(policy: Policy): string {
  const { fallback } = policy.approvers;
  const isAdmins =
    fallback.length === policy.admins.length && fallback.every((ref) => policy.admins.includes(ref));
  return isAdmins ? `admins (${fallback.join(', ')})` : fallback.join(', ');
}

function target(resource: Resource): string {
  if (resource.kind === 'sso_group') return `group ${resource.groupId}`;
  if (resource.kind === 'iam_group') return `${resource.groupName} in ${resource.accountId}`;
  return `${resource.permissionSetArn} in ${resource.accountId}`;
}
