import {
  type FakeAwsServer,
  type FakeAwsServerOptions,
  startFakeAwsServer,
} from '../support/fake-aws-server.js';

export const MEMBER_ACCOUNT = '222222222222';
export const ROLE_NAME = 'LatchAccess';
export const EXTERNAL_ID = 'latch-ext-7f3a';

/**
 * A local AWS for adapter tests, reached the way a deployment reaches AWS: AWS_ENDPOINT_URL and
 * the default credential chain. Each test file runs in its own process, so the env is its own.
 */
export async function startLocalAws(options: FakeAwsServerOptions & { maxAttempts?: number } = {}) {
  const aws: FakeAwsServer = await startFakeAwsServer({ identityStoreId: 'd-1234567890', ...options });
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIAADAPTERFAKE',
    AWS_SECRET_ACCESS_KEY: 'adapter-fake-secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: aws.url,
    AWS_MAX_ATTEMPTS: String(options.maxAttempts ?? 1),
  });
  return aws;
}

/** A member account Latch reaches through LatchAccess with the ExternalId. */
export function addMemberAccount(aws: FakeAwsServer, accountId = MEMBER_ACCOUNT, name = 'member'): string {
  aws.organizations.addAccount({ id: accountId, name });
  aws.addRole({ arn: `arn:aws:iam::${accountId}:role/${ROLE_NAME}`, externalId: EXTERNAL_ID });
  return accountId;
}
