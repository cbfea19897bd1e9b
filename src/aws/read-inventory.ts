import type { IdentityCenterInventory, Inventory, InventoryFailure } from '../insights/inventory.js';
import { AccountClients, AssumeRoleError } from './account-clients.js';
import { type DiscoverySettings, listAccounts, readAccounts } from './catalog-discovery.js';
import { createAwsClients, destroyAwsClients } from './clients.js';
import { readAccountIam } from './iam-inventory.js';
import { IdentityCenterLocator } from './identity-center.js';
import { readIdentityCenter } from './identity-center-inventory.js';

export interface InventorySettings extends DiscoverySettings {
  now?: () => Date;
}

/**
 * Reads the standing access of the management account and every member account reachable through
 * the cross-account role, and Identity Center's, accounts side by side as catalog sync reads them
 * (a throttled account is read again after the rest). An account (or Identity Center) that cannot
 * be read is reported in `failures` and the rest goes on.
 */
export async function readInventory(settings: InventorySettings): Promise<Inventory> {
  const now = settings.now ?? (() => new Date());
  const clients = createAwsClients({
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.callLimits ? { callRate: settings.callLimits.callRate } : {}),
    ...(settings.onCall ? { onCall: settings.onCall } : {}),
  });
  const accountClients = new AccountClients(clients, { ...settings, adaptiveRetries: true });
  const failures: InventoryFailure[] = [];
  const fail = (step: string, error: unknown, accountId?: string) =>
    failures.push({ ...(accountId ? { accountId } : {}), step, error: describe(error) });
  try {
    const accounts = await listAccounts(clients, accountClients, fail);
    const read = await readAccounts(
      accounts,
      async (account) => [await readAccountIam(await accountClients.iam(account.id), account, now)],
      fail,
      (error) => (error instanceof AssumeRoleError ? 'sts:AssumeRole' : 'iam'),
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
      accounts: read.flat(),
      ...(identityCenter ? { identityCenter } : {}),
      failures,
    };
  } finally {
    accountClients.destroy();
    destroyAwsClients(clients);
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
