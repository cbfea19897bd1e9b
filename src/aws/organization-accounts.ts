import { type OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';

/** The organization's active accounts (suspended and closing ones cannot be granted), read to the last page. */
export async function listActiveAccounts(
  client: OrganizationsClient,
): Promise<Array<{ id: string; name: string }>> {
  const accounts: Array<{ id: string; name: string }> = [];
  for await (const page of paginateListAccounts({ client }, {})) {
    for (const a of page.Accounts ?? []) {
      if (a.Id && (a.State ?? a.Status ?? 'ACTIVE') === 'ACTIVE')
        accounts.push({ id: a.Id, name: a.Name ?? a.Id });
    }
  }
  return accounts;
}
