import type { Resource } from '../../core/model.js';
import { escapeMrkdwn, userText } from './mrkdwn.js';

const KIND_LABELS: Record<Resource['kind'], string> = {
  sso_group: 'Identity Center group',
  sso_permission_set: 'permission set',
  iam_group: 'IAM group',
};

/** `*Oncall* (`oncall`, Identity Center group, tier medium)` */
export function describeResource(resource: Resource): string {
  const account = resource.accountId ? `, account ${resource.accountId}` : '';
  return `*${userText(resource.name, 150)}* (\`${resource.id}\`, ${KIND_LABELS[resource.kind]}${account}, tier ${escapeMrkdwn(resource.tier)})`;
}
