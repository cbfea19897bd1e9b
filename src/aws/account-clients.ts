import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AdaptiveRetryStrategy } from '@smithy/core/retry';
import { ProvisioningError } from '../core/errors.js';
import {
  ASSUME_ROLE_BUCKET,
  type CallLimits,
  type CallRate,
  IAM_BUCKET,
  processCallLimits,
} from './call-limits.js';
import {
  type AwsClients,
  adaptiveRetries,
  type CallListener,
  type Credentials,
  callRatePlugin,
  clientConfig,
  countCalls,
  limitCallRate,
  type SharedRateLimiter,
  sharedRateLimiter,
} from './clients.js';

export interface CrossAccountSettings {
  region?: string;
  /** Role name (may include a path) assumed in member accounts: `aws.cross_account_role`. */
  role?: string;
  /** Sent on every AssumeRole: `aws.external_id`. */
  externalId?: string;
  onCall?: CallListener;
  /**
   * AWS's rates, shared with provisioning: the database's when replicas share them, this process's
   * otherwise. Member accounts' STS and IAM calls take `ASSUME_ROLE_BUCKET` and `IAM_BUCKET`.
   */
  callLimits?: CallLimits;
  /**
   * The SDK's adaptive retries for member accounts' STS and IAM, one limiter each: a sync or the
   * insights reading every account at once slow down together when AWS throttles. Provisioning
   * leaves them out, so that one throttled account does not slow the others.
   */
  adaptiveRetries?: boolean;
  /** Per attempt, `AWS_IDLE_TIMEOUT_MS` unless given (tests shorten it). */
  idleTimeoutMs?: number;
}

/** An AssumeRole into a member account failed; names the account and role. */
export class AssumeRoleError extends ProvisioningError {
  constructor(
    readonly accountId: string,
    readonly roleArn: string,
    cause: unknown,
  ) {
    const name = cause instanceof Error ? cause.name : 'Error';
    const message = cause instanceof Error ? cause.message : String(cause);
    const denied = name === 'AccessDenied' || name === 'AccessDeniedException';
    super(
      `cannot assume ${roleArn} in account ${accountId}: ${name}: ${message}` +
        (denied ? ' (check the role exists, trusts Latch, and expects aws.external_id)' : ''),
      !denied,
      { cause },
    );
  }
}

/**
 * Clients per account: Latch's own account uses the default credentials; member accounts are reached
 * through `role` with `externalId` (never without one). Each member account gets one client whose
 * credentials the SDK caches and renews shortly before they expire.
 */
export class AccountClients {
  private home: Promise<{ account: string; partition: string }> | undefined;
  // Promises, so that operations reaching one account at once share one client (and one AssumeRole).
  private readonly iamClients = new Map<string, Promise<IAMClient>>();
  private readonly trailClients = new Map<string, Promise<CloudTrailClient>>();
  private readonly created: Array<{ destroy(): void }> = [];
  // A sync reaches hundreds of accounts at once: their STS and IAM calls back off as one when throttled.
  private readonly stsLimiter = sharedRateLimiter();
  private readonly iamLimiter = sharedRateLimiter();

  private readonly callRate: CallRate;

  /** The SDK's adaptive retries when asked for; the standard ones otherwise. */
  private retries(limiter: SharedRateLimiter): { retryStrategy?: AdaptiveRetryStrategy } {
    return this.settings.adaptiveRetries ? { retryStrategy: adaptiveRetries(limiter) } : {};
  }

  constructor(
    readonly clients: AwsClients,
    private readonly settings: CrossAccountSettings,
  ) {
    this.callRate = (settings.callLimits ?? processCallLimits()).callRate;
  }

  /** The account and partition Latch's own credentials belong to (asked once, then remembered). */
  homeAccount(): Promise<{ account: string; partition: string }> {
    this.home ??= this.clients.sts.send(new GetCallerIdentityCommand({})).then((identity) => {
      if (!identity.Account || !identity.Arn)
        throw new ProvisioningError('GetCallerIdentity returned no account', true);
      return { account: identity.Account, partition: identity.Arn.split(':')[1] ?? 'aws' };
    });
    this.home.catch(() => {
      this.home = undefined;
    });
    return this.home;
  }

  async iam(accountId: string): Promise<IAMClient> {
    return this.forAccount(accountId, this.iamClients, this.clients.iam, (config) => {
      const client = new IAMClient({ ...config, ...this.retries(this.iamLimiter) });
      countCalls(client, 'iam', this.settings.onCall);
      limitCallRate(client, IAM_BUCKET, this.callRate);
      return client;
    });
  }

  async cloudTrail(accountId: string): Promise<CloudTrailClient> {
    return this.forAccount(accountId, this.trailClients, this.clients.cloudTrail, (config) => {
      const client = new CloudTrailClient(config);
      countCalls(client, 'cloudtrail', this.settings.onCall);
      return client;
    });
  }

  /** The role ARN Latch assumes in `accountId`. */
  async roleArn(accountId: string): Promise<string> {
    const { role, externalId } = this.settings;
    if (!role || !externalId) {
      throw new ProvisioningError(
        `account ${accountId} is not Latch's own account: set aws.cross_account_role and aws.external_id in the policy`,
        false,
      );
    }
    const { partition } = await this.homeAccount();
    return `arn:${partition}:iam::${accountId}:role/${role.replace(/^\/+/, '')}`;
  }

  destroy(): void {
    for (const client of this.created.splice(0)) client.destroy();
    this.iamClients.clear();
    this.trailClients.clear();
  }

  private async forAccount<T extends { destroy(): void }>(
    accountId: string,
    cache: Map<string, Promise<T>>,
    homeClient: T,
    create: (config: ReturnType<typeof clientConfig>) => T,
  ): Promise<T> {
    if ((await this.homeAccount()).account === accountId) return homeClient;
    // Looked up and stored with no await in between: a second caller finds the first one's client.
    let client = cache.get(accountId);
    if (!client) {
      const pending = this.assumeRole(accountId).then((credentials) => {
        const created = create(clientConfig(this.settings.region, credentials, this.settings.idleTimeoutMs));
        this.created.push(created);
        return created;
      });
      pending.catch(() => {
        if (cache.get(accountId) === pending) cache.delete(accountId);
      });
      cache.set(accountId, pending);
      client = pending;
    }
    return client;
  }

  private async assumeRole(accountId: string): Promise<Credentials> {
    const roleArn = await this.roleArn(accountId);
    const provider = fromTemporaryCredentials({
      params: { RoleArn: roleArn, RoleSessionName: 'latch', ExternalId: this.settings.externalId },
      clientConfig: {
        ...clientConfig(this.settings.region, undefined, this.settings.idleTimeoutMs),
        ...this.retries(this.stsLimiter),
      },
      clientPlugins: [callRatePlugin(ASSUME_ROLE_BUCKET, this.callRate)],
    });
    return async (properties) => {
      try {
        const credentials = await provider(properties);
        this.settings.onCall?.('sts:AssumeRole');
        return credentials;
      } catch (error) {
        this.settings.onCall?.('sts:AssumeRole', error);
        throw new AssumeRoleError(accountId, roleArn, error);
      }
    };
  }
}
