import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ProvisioningError } from '../core/errors.js';
import type { Resource } from '../core/model.js';
import type { AccessProvisioner, ProvisionResult } from '../core/ports.js';
import type { AwsClients } from './clients.js';
import { addGroupMember, removeGroupMember } from './identity-center-groups.js';
import { findIdentityCenterUser } from './identity-directory.js';

/**
 * Provisions access in AWS by resource kind. Identity Center group membership is supported;
 * permission sets and IAM groups arrive with the AWS adapter layer (issue 3).
 */
export class AwsProvisioner implements AccessProvisioner {
  constructor(
    private readonly clients: AwsClients,
    private readonly identityStoreId: string | undefined,
  ) {}

  supports(resource: Resource): boolean {
    return resource.kind === 'sso_group';
  }

  async grant(resource: Resource, email: string): Promise<ProvisionResult> {
    const { storeId, groupId } = this.ssoGroup(resource);
    const principalId = await findIdentityCenterUser(this.clients.identityStore, storeId, email);
    const { changed } = await addGroupMember(this.clients.identityStore, storeId, groupId, principalId);
    return { principalId, changed };
  }

  async revoke(resource: Resource, principalId: string): Promise<{ changed: boolean }> {
    const { storeId, groupId } = this.ssoGroup(resource);
    return removeGroupMember(this.clients.identityStore, storeId, groupId, principalId);
  }

  /** The account and principal Latch runs as, for the start-up log. */
  async callerIdentity(): Promise<{ account?: string; arn?: string }> {
    const identity = await this.clients.sts.send(new GetCallerIdentityCommand({}));
    return {
      ...(identity.Account ? { account: identity.Account } : {}),
      ...(identity.Arn ? { arn: identity.Arn } : {}),
    };
  }

  private ssoGroup(resource: Resource): { storeId: string; groupId: string } {
    if (resource.kind !== 'sso_group' || !resource.groupId) {
      throw new ProvisioningError(
        `resource ${resource.id} of kind ${resource.kind} is not supported yet`,
        false,
      );
    }
    if (!this.identityStoreId) {
      throw new ProvisioningError(
        'aws.identity_center.identity_store_id is not set in the policy file',
        false,
      );
    }
    return { storeId: this.identityStoreId, groupId: resource.groupId };
  }
}
