import type { RecommendedChange } from './recommendations.js';

/**
 * The IAM action a recommended change sends to AWS, or undefined when the change is not made in AWS
 * (a tier's max duration lives in the policy file: an admin edits it there).
 */
export function changeAction(change: RecommendedChange): string | undefined {
  switch (change.action) {
    case 'remove_iam_group_member':
      return 'iam:RemoveUserFromGroup';
    case 'remove_sso_group_member':
      return 'identitystore:DeleteGroupMembership';
    case 'delete_account_assignment':
      return 'sso:DeleteAccountAssignment';
    case 'deactivate_access_key':
      return 'iam:UpdateAccessKey';
    case 'delete_login_profile':
      return 'iam:DeleteLoginProfile';
    case 'set_max_duration':
      return undefined;
  }
}

/** Whether Latch may make the change: it is made in AWS and its action is in Latch's printed policy. */
export function canApply(change: RecommendedChange, allowedActions: ReadonlySet<string>): boolean {
  const action = changeAction(change);
  return action !== undefined && allowedActions.has(action);
}
