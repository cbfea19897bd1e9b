import { paginateListGroups as paginateStoreGroups } from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListPermissionSets,
} from '@aws-sdk/client-sso-admin';
import pLimit from 'p-limit';
import { resourceKey } from '../core/catalog-keys.js';
import { ProvisioningError } from '../core/errors.js';
import type { CatalogDiscovery, DiscoveredResource, SyncFailure } from '../core/model.js';
import { AccountClients, type CrossAccountSettings } from './account-clients.js';
import { toProvisioningError } from './aws-errors.js';
import { sleep } from './call-limits.js';
import { createAwsClients, destroyAwsClients } from './clients.js';
import { listIamGroups } from './iam-groups.js';
import { IdentityCenterLocator } from './identity-center.js';
import { type Account, activeAccountPages } from './organization-accounts.js';

export interface DiscoverySettings extends CrossAccountSettings {
  instanceArn?: string;
  identityStoreId?: string;
}

/** Accounts read at once; each needs its own AssumeRole and IAM listing. */
const ACCOUNTS_AT_ONCE = 8;
const PERMISSION_SETS_AT_ONCE = 4;

/**
 * Reads what can be granted across the organization: accounts, permission sets and where they are
 * provisioned, Identity Center groups, and IAM groups in every reachable account. Calls grow with
 * accounts + permission sets + groups. A part that fails is reported and the rest goes on.
 */
export async function discoverCatalog(settings: DiscoverySettings): Promise<CatalogDiscovery> {
  const started = Date.now();
  const callsByAction: Record<string, number> = {};
  const onCall = (action: string, error?: unknown) => {
    callsByAction[action] = (callsByAction[action] ?? 0) + 1;
    settings.onCall?.(action, error);
  };
  const clients = createAwsClients({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.callLimits ? { callRate: settings.callLimits.callRate } : {}),
    onCall,
  });
  const accountClients = new AccountClients(clients, { ...settings, onCall, adaptiveRetries: true });
  const failures: SyncFailure[] = [];
  const resources: DiscoveredResource[] = [];
  const fail = (step: string, error: unknown, accountId?: string) =>
    failures.push({ ...(accountId ? { accountId } : {}), step, error: describe(error) });

  try {
    const listing = accountPages(clients, accountClients, fail);
    const locator = new IdentityCenterLocator(clients.ssoAdmin, settings);
    const permissionSetArns: string[] = [];
    // Identity Center and the accounts' IAM are paced apart, so both are read at once.
    const readIdentityCenter = async (): Promise<DiscoveredResource[]> => {
      const instance = await locator.instance().catch((error: unknown) => {
        fail('sso:ListInstances', error);
        return undefined;
      });
      if (!instance) return [];
      const [sets, groups] = await Promise.all([
        permissionSets(clients, instance.instanceArn, fail, permissionSetArns),
        identityCenterGroups(clients, instance.identityStoreId, fail),
      ]);
      return [...sets, ...groups];
    };

    const readAccount = async (account: { id: string; name: string }) => {
      const groups = await listIamGroups(await accountClients.iam(account.id));
      return groups.map((g) =>
        discovered({
          kind: 'iam_group',
          name: g.groupName,
          accountId: account.id,
          accountName: account.name,
          groupName: g.groupName,
        }),
      );
    };
    const [identityCenter, { accounts, found }] = await Promise.all([
      readIdentityCenter(),
      readAccountsAsListed(listing, readAccount, fail),
    ]);
    // Permission sets are read before every account is listed: their account names are filled in now.
    const names = new Map(accounts.map((a) => [a.id, a.name]));
    const named = identityCenter.map((resource) =>
      resource.accountId
        ? { ...resource, accountName: names.get(resource.accountId) ?? resource.accountId }
        : resource,
    );
    resources.push(...named, ...found.flat());
    const calls = Object.values(callsByAction).reduce((sum, n) => sum + n, 0);
    const durationMs = Date.now() - started;
    return { resources, permissionSetArns, accounts, failures, calls, callsByAction, durationMs };
  } finally {
    accountClients.destroy();
    destroyAwsClients(clients);
  }
}

type Fail = (step: string, error: unknown, accountId?: string) => void;

/** Before the accounts and permission sets AWS throttled past the SDK's retries are read again, more slowly. */
const RETRY_AFTER_MS = 2_000;

/**
 * Reads every account, `ACCOUNTS_AT_ONCE` at a time. An account that failed in a way a later try may
 * fix (AssumeRole or ListGroups throttled past the SDK's retries) is read once more, two at a time,
 * after the rest; only what fails then too is reported, under `stepOf(error)`.
 */
export async function readAccounts<T>(
  accounts: ReadonlyArray<Account>,
  read: (account: Account) => Promise<T[]>,
  fail: Fail,
  stepOf: (error: unknown) => string = () => 'iam:ListGroups',
): Promise<T[][]> {
  async function* onePage() {
    yield [...accounts];
  }
  return (await readAccountsAsListed(onePage(), read, fail, stepOf)).found;
}

type Outcome<T> = { found: T } | { error: unknown };

const settle = <T>(work: Promise<T>): Promise<Outcome<T>> =>
  work.then(
    (found) => ({ found }),
    (error: unknown) => ({ error }),
  );

/**
 * After the rest, the items whose first try failed in a way a later try may fix (throttled past the
 * SDK's retries) are tried once more, two at a time; returns every item's final outcome.
 */
