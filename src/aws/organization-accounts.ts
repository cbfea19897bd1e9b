import { type OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';

export interface Account {
  id: string;
  name: string;
}

/** The organization's active accounts (suspended and closing ones cannot be granted), read to the last page. */
export async function listActiveAccounts(client: OrganizationsClient): Promise<Account[]> {
  const accounts: Account[] = [];
  for await (const page of activeAccountPages(client)) accounts.push(...page);
  return accounts;
}

/** The same, a page at a time, so work on the first accounts can start while the rest are listed. */
export async function* activeAccountPages(client: OrganizationsClient): AsyncGenerator<Account[]> {
  for await (const page of paginateListAccounts({ client }, {})) {
    const active: Account[] = [];
    for (const a of page.Accounts ?? []) {
      if (a.Id && (a.State ?? a.Status ?? 'ACTIVE') === 'ACTIVE')
        active.push({ id: a.Id, name: a.Name ?? a.Id });
    }
    yield active;
  }
}
