import {
  DeleteLoginProfileCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { Resource } from '../core/model.js';
import type { StandingAccessChanger } from '../core/ports.js';
import type { RecommendedChange } from '../insights/recommendations.js';
import { awsErrorName, callAws, toProvisioningError } from './aws-errors.js';
import type { AwsProvisioner } from './aws-provisioner.js';

/**
 * Makes the changes insights recommend, through the provisioner's clients and adapters: group
 * memberships and assignments as a revocation removes them, and IAM credentials directly. Each is
 * idempotent: a change already made answers `changed: false`.
 */
export class AwsStandingAccessChanger implements StandingAccessChanger {
  constructor(private readonly provisioner: AwsProvisioner) {}

  async apply(change: RecommendedChange): Promise<{ changed: boolean }> {
    const p = this.provisioner;
    switch (change.action) {
      case 'remove_iam_group_member':
        return p.revoke(iamGroup(change.accountId, change.groupName), change.userName);
      case 'remove_sso_group_member':
        return p.revoke(ssoGroup(change.groupId), change.userId);
      case 'delete_account_assignment':
        return p.unassign(change);
      case 'deactivate_access_key': {
        const iam = await p.accounts.iam(change.accountId);
        const keys = await callAws('iam:ListAccessKeys', () =>
          iam.send(new ListAccessKeysCommand({ UserName: change.userName })),
        );
        const key = keys.AccessKeyMetadata?.find((k) => k.AccessKeyId === change.accessKeyId);
        if (!key || key.Status === 'Inactive') return { changed: false };
        await callAws('iam:UpdateAccessKey', () =>
          iam.send(
            new UpdateAccessKeyCommand({
              UserName: change.userName,
              AccessKeyId: change.accessKeyId,
              Status: 'Inactive',
            }),
          ),
        );
        return { changed: true };
      }
      case 'delete_login_profile': {
        const iam = await p.accounts.iam(change.accountId);
        try {
          await iam.send(new DeleteLoginProfileCommand({ UserName: change.userName }));
          return { changed: true };
        } catch (error) {
          if (awsErrorName(error) === 'NoSuchEntityException') return { changed: false };
          throw toProvisioningError('iam:DeleteLoginProfile', error);
        }
      }
      case 'set_max_duration':
        throw new Error('a max duration is set in the policy file, not in AWS');
    }
  }
}

// Just what the provisioner's revoke reads of a resource; these are not catalog resources.
function iamGroup(accountId: string, groupName: string): Resource {
  const id = `insights:${accountId}:${groupName}`;
  return {
    id,
    name: groupName,
    kind: 'iam_group',
    tier: '',
    accountId,
    groupName,
    owners: [],
    enforce: false,
  };
}

function ssoGroup(groupId: string): Resource {
  return {
    id: `insights:${groupId}`,
    name: groupId,
    kind: 'sso_group',
    tier: '',
    groupId,
    owners: [],
    enforce: false,
  };
}
