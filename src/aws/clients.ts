import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import { AdaptiveRetryStrategy, DefaultRateLimiter } from '@smithy/core/retry';
import {
  type CallRate,
  IAM_BUCKET,
  IDENTITY_CENTER_BUCKET,
  ORGANIZATIONS_BUCKET,
  processCallLimits,
  type RateBucket,
} from './call-limits.js';

export type Credentials = NonNullable<IAMClientConfig['credentials']>;

/**
 * Told of every command a client sends, as an IAM action, once it is answered (once per command,
 * not per retry); `error` is what it finally failed with, after the SDK's retries.
 */
export type CallListener = (action: string, error?: unknown) => void;

export interface AwsClients {
  identityStore: IdentitystoreClient;
  ssoAdmin: SSOAdminClient;
  organizations: OrganizationsClient;
  iam: IAMClient;
  cloudTrail: CloudTrailClient;
  sts: STSClient;
}

export interface AwsClientOptions {
  region?: string;
  onCall?: CallListener;
  /** Paces every Identity Center and IAM call; the process's in-memory limits when not given. */
  callRate?: CallRate;
  /** `AWS_IDLE_TIMEOUT_MS` unless given (tests shorten it). */
  idleTimeoutMs?: number;
}

/**
 * Per attempt: a connection not made, or an answer silent, this long fails as a `TimeoutError`,
 * which the SDK retries. Without it the Identity Center, SSO Admin and CloudTrail clients wait for
 * ever on a stalled connection (IAM, STS and Organizations 5 minutes), and so would the grant or
 * revocation waiting on them. AWS answers these calls in well under a second.
 */
export const AWS_IDLE_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 3_000;

/** Retries: throttling and 5xx, with the SDK's jittered backoff. AWS_MAX_ATTEMPTS still wins when set. */
const DEFAULT_MAX_ATTEMPTS = 5;

interface Sendable {
  // biome-ignore lint/suspicious/noExplicitAny: every client's stack is typed by its own inputs; this middleware reads none
  middlewareStack: { add(middleware: any, options: { step: 'build'; name: string }): void };
}

/**
 * Reports each command by IAM action (`iam:AddUserToGroup`) with its outcome; `prefix` is the
 * service's IAM prefix. In the build step: after the credentials are resolved (serialize step),
 * around the retries (finalizeRequest), so a command counts once, and not at all when it never
 * left because the credentials could not be had (an AssumeRole into a member account was refused).
 */
export function countCalls(client: Sendable, prefix: string, onCall: CallListener | undefined): void {
  if (!onCall) return;
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const action = `${prefix}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;
        try {
          const output = await next(args);
          onCall(action);
          return output;
        } catch (error) {
          onCall(action, error);
          throw error;
        }
      },
    { step: 'build', name: 'latchCallCounter' },
  );
}

interface SignedStack {
  addRelativeTo(
    // biome-ignore lint/suspicious/noExplicitAny: as in Sendable
    middleware: any,
    options: { relation: 'before' | 'after'; toMiddleware: string; name: string; override?: boolean },
  ): void;
}

/**
 * Waits for `callRate` before every attempt, as AWS counts each one: inside the SDK's retry
 * middleware (finalizeRequest), just after signing, so that only the HTTP handler runs between the
 * moment the limiter gave and the wire. Signing first resolves credentials, which on a client's first
 * call takes long enough to bunch that call with the next. Waits are seconds at most (the callers
 * waiting on a bucket ÷ its rate); a SigV4 signature is good for five minutes.
 * A plugin, so the STS client the credential provider creates for itself can carry it too.
 */
export function callRatePlugin(
  bucket: RateBucket,
  callRate: CallRate,
): { applyToStack(stack: SignedStack): void } {
  return {
    applyToStack(stack) {
      stack.addRelativeTo(
        (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
          await callRate.take(bucket);
          return next(args);
        },
        { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'latchCallRate', override: true },
      );
    },
  };
}

export function limitCallRate(
  client: { middlewareStack: SignedStack },
  bucket: RateBucket,
  callRate: CallRate,
): void {
  callRatePlugin(bucket, callRate).applyToStack(client.middlewareStack);
}

/**
 * The SDK's adaptive retries, paced by `limiter`: calls go freely until AWS throttles one, then the
 * sending rate is held near what AWS allowed and raised again as calls succeed (PLATFORM.md B10).
 * One limiter shared by all of a service's clients (one per member account) makes them slow down
 * together; against an AWS that never throttles it never engages.
 */
export function adaptiveRetries(limiter: SharedRateLimiter): AdaptiveRetryStrategy {
  // A number, not a provider: given options, AdaptiveRetryStrategy reads a provider as 3 attempts.
  const maxAttempts = Number(process.env.AWS_MAX_ATTEMPTS) || DEFAULT_MAX_ATTEMPTS;
  return new AdaptiveRetryStrategy(maxAttempts, { rateLimiter: limiter });
}

export type SharedRateLimiter = DefaultRateLimiter;

export function sharedRateLimiter(): SharedRateLimiter {
  return new DefaultRateLimiter({ beta: 0.9 });
}

/** Region, retries and timeouts only: endpoints come from the SDK's own configuration (AWS_ENDPOINT_URL_*). */
export function clientConfig(
  region: string | undefined,
  credentials?: Credentials,
  idleTimeoutMs = AWS_IDLE_TIMEOUT_MS,
): {
  region?: string;
  maxAttempts?: number;
  credentials?: Credentials;
  requestHandler: { connectionTimeout: number; socketTimeout: number };
} {
  return {
    ...(region ? { region } : {}),
    ...(process.env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: DEFAULT_MAX_ATTEMPTS }),
    ...(credentials ? { credentials } : {}),
    requestHandler: {
      connectionTimeout: Math.min(CONNECT_TIMEOUT_MS, idleTimeoutMs),
      socketTimeout: idleTimeoutMs,
    },
  };
}

/** Clients for Latch's own account, with the default credential chain. */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const config = clientConfig(options.region, undefined, options.idleTimeoutMs);
  const clients: AwsClients = {
    identityStore: new IdentitystoreClient(config),
    ssoAdmin: new SSOAdminClient(config),
    organizations: new OrganizationsClient(config),
    iam: new IAMClient(config),
    cloudTrail: new CloudTrailClient(config),
    sts: new STSClient(config),
  };
  countCalls(clients.identityStore, 'identitystore', options.onCall);
  countCalls(clients.ssoAdmin, 'sso', options.onCall);
  countCalls(clients.organizations, 'organizations', options.onCall);
  countCalls(clients.iam, 'iam', options.onCall);
  countCalls(clients.cloudTrail, 'cloudtrail', options.onCall);
  countCalls(clients.sts, 'sts', options.onCall);
  // One bucket for both: AWS's 20 TPS covers Identity Center as a whole (PLATFORM.md B3).
  const callRate = options.callRate ?? processCallLimits().callRate;
  limitCallRate(clients.identityStore, IDENTITY_CENTER_BUCKET, callRate);
  limitCallRate(clients.ssoAdmin, IDENTITY_CENTER_BUCKET, callRate);
  limitCallRate(clients.iam, IAM_BUCKET, callRate);
  limitCallRate(clients.organizations, ORGANIZATIONS_BUCKET, callRate);
  return clients;
}

export function destroyAwsClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
