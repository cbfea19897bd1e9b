import type { LoadedPolicy } from '../config/policy.js';

export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
}

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

export interface AwsPolicyResult {
  document: IamPolicyDocument;
  /** What the operator should know: wildcards used for want of a value, kinds not covered yet. */
  notes: string[];
}

/** The IAM partition of a region: `aws-cn` in China, `aws-us-gov` in GovCloud, else `aws`. */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** What `aws/identity-directory.ts` and `aws/identity-center-groups.ts` call, nothing more. */
const IDENTITY_CENTER_GROUP_ACTIONS = [
  'identitystore:CreateGroupMembership',
  'identitystore:DeleteGroupMembership',
  'identitystore:GetGroupMembershipId',
  'identitystore:GetUserId',
];

/**
 * The least-privilege IAM policy for the AWS calls Latch makes today under this policy file.
 * Identity Store ARNs as the Service Authorization Reference gives them ("Actions, resources,
 * and condition keys for AWS Identity Store"): the store is `…:identitystore::<account>:identitystore/<id>`;
 * users, groups and memberships carry neither region nor account. Memberships and users are
 * minted by Identity Center, so those stay wildcards; the store pins the grant to one directory.
 */
export function awsPolicy(
  loaded: LoadedPolicy,
  options: { accountId?: string; region?: string } = {},
): AwsPolicyResult {
  const notes: string[] = [];
  // GetCallerIdentity needs no permission (STS answers it even under an explicit deny); listed so the intent is visible.
  const statements: IamStatement[] = [
    { Sid: 'LatchCallerIdentity', Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: '*' },
  ];
  const kinds = new Set(loaded.policy.resources.map((resource) => resource.kind));
  if (kinds.has('sso_group')) {
    const partition = partitionOf(loaded.aws?.region ?? options.region);
    const storeId = loaded.aws?.identity_center?.identity_store_id;
    if (!options.accountId) {
      notes.push(
        'no --account given: the identity store ARN matches any account; pass the account that holds IAM Identity Center',
      );
    }
    if (!storeId)
      notes.push('the policy names no aws.identity_center.identity_store_id: any identity store matches');
    statements.push({
      Sid: 'LatchIdentityCenterGroupMembership',
      Effect: 'Allow',
      Action: IDENTITY_CENTER_GROUP_ACTIONS,
      Resource: [
        `arn:${partition}:identitystore::${options.accountId ?? '*'}:identitystore/${storeId ?? '*'}`,
        `arn:${partition}:identitystore:::user/*`,
        `arn:${partition}:identitystore:::group/*`,
        `arn:${partition}:identitystore:::membership/*`,
      ],
    });
  }
  for (const kind of ['sso_permission_set', 'iam_group'] as const) {
    if (kinds.has(kind)) {
      notes.push(
        `resources of kind ${kind} are not provisioned yet (issue 3); their permissions come with them`,
      );
    }
  }
  return { document: { Version: '2012-10-17', Statement: statements }, notes };
}
