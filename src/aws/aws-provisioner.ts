import type { IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ProvisioningError } from '../core/errors.js';
import type { Resource } from '../core/model.js';
import type { AccessProvisioner, ActivityWindow, ProvisionResult } from '../core/ports.js';
import { AccountClients, type CrossAccountSettings } from './account-clients.js';
import { awsErrorName } from './aws-errors.js';
import { type CallLimits, processCallLimits } from './call-limits.js';
import { type AwsClients, createAwsClients, destroyAwsClients } from './clients.js';
import { type ActivitySummary, CloudTrailActivity } from './cloudtrail-activity.js';
import { addToIamGroup, iamGroupMembers, removeFromIamGroup } from './iam-groups.js';
import { findIamUser, type IamUserDirectory, readIamUsers } from './iam-users.js';
import { IdentityCenterLocator } from './identity-center.js';
import { addGroupMember, groupMembers, removeGroupMember } from './identity-center-groups.js';
import { findIdentityCenterUser } from './identity-directory.js';
import {
  assignmentHolders,
  assignPermissionSet,
  DEFAULT_POLL,
  type PollSettings,
  unassignPermissionSet,
} from './permission-sets.js';
import { UserIdCache } from './user-id-cache.js';

export interface AwsProvisionerSettings extends CrossAccountSettings {
  instanceArn?: string;
  identityStoreId?: string;
  poll?: PollSettings;
}

/**
 * Provisions access in AWS by resource kind: Identity Center group membership, permission-set
 * assignment on an account, or IAM group membership in an account (through the cross-account role).
 * Every operation is idempotent and says whether it changed anything.
 */
export class AwsProvisioner implements AccessProvisioner {
  readonly clients: AwsClients;
  readonly accounts: AccountClients;
  private readonly identityCenter: IdentityCenterLocator;
  private readonly trail: CloudTrailActivity;
  private readonly limits: CallLimits;
  private readonly userIds = new UserIdCache();
  private readonly lookups = new Map<string, Promise<string>>();
  private readonly iamReads = new Map<string, Promise<IamUserDirectory>>();

  constructor(private readonly settings: AwsProvisionerSettings) {
    this.limits = settings.callLimits ?? processCallLimits();
    this.clients = createAwsClients({
      ...(settings.region ? { region: settings.region } : {}),
      ...(settings.onCall ? { onCall: settings.onCall } : {}),
      callRate: this.limits.callRate,
      ...(settings.idleTimeoutMs ? { idleTimeoutMs: settings.idleTimeoutMs } : {}),
    });
    this.accounts = new AccountClients(this.clients, settings);
    this.identityCenter = new IdentityCenterLocator(this.clients.ssoAdmin, settings);
    this.trail = new CloudTrailActivity(this.limits.callRate);
  }

  supports(resource: Resource): boolean {
    switch (resource.kind) {
      case 'sso_group':
        return Boolean(resource.groupId);
      case 'sso_permission_set':
        return Boolean(resource.accountId && resource.permissionSetArn);
      case 'iam_group':
        return Boolean(resource.accountId && resource.groupName);
    }
  }

  async grant(resource: Resource, email: string, matchedId?: string): Promise<ProvisionResult> {
    switch (resource.kind) {
      case 'sso_group': {
        const storeId = await this.identityCenter.identityStoreId();
        return this.asIdentityCenterUser(storeId, email, matchedId, async (principalId) => {
          const { changed, membershipId } = await addGroupMember(
            this.clients.identityStore,
            storeId,
            need(resource, 'groupId'),
            principalId,
          );
          return { principalId, changed, ...(membershipId ? { ref: membershipId } : {}) };
        });
      }
      case 'sso_permission_set': {
        const { instanceArn, identityStoreId } = await this.identityCenter.instance();
        return this.asIdentityCenterUser(identityStoreId, email, matchedId, async (principalId) => {
          const { changed } = await assignPermissionSet(
            this.clients.ssoAdmin,
            { instanceArn, principalId, ...this.assignmentOf(resource) },
            this.settings.poll ?? DEFAULT_POLL,
            this.limits.assignmentSlots,
          );
          return { principalId, changed };
        });
      }
      case 'iam_group': {
        const accountId = need(resource, 'accountId');
        const iam = await this.accounts.iam(accountId);
        const principalId = await this.iamUserFor(accountId, iam, email);
        const { changed } = await addToIamGroup(iam, need(resource, 'groupName'), principalId);
        return { principalId, changed };
      }
    }
  }

  async matchUser(resource: Resource, email: string): Promise<string | undefined> {
    if (resource.kind === 'iam_group') return undefined;
    return this.userIds.get(email) ?? this.lookUpUser(await this.identityCenter.identityStoreId(), email);
  }

  /**
   * Runs `use` with the email's Identity Center user id: the one matched when the request was filed,
   * else one remembered from a recent grant. A known id that fails is forgotten, and one AWS no
   * longer knows is looked up again.
   */
  private async asIdentityCenterUser(
    identityStoreId: string,
    email: string,
    matchedId: string | undefined,
    use: (userId: string) => Promise<ProvisionResult>,
  ): Promise<ProvisionResult> {
    const remembered = matchedId ?? this.userIds.get(email);
    if (remembered) {
      try {
        return await use(remembered);
      } catch (error) {
        this.userIds.forget(email);
        if (!isNotFound(error)) throw error;
      }
    }
    return use(await this.lookUpUser(identityStoreId, email));
  }

