import { paginateListInstances, type SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { ProvisioningError } from '../core/errors.js';
import { toProvisioningError } from './aws-errors.js';

export interface IdentityCenterInstance {
  instanceArn: string;
  identityStoreId: string;
}

/**
 * The Identity Center instance: as the policy names it, else the organization's one instance found
 * with ListInstances (asked once, then remembered; a failure is asked again next time).
 */
export class IdentityCenterLocator {
  private found: Promise<IdentityCenterInstance> | undefined;

  constructor(
    private readonly client: SSOAdminClient,
    private readonly configured: { instanceArn?: string; identityStoreId?: string },
  ) {}

  /** The identity store alone needs no ListInstances call when the policy names it. */
  async identityStoreId(): Promise<string> {
    return this.configured.identityStoreId ?? (await this.instance()).identityStoreId;
  }

  instance(): Promise<IdentityCenterInstance> {
    const { instanceArn, identityStoreId } = this.configured;
    if (instanceArn && identityStoreId) return Promise.resolve({ instanceArn, identityStoreId });
    this.found ??= this.discover(instanceArn);
    this.found.catch(() => {
      this.found = undefined;
    });
    return this.found;
  }

  private async discover(instanceArn: string | undefined): Promise<IdentityCenterInstance> {
    const instances: IdentityCenterInstance[] = [];
    try {
      for await (const page of paginateListInstances({ client: this.client }, {})) {
        for (const i of page.Instances ?? []) {
          if (i.InstanceArn && i.IdentityStoreId && (!i.Status || i.Status === 'ACTIVE')) {
            instances.push({ instanceArn: i.InstanceArn, identityStoreId: i.IdentityStoreId });
          }
        }
      }
    } catch (error) {
      throw toProvisioningError('sso:ListInstances', error);
    }
    const match = instanceArn ? instances.find((i) => i.instanceArn === instanceArn) : instances[0];
    if (!match || (!instanceArn && instances.length > 1)) {
      throw new ProvisioningError(
        instances.length > 1
          ? `${instances.length} Identity Center instances found; name one in aws.identity_center.instance_arn`
          : `no active Identity Center instance${instanceArn ? ` ${instanceArn}` : ''} found; check aws.identity_center in the policy`,
        false,
      );
    }
    return match;
  }
}