async function tryAgainAfterTheRest<I, T>(
  items: ReadonlyArray<I>,
  outcomes: ReadonlyArray<Outcome<T>>,
  read: (item: I) => Promise<T>,
): Promise<Array<Outcome<T>>> {
  const final = [...outcomes];
  const again = items.flatMap((item, i) => {
    const outcome = outcomes[i];
    return outcome && 'error' in outcome && isRetriable(outcome.error) ? [{ item, i }] : [];
  });
  if (!again.length) return final;
  await sleep(RETRY_AFTER_MS);
  const narrow = pLimit(2);
  await Promise.all(
    again.map(({ item, i }) =>
      narrow(async () => {
        final[i] = await settle(read(item));
      }),
    ),
  );
  return final;
}

/** `readAccounts` over accounts still being listed: each page's accounts are read as it arrives. */
export async function readAccountsAsListed<T>(
  pages: AsyncIterable<Account[]>,
  read: (account: Account) => Promise<T[]>,
  fail: Fail,
  stepOf: (error: unknown) => string = () => 'iam:ListGroups',
): Promise<{ accounts: Account[]; found: T[][] }> {
  const wide = pLimit(ACCOUNTS_AT_ONCE);
  const accounts: Account[] = [];
  const started: Array<Promise<Outcome<T[]>>> = [];
  for await (const page of pages) {
    for (const account of page) {
      accounts.push(account);
      started.push(wide(() => settle(read(account))));
    }
  }
  const outcomes = await tryAgainAfterTheRest(accounts, await Promise.all(started), read);
  const found = accounts.map((account, i) => {
    const outcome = outcomes[i];
    if (!outcome || 'found' in outcome) return outcome?.found ?? [];
    fail(stepOf(outcome.error), outcome.error, account.id);
    return [];
  });
  return { accounts, found };
}

function isRetriable(error: unknown): boolean {
  return error instanceof ProvisioningError ? error.retriable : toProvisioningError('', error).retriable;
}

/** Keyed as core keys policy resources, so sync can tell which ones the policy names. */
function discovered(found: Omit<DiscoveredResource, 'key'>): DiscoveredResource {
  return { key: resourceKey(found), ...found };
}

/** The organization's active accounts; without Organizations access, just Latch's own account. */
export async function listAccounts(
  clients: ReturnType<typeof createAwsClients>,
  accountClients: AccountClients,
  fail: Fail,
): Promise<Account[]> {
  const accounts: Account[] = [];
  for await (const page of accountPages(clients, accountClients, fail)) accounts.push(...page);
  return accounts;
}

/**
 * `listAccounts` a page at a time. Listing that fails part-way keeps the pages already read and
 * adds Latch's own account, which is always reachable with its own credentials.
 */
async function* accountPages(
  clients: ReturnType<typeof createAwsClients>,
  accountClients: AccountClients,
  fail: Fail,
): AsyncGenerator<Account[]> {
  const listed = new Set<string>();
  try {
    for await (const page of activeAccountPages(clients.organizations)) {
      for (const account of page) listed.add(account.id);
      yield page;
    }
  } catch (error) {
    fail('organizations:ListAccounts', error);
    try {
      const home = await accountClients.homeAccount();
      if (!listed.has(home.account)) yield [{ id: home.account, name: home.account }];
    } catch (homeError) {
      fail('sts:GetCallerIdentity', homeError);
    }
  }
}

async function permissionSets(
  clients: ReturnType<typeof createAwsClients>,
  instanceArn: string,
  fail: Fail,
  arns: string[],
): Promise<DiscoveredResource[]> {
  try {
    for await (const page of paginateListPermissionSets(
      { client: clients.ssoAdmin },
      { InstanceArn: instanceArn },
    )) {
      arns.push(...(page.PermissionSets ?? []));
    }
  } catch (error) {
    fail('sso:ListPermissionSets', error);
    return [];
  }
  const readOne = async (arn: string): Promise<DiscoveredResource[]> => {
    const described = await clients.ssoAdmin.send(
      new DescribePermissionSetCommand({ InstanceArn: instanceArn, PermissionSetArn: arn }),
    );
    const name = described.PermissionSet?.Name ?? arn.split('/').at(-1) ?? arn;
    const accountIds: string[] = [];
    for await (const page of paginateListAccountsForProvisionedPermissionSet(
      { client: clients.ssoAdmin },
      { InstanceArn: instanceArn, PermissionSetArn: arn },
    )) {
      accountIds.push(...(page.AccountIds ?? []));
    }
    return accountIds.map((accountId) =>
      discovered({
        kind: 'sso_permission_set',
        name,
        accountId,
        accountName: accountId,
        permissionSetArn: arn,
      }),
    );
  };
  const limit = pLimit(PERMISSION_SETS_AT_ONCE);
  const first = await Promise.all(arns.map((arn) => limit(() => settle(readOne(arn)))));
  const outcomes = await tryAgainAfterTheRest(arns, first, readOne);
  return outcomes.flatMap((outcome) => {
    if ('found' in outcome) return outcome.found;
    fail('sso:DescribePermissionSet', outcome.error);
    return [];
  });
}

async function identityCenterGroups(
  clients: ReturnType<typeof createAwsClients>,
  identityStoreId: string,
  fail: Fail,
): Promise<DiscoveredResource[]> {
  const groups: DiscoveredResource[] = [];
  try {
    for await (const page of paginateStoreGroups(
      { client: clients.identityStore },
      { IdentityStoreId: identityStoreId },
    )) {
      for (const g of page.Groups ?? []) {
        if (!g.GroupId) continue;
        groups.push(discovered({ kind: 'sso_group', name: g.DisplayName ?? g.GroupId, groupId: g.GroupId }));
      }
    }
  } catch (error) {
    fail('identitystore:ListGroups', error);
  }
  return groups;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message.startsWith(error.name) || error.name === 'ProvisioningError'
    ? error.message
    : `${error.name}: ${error.message}`;
}
