import { ListGroupsCommand } from '@aws-sdk/client-iam';
import { GetUserIdCommand } from '@aws-sdk/client-identitystore';
import { ListPermissionSetsCommand } from '@aws-sdk/client-sso-admin';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AccountClients } from '../aws/account-clients.js';
import { isAccessDenied } from '../aws/aws-errors.js';
import { awsSettingsFrom } from '../aws/aws-settings.js';
import type { AwsClients } from '../aws/clients.js';
import { IdentityCenterLocator } from '../aws/identity-center.js';
import { listActiveAccounts } from '../aws/organization-accounts.js';
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

/** Identity Center answers: the instance the policy names, or the one ListInstances finds. */
export async function checkIdentityCenter(
  clients: AwsClients,
  loaded: LoadedPolicy | undefined,
): Promise<CheckResult> {
  const name = 'identity center';
  if (!loaded) return skip(name, 'the policy file did not load');
  const settings = awsSettingsFrom(loaded);
  const locator = new IdentityCenterLocator(clients.ssoAdmin, settings);
  try {
    if (settings.instanceArn && settings.identityStoreId) {
      // Named in full: prove the instance answers with a listing scoped to it.
      await clients.ssoAdmin.send(
        new ListPermissionSetsCommand({ InstanceArn: settings.instanceArn, MaxResults: 1 }),
      );
    }
    const instance = await locator.instance();
    return ok(name, `${instance.instanceArn}, identity store ${instance.identityStoreId}`);
  } catch (error) {
    const hint = isAccessDenied(error)
      ? 'attach the policy `latch aws-policy` prints'
      : 'check aws.identity_center in the policy';
    return fail(name, `${awsMessage(error)}; ${hint}`);
  }
}

/**
 * Every member account's cross-account role can be assumed with the ExternalId and lets Latch list
 * IAM groups: the organization's accounts when Organizations answers, else those the policy names.
 */
export async function checkCrossAccountRoles(
  clients: AwsClients,
  loaded: LoadedPolicy | undefined,
): Promise<CheckResult[]> {
  const name = 'cross-account roles';
  if (!loaded) return [skip(name, 'the policy file did not load')];
  const settings = awsSettingsFrom(loaded);
  if (!settings.role) return [skip(name, 'the policy names no aws.cross_account_role')];
  if (!settings.externalId) {
    return [
      fail(
        name,
        'aws.cross_account_role is set but aws.external_id is not: Latch never assumes a role without one',
      ),
    ];
  }
  const access = new AccountClients(clients, settings);
  try {
    const home = (await access.homeAccount()).account;
    const listed = await listActiveAccounts(clients.organizations).then(
      (accounts) => accounts.map((a) => a.id),
      () => undefined,
    );
    const accounts = [
      ...new Set([
        ...(listed ?? []),
        ...loaded.policy.resources.flatMap((r) =>
          r.kind === 'iam_group' && r.accountId ? [r.accountId] : [],
        ),
      ]),
    ].filter((id) => id !== home);
    if (!accounts.length) return [skip(name, 'no member accounts to reach')];
    const results = await Promise.all(
      accounts.map(async (accountId): Promise<CheckResult | undefined> => {
        try {
          await (await access.iam(accountId)).send(new ListGroupsCommand({ MaxItems: 1 }));
          return undefined;
        } catch (error) {
          return fail(`cross-account role in ${accountId}`, awsMessage(error));
        }
      }),
    );
    const failed = results.filter((r): r is CheckResult => r !== undefined);
    const source = listed ? 'organization' : 'policy (Organizations did not answer)';
    return [
      failed.length
        ? fail(
            name,
            `${failed.length} of ${accounts.length} account(s) of the ${source} cannot be reached through ${settings.role}`,
          )
        : ok(name, `${settings.role} assumable in ${accounts.length} account(s) of the ${source}`),
      ...failed,
    ];
  } catch (error) {
    return [fail(name, `${awsMessage(error)}; ${CREDENTIALS_HINT}`)];
  } finally {
    access.destroy();
  }
}

function awsMessage(error: unknown): string {
  const name = (error as { name?: string }).name;
  const text = errorText(error);
  return name && name !== 'Error' && !text.startsWith(name) ? `${name}: ${text}` : text;
}
