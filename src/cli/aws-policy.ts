import { ASSIGNMENT_SIDE_EFFECT_ACTIONS, type AwsPurpose, operationsFor } from '../aws/aws-operations.js';
import type { LoadedPolicy } from '../config/policy.js';
import type { ResourceKind } from '../core/model.js';

export interface IamStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  /** Absent in a trust policy, which applies to the role it is attached to. */
  Resource?: string | string[];
  Principal?: { AWS: string };
  Condition?: Record<string, Record<string, string>>;
}

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

export interface AwsPolicyResult {
  /** For the role or user Latch runs as. */
  document: IamPolicyDocument;
  /** For `aws.cross_account_role` in every member account, when the policy names one. */
  crossAccount?: { roleName: string; permissions: IamPolicyDocument; trust: IamPolicyDocument };
  /** What the operator should know: wildcards used for want of a value, kinds left out. */
  notes: string[];
}

/** The IAM partition of a region: `aws-cn` in China, `aws-us-gov` in GovCloud, else `aws`. */
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

// Each action once per statement, sorted: several purposes share reads (catalog, insights).
const document = (statements: IamStatement[]): IamPolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements.map((s) => ({ ...s, Action: [...new Set(s.Action)].sort() })),
});

/**
 * The least-privilege IAM policies for the AWS calls Latch makes, derived from the one list of
 * operations the adapters use (aws/aws-operations.ts). Catalog sync, identity lookups, activity and
 * standing-access reads are always needed; the write actions of a resource kind only when the policy has such a
 * resource. Identity Store ARNs as the Service Authorization Reference gives them: the store is
 * `…:identitystore::<account>:identitystore/<id>`; users, groups and memberships carry neither
 * region nor account.
 */
