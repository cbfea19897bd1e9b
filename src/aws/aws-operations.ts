/**
 * Every AWS operation Latch sends, named as IAM actions, with the account it runs in and why.
 * `latch aws-policy` derives both IAM policies from this list, and a test checks that every call
 * the adapters make against the local AWS server is in it — so code and policy cannot drift apart.
 */

/** `home`: Latch's own account, with its default credentials. `member`: through the cross-account role. */
export type OperationScope = 'home' | 'member';

export type AwsPurpose =
  | 'identity'
  | 'sso_group'
  | 'sso_permission_set'
  | 'iam_group'
  | 'catalog'
  | 'activity'
  | 'insights'
  | 'insights_changes'
  | 'cross_account';

export interface AwsOperation {
  action: string;
  scopes: readonly OperationScope[];
  purpose: AwsPurpose;
}

const op = (action: string, purpose: AwsPurpose, scopes: OperationScope[] = ['home']): AwsOperation => ({
  action,
  scopes,
  purpose,
});

export const AWS_OPERATIONS: readonly AwsOperation[] = [
  op('sts:GetCallerIdentity', 'identity'),
  op('sts:AssumeRole', 'cross_account'),

  op('identitystore:GetUserId', 'identity'),
  op('identitystore:CreateGroupMembership', 'sso_group'),
  op('identitystore:GetGroupMembershipId', 'sso_group'),
  op('identitystore:DeleteGroupMembership', 'sso_group'),
  op('identitystore:ListGroupMemberships', 'sso_group'),
  op('identitystore:ListGroups', 'catalog'),

  op('sso:ListInstances', 'catalog'),
  op('sso:ListPermissionSets', 'catalog'),
  op('sso:DescribePermissionSet', 'catalog'),
  op('sso:ListAccountsForProvisionedPermissionSet', 'catalog'),
  op('sso:CreateAccountAssignment', 'sso_permission_set'),
  op('sso:DescribeAccountAssignmentCreationStatus', 'sso_permission_set'),
  op('sso:DeleteAccountAssignment', 'sso_permission_set'),
  op('sso:DescribeAccountAssignmentDeletionStatus', 'sso_permission_set'),
  op('sso:ListAccountAssignments', 'sso_permission_set'),
  op('sso:ListAccountAssignmentsForPrincipal', 'sso_permission_set'),

  op('organizations:ListAccounts', 'catalog'),

  op('iam:ListUsers', 'iam_group', ['home', 'member']),
  op('iam:ListUserTags', 'iam_group', ['home', 'member']),
  op('iam:ListGroupsForUser', 'iam_group', ['home', 'member']),
  op('iam:AddUserToGroup', 'iam_group', ['home', 'member']),
  op('iam:RemoveUserFromGroup', 'iam_group', ['home', 'member']),
  op('iam:GetGroup', 'iam_group', ['home', 'member']),
  op('iam:ListGroups', 'catalog', ['home', 'member']),

  op('cloudtrail:LookupEvents', 'activity', ['home', 'member']),

  // The standing-access inventory (issue 9): reads only. It also uses the catalog's and IAM groups'
  // listings above, and the Identity Center reads declared again here, which it needs whatever kinds
  // of resources the policy has.
  ...[
    'iam:ListUsers',
    'iam:ListGroups',
    'iam:ListGroupsForUser',
    'iam:GetLoginProfile',
    'iam:ListAccessKeys',
    'iam:GetAccessKeyLastUsed',
    'iam:ListAttachedUserPolicies',
    'iam:ListUserPolicies',
    'iam:GetUserPolicy',
    'iam:ListAttachedGroupPolicies',
    'iam:ListGroupPolicies',
    'iam:GetGroupPolicy',
    'iam:GetPolicy',
    'iam:GetPolicyVersion',
    'iam:ListRoles',
  ].map((action) => op(action, 'insights', ['home', 'member'])),
  op('identitystore:ListUsers', 'insights'),
  op('identitystore:ListGroups', 'insights'),
  op('identitystore:ListGroupMemberships', 'insights'),
  op('sso:ListInstances', 'insights'),
  op('sso:ListPermissionSets', 'insights'),
  op('sso:DescribePermissionSet', 'insights'),
  op('sso:ListAccountsForProvisionedPermissionSet', 'insights'),
  op('sso:ListAccountAssignments', 'insights'),

  // Applying a recommendation from Slack (issue 9). Removing standing group memberships and
  // assignments uses the resource kinds' own writes above; changing IAM users' credentials is
  // opt-in (`aws.apply_credential_changes`), as Latch otherwise never touches credentials.
  op('iam:UpdateAccessKey', 'insights_changes', ['home', 'member']),
  op('iam:DeleteLoginProfile', 'insights_changes', ['home', 'member']),
];

/**
 * Not sent by Latch, but checked by AWS on Latch's behalf: the first assignment of a permission set
 * to an account makes Identity Center create its role there (PLATFORM.md B3).
 */
export const ASSIGNMENT_SIDE_EFFECT_ACTIONS: readonly string[] = [
  'iam:GetRole',
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:GetSAMLProvider',
];

export function operationsFor(purpose: AwsPurpose, scope: OperationScope): string[] {
  return AWS_OPERATIONS.filter((o) => o.purpose === purpose && o.scopes.includes(scope))
    .map((o) => o.action)
    .sort();
}
