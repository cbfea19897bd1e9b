import { GetUserIdCommand } from '@aws-sdk/client-identitystore';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients.js';
import type { LoadedPolicy } from '../config/policy.js';
import { errorText } from './cli-command.js';
import { type CheckResult, fail, ok, skip } from './doctor-check.js';

const CREDENTIALS_HINT =
  'check the AWS credentials Latch runs with (role, AWS_PROFILE or AWS_ACCESS_KEY_ID) and AWS_REGION';

export async function checkAwsIdentity(clients: AwsClients): Promise<CheckResult> {
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    return ok('aws identity', `${identity.Arn ?? '?'}`);
  } catch (error) {
    return fail('aws identity', `${awsMessage(error)}; ${CREDENTIALS_HINT}`);
  }
}

/**
 * Looks up a user name nobody has: "no such user" proves the store answers and that Latch may
 * call GetUserId on it, using only the permissions `latch aws-policy` grants.
 */
export async function checkIdentityStore(
  clients: AwsClients,
  loaded: LoadedPolicy | undefined,
): Promise<CheckResult> {
  const name = 'identity store';
  if (!loaded) return skip(name, 'the policy file did not load');
  const storeId = loaded.aws?.identity_center?.identity_store_id;
  const needsStore = loaded.policy.resources.some((resource) => resource.kind === 'sso_group');
  if (!storeId) {
    return needsStore
      ? fail(name, 'the policy has sso_group resources but no aws.identity_center.identity_store_id')
      : skip(name, 'the policy names no identity store and no sso_group resources');
  }
  try {
    await clients.identityStore.send(
      new GetUserIdCommand({
        IdentityStoreId: storeId,
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'latch-doctor-probe' },
        },
      }),
    );
    return ok(name, `${storeId} answers`);
  } catch (error) {
    const { name: errorName, ResourceType } = error as { name?: string; ResourceType?: string };
    if (errorName === 'ResourceNotFoundException' && ResourceType !== 'IDENTITY_STORE') {
      return ok(name, `${storeId} answers`);
    }
    if (errorName === 'ResourceNotFoundException') {
      return fail(
        name,
        `${storeId} does not exist: check aws.identity_center.identity_store_id in the policy`,
      );
    }
    const hint =
      errorName === 'AccessDeniedException'
        ? 'attach the policy `latch aws-policy` prints'
        : CREDENTIALS_HINT;
    return fail(name, `${awsMessage(error)}; ${hint}`);
  }
}

export function crossAccountSkipped(): CheckResult {
  return skip(
    'cross-account roles',
    'AssumeRole into member accounts arrives with the AWS adapter layer (issue 3)',
  );
}

function awsMessage(error: unknown): string {
  const name = (error as { name?: string }).name;
  const text = errorText(error);
  return name && name !== 'Error' && !text.startsWith(name) ? `${name}: ${text}` : text;
}