  /** One GetUserId per email at a time: a person's grants approved together share its answer. */
  private lookUpUser(identityStoreId: string, email: string): Promise<string> {
    let pending = this.lookups.get(email);
    if (!pending) {
      pending = findIdentityCenterUser(this.clients.identityStore, identityStoreId, email)
        .then((userId) => {
          this.userIds.set(email, userId);
          return userId;
        })
        .finally(() => this.lookups.delete(email));
      this.lookups.set(email, pending);
    }
    return pending;
  }

  /**
   * The email's IAM user, from a read of the account's users shared by all the grants that need one
   * at the same moment: a read is a call per user, paced with every other IAM call, so ten grants
   * each reading alone took ten times as long. A grant that joined a read already under way and
   * found no one reads again, so a user made or tagged just before it asked is not missed. Nothing
   * is kept once a read ends.
   */
  private async iamUserFor(accountId: string, iam: IAMClient, email: string): Promise<string> {
    const underWay = this.iamReads.get(accountId);
    if (underWay) {
      try {
        return findIamUser(await underWay, accountId, email);
      } catch (error) {
        if (!(error instanceof ProvisioningError) || error.retriable) throw error;
      }
    }
    return findIamUser(await this.readIamUsers(accountId, iam), accountId, email);
  }

  private readIamUsers(accountId: string, iam: IAMClient): Promise<IamUserDirectory> {
    let pending = this.iamReads.get(accountId);
    if (!pending) {
      pending = readIamUsers(iam).finally(() => this.iamReads.delete(accountId));
      this.iamReads.set(accountId, pending);
    }
    return pending;
  }

  async revoke(resource: Resource, principalId: string, ref?: string): Promise<{ changed: boolean }> {
    switch (resource.kind) {
      case 'sso_group': {
        const storeId = await this.identityCenter.identityStoreId();
        const groupId = need(resource, 'groupId');
        return removeGroupMember(this.clients.identityStore, storeId, groupId, principalId, ref);
      }
      case 'sso_permission_set': {
        const { instanceArn } = await this.identityCenter.instance();
        return unassignPermissionSet(
          this.clients.ssoAdmin,
          { instanceArn, principalId, ...this.assignmentOf(resource) },
          this.settings.poll ?? DEFAULT_POLL,
          this.limits.assignmentSlots,
        );
      }
      case 'iam_group': {
        const iam = await this.accounts.iam(need(resource, 'accountId'));
        return removeFromIamGroup(iam, need(resource, 'groupName'), principalId);
      }
    }
  }

  /** Deletes one permission-set assignment of a user or a group (standing access removed from insights). */
  async unassign(target: {
    accountId: string;
    permissionSetArn: string;
    principalType: 'USER' | 'GROUP';
    principalId: string;
  }): Promise<{ changed: boolean }> {
    const { instanceArn } = await this.identityCenter.instance();
    return unassignPermissionSet(
      this.clients.ssoAdmin,
      { instanceArn, ...target },
      this.settings.poll ?? DEFAULT_POLL,
      this.limits.assignmentSlots,
    );
  }

  /** Who holds the resource in AWS now, as principal ids of the form `grant` returns. */
  async holders(resource: Resource): Promise<string[]> {
    switch (resource.kind) {
      case 'sso_group':
        return groupMembers(
          this.clients.identityStore,
          await this.identityCenter.identityStoreId(),
          need(resource, 'groupId'),
        );
      case 'sso_permission_set': {
        const { instanceArn } = await this.identityCenter.instance();
        const { accountId, permissionSetArn } = this.assignmentOf(resource);
        const holders = await assignmentHolders(
          this.clients.ssoAdmin,
          instanceArn,
          accountId,
          permissionSetArn,
        );
        return holders.filter((h) => h.principalType === 'USER').map((h) => h.principalId);
      }
      case 'iam_group': {
        const iam = await this.accounts.iam(need(resource, 'accountId'));
        return iamGroupMembers(iam, need(resource, 'groupName'));
      }
    }
  }

  /**
   * What was done with a grant, from CloudTrail in the resource's account (Latch's own account for
   * Identity Center groups). IAM users appear under their user name; Identity Center sessions under
   * the user's sign-in name, which Latch knows as the email.
   */
  async activity(resource: Resource, window: ActivityWindow): Promise<ActivitySummary> {
    const accountId = resource.accountId ?? (await this.accounts.homeAccount()).account;
    const userName = resource.kind === 'iam_group' ? window.principalId : window.email;
    const cloudTrail = await this.accounts.cloudTrail(accountId);
    const region = (await cloudTrail.config.region()) ?? 'us-east-1';
    return this.trail.summarize(cloudTrail, { accountId, region }, userName, window);
  }

  /** The account and principal Latch runs as, for the start-up log. */
  async callerIdentity(): Promise<{ account?: string; arn?: string }> {
    const identity = await this.clients.sts.send(new GetCallerIdentityCommand({}));
    return {
      ...(identity.Account ? { account: identity.Account } : {}),
      ...(identity.Arn ? { arn: identity.Arn } : {}),
    };
  }

  destroy(): void {
    this.accounts.destroy();
    destroyAwsClients(this.clients);
  }

  private assignmentOf(resource: Resource): { accountId: string; permissionSetArn: string } {
    return { accountId: need(resource, 'accountId'), permissionSetArn: need(resource, 'permissionSetArn') };
  }
}

function need(resource: Resource, field: 'groupId' | 'accountId' | 'permissionSetArn' | 'groupName'): string {
  const value = resource[field];
  if (!value)
    throw new ProvisioningError(`resource ${resource.id} (${resource.kind}) has no ${field}`, false);
  return value;
}

/** AWS's ResourceNotFoundException, also when wrapped as a ProvisioningError. */
function isNotFound(error: unknown): boolean {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  return (
    awsErrorName(cause) === 'ResourceNotFoundException' || awsErrorName(error) === 'ResourceNotFoundException'
  );
}
