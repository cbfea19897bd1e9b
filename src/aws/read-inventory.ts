import pLimit from 'p-limit';
import type {
  AccountInventory,
  IdentityCenterInventory,
  Inventory,
  InventoryFailure,
} from '../insights/inventory.js';
import { AccountClients, AssumeRoleError } from './account-clients.js';
import type { DiscoverySettings } from './catalog-discovery.js';
import { createAwsClients, destroyAwsClients } from './clients.js';
import { readAccountIam } from './iam-inventory.js';
import { IdentityCenterLocator } from './identity-center.js';
import { readIdentityCenter } from './identity-center-inventory.js';
import { listActiveAccounts } from './organization-accounts.js';

/** Accounts read at once; each needs its own AssumeRole and a few hundred IAM reads. */
const ACCOUNTS_AT_ONCE = 4;

export interface InventorySettings extends DiscoverySettings {
  now?: () => Date;
}

/**
 * Reads the standing access of the management account and every member account reachable through
 * the cross-account role, and Identity Center's. An account (or Identity Center) that cannot be
 * read is reported in `failures` and the rest goes on.
 */
export async function readInventory(settings: InventorySettings): Promise<Inventory> {
  const now = settings.now ?? (() => new Date());
  const clients = createAwsClients({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.callLimits ? { callRate: settings.callLimits.callRate } : {}),
    ...(settings.onCall ? { onCall: settings.onCall } : {}),
  });
  const accountClients = new AccountClients(clients, settings);
  const failures: InventoryFailure[] = [];
  const fail = (step: string, error: unknown, accountId?: string) =>
    failures.push({ ...(accountId ? { accountId } : {}), step, error: describe(error) });
  try {
    const accounts = await listAccounts(clients, accountClients, fail);
    const limit = pLimit(ACCOUNTS_AT_ONCE);
    const read = await Promise.all(
      accounts.map((account) =>
        limit(async (): Promise<AccountInventory | undefined> => {
          try {
            return await readAccountIam(await accountClients.iam(account.id), account, now);
          } catch (error) {
            fail(error instanceof AssumeRoleError ? 'sts:AssumeRole' : 'iam', error, account.id);
            return undefined;
          }
        }),
      ),
    );
    let identityCenter: IdentityCenterInventory | undefined;
    try {
      const instance = await new IdentityCenterLocator(clients.ssoAdmin, settings).instance();
      identityCenter = await readIdentityCenter(clients, instance, now);
    } catch (error) {
      fail('identity_center', error);
    }
    return {
      readAt: now(),
      accounts: read.filter((a): a is AccountInventory => a !== undefined),
      ...(identityCenter ? { identityCenter } : {}),
      failures,
    };
  } finally {
    accountClients.destroy();
    destroyAwsClients(clients);
  }
}

async function listAccounts(
  clients: ReturnType<typeof createAwsClients>,
  accountClients: AccountClients,
  fail: (step: string, error: unknown) => void,
): Promise<Array<{ id: string; name: string }>> {
  try {
    return await listActiveAccounts(clients.organizations);
  } catch (error) {
    fail('organizations:ListAccounts', error);
    try {
      const home = await accountClients.homeAccount();
      return [{ id: home.account, name: home.account }];
    } catch (homeError) {
      fail('sts:GetCallerIdentity', homeError);
      return [];
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.message.startsWith(error.name) ||
    error.name === 'ProvisioningError' ||
    error.name === 'AssumeRoleError'
    ? error.message
    : `${error.name}: ${error.message}`;
}