export function awsPolicy(
  loaded: LoadedPolicy,
  options: { accountId?: string; region?: string } = {},
): AwsPolicyResult {
  const notes: string[] = [];
  const partition = partitionOf(loaded.aws?.region ?? options.region);
  const account = options.accountId ?? '*';
  const kinds = new Set<ResourceKind>(loaded.policy.resources.map((resource) => resource.kind));
  const uses = (kind: ResourceKind) => kinds.has(kind);
  const home = (purpose: AwsPurpose) => operationsFor(purpose, 'home');
  const credentialChanges = loaded.aws?.apply_credential_changes === true;
  if (!options.accountId) {
    notes.push('no --account given: ARNs match any account; pass the account Latch runs in');
  }
  const storeId = loaded.aws?.identity_center?.identity_store_id;
  if (!storeId)
    notes.push('the policy names no aws.identity_center.identity_store_id: any identity store matches');

  const statements: IamStatement[] = [
    { Sid: 'LatchCallerIdentity', Effect: 'Allow', Action: home('identity').filter(isSts), Resource: '*' },
    {
      Sid: 'LatchIdentityStore',
      Effect: 'Allow',
      Action: [
        ...home('identity').filter((a) => !isSts(a)),
        ...home('catalog').filter((a) => a.startsWith('identitystore:')),
        ...home('insights').filter((a) => a.startsWith('identitystore:')),
        ...(uses('sso_group') ? home('sso_group') : []),
      ],
      Resource: [
        `arn:${partition}:identitystore::${account}:identitystore/${storeId ?? '*'}`,
        `arn:${partition}:identitystore:::user/*`,
        `arn:${partition}:identitystore:::group/*`,
        `arn:${partition}:identitystore:::membership/*`,
      ],
    },
    {
      Sid: 'LatchCatalog',
      Effect: 'Allow',
      Action: [...home('catalog'), ...home('insights')].filter(
        (a) => !a.startsWith('identitystore:') && !a.startsWith('iam:'),
      ),
      Resource: '*',
    },
    { Sid: 'LatchActivity', Effect: 'Allow', Action: home('activity'), Resource: '*' },
    {
      Sid: 'LatchIamGroups',
      Effect: 'Allow',
      Action: [
        ...home('catalog').filter((a) => a.startsWith('iam:')),
        ...iamGroupReads(),
        ...(uses('iam_group') ? iamGroupWrites() : []),
        ...(credentialChanges ? home('insights_changes') : []),
      ].sort(),
      Resource: [`arn:${partition}:iam::${account}:user/*`, `arn:${partition}:iam::${account}:group/*`],
    },
    standingAccessReads(home('insights'), partition, account),
  ];
  if (uses('sso_permission_set')) {
    statements.push(
      {
        Sid: 'LatchPermissionSetAssignments',
        Effect: 'Allow',
        Action: home('sso_permission_set'),
        Resource: '*',
      },
      {
        Sid: 'LatchPermissionSetRoles',
        Effect: 'Allow',
        Action: [...ASSIGNMENT_SIDE_EFFECT_ACTIONS].sort(),
        Resource: [
          `arn:${partition}:iam::*:role/aws-reserved/sso.amazonaws.com/*`,
          `arn:${partition}:iam::*:saml-provider/AWSSSO_*`,
        ],
      },
    );
  }
  const role = loaded.aws?.cross_account_role;
  if (!role) {
    if (uses('iam_group')) {
      notes.push(
        'the policy names no aws.cross_account_role: IAM groups work only in the account Latch runs in',
      );
    }
    return { document: document(statements), notes };
  }
  const roleName = role.replace(/^\/+/, '');
  statements.push({
    Sid: 'LatchAssumeCrossAccountRole',
    Effect: 'Allow',
    Action: home('cross_account'),
    Resource: `arn:${partition}:iam::*:role/${roleName}`,
  });
  const member = (purpose: AwsPurpose) => operationsFor(purpose, 'member');
  const externalId = loaded.aws?.external_id;
  if (!externalId)
    notes.push(
      'the policy names no aws.external_id: Latch will not assume the cross-account role without one',
    );
  const principal = `arn:${partition}:iam::${account === '*' ? '<latch-account>' : account}:root`;
  return {
    document: document(statements),
    crossAccount: {
      roleName,
      permissions: document([
        {
          Sid: 'LatchIamGroups',
          Effect: 'Allow',
          Action: [
            ...member('catalog'),
            ...iamGroupReads(),
            ...(uses('iam_group') ? iamGroupWrites() : []),
            ...(credentialChanges ? member('insights_changes') : []),
          ].sort(),
          Resource: [`arn:${partition}:iam::*:user/*`, `arn:${partition}:iam::*:group/*`],
        },
        standingAccessReads(member('insights'), partition, '*'),
        { Sid: 'LatchActivity', Effect: 'Allow', Action: member('activity'), Resource: '*' },
      ]),
      trust: document([
        {
          Sid: 'LatchAssumesWithExternalId',
          Effect: 'Allow',
          Principal: { AWS: principal },
          Action: ['sts:AssumeRole'],
          Condition: { StringEquals: { 'sts:ExternalId': externalId ?? '<aws.external_id>' } },
        },
      ]),
    },
    notes,
  };
}

/**
 * The IAM reads of the standing-access inventory that the IAM-group statement does not already
 * allow: users' keys, console passwords and policies, groups' policies, roles, and the documents of
 * the account's own and AWS managed policies.
 */
function standingAccessReads(insights: string[], partition: string, account: string): IamStatement {
  const already = new Set([...operationsFor('catalog', 'member'), ...iamGroupReads()]);
  return {
    Sid: 'LatchStandingAccessReads',
    Effect: 'Allow',
    Action: insights.filter((a) => a.startsWith('iam:') && !already.has(a)),
    Resource: [
      `arn:${partition}:iam::${account}:user/*`,
      `arn:${partition}:iam::${account}:group/*`,
      `arn:${partition}:iam::${account}:role/*`,
      `arn:${partition}:iam::${account}:policy/*`,
      `arn:${partition}:iam::aws:policy/*`,
    ],
  };
}

function isSts(action: string): boolean {
  return action.startsWith('sts:');
}

/** Reads for IAM groups: finding the user, checking membership, listing members for drift. */
function iamGroupReads(): string[] {
  return operationsFor('iam_group', 'member').filter((a) => !IAM_WRITES.includes(a));
}

function iamGroupWrites(): string[] {
  return operationsFor('iam_group', 'member').filter((a) => IAM_WRITES.includes(a));
}

const IAM_WRITES = ['iam:AddUserToGroup', 'iam:RemoveUserFromGroup'];
