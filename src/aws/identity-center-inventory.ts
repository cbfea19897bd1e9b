import {
  type IdentitystoreClient,
  paginateListGroups,
  paginateListUsers,
} from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListPermissionSets,
  type SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import pLimit from 'p-limit';
import type { IdentityCenterInventory } from '../insights/inventory.js';
import { callAws } from './aws-errors.js';
import { groupMembers } from './identity-center-groups.js';
import { assignmentHolders } from './permission-sets.js';

/** Identity Center reads at once; the shared call rate paces them further. */
const AT_ONCE = 4;

/**
 * Identity Center's standing access: users, groups, every group's members, and every account
 * assignment of every provisioned permission set. Each listing is read to its last page.
 */
export async function readIdentityCenter(
  clients: { identityStore: IdentitystoreClient; ssoAdmin: SSOAdminClient },
  instance: { instanceArn: string; identityStoreId: string },
  now: () => Date = () => new Date(),
): Promise<IdentityCenterInventory> {
  const { identityStoreId: IdentityStoreId, instanceArn: InstanceArn } = instance;
  const limit = pLimit(AT_ONCE);
  const users: IdentityCenterInventory['users'] = [];
  await callAws('identitystore:ListUsers', async () => {
    for await (const page of paginateListUsers({ client: clients.identityStore }, { IdentityStoreId })) {
      for (const u of page.Users ?? []) {
        if (!u.UserId) continue;
        const email = u.Emails?.find((e) => e.Primary)?.Value ?? u.Emails?.[0]?.Value;
        users.push({ userId: u.UserId, userName: u.UserName ?? u.UserId, ...(email ? { email } : {}) });
      }
    }
  });
  const groups: IdentityCenterInventory['groups'] = [];
  await callAws('identitystore:ListGroups', async () => {
    for await (const page of paginateListGroups({ client: clients.identityStore }, { IdentityStoreId })) {
      for (const g of page.Groups ?? []) {
        if (g.GroupId) groups.push({ groupId: g.GroupId, displayName: g.DisplayName ?? g.GroupId });
      }
    }
  });
  const memberships = (
    await Promise.all(
      groups.map((g) =>
        limit(async () =>
          (
            await groupMembers(clients.identityStore, IdentityStoreId, g.groupId)
          ).map((userId) => ({
            groupId: g.groupId,
            userId,
          })),
        ),
      ),
    )
  ).flat();

  const permissionSetArns: string[] = [];
  await callAws('sso:ListPermissionSets', async () => {
    for await (const page of paginateListPermissionSets({ client: clients.ssoAdmin }, { InstanceArn })) {
      permissionSetArns.push(...(page.PermissionSets ?? []));
    }
  });
  const perSet = await Promise.all(
    permissionSetArns.map((PermissionSetArn) =>
      limit(async () => {
        const described = await callAws('sso:DescribePermissionSet', () =>
          clients.ssoAdmin.send(new DescribePermissionSetCommand({ InstanceArn, PermissionSetArn })),
        );
        const name = described.PermissionSet?.Name ?? PermissionSetArn;
        const accountIds: string[] = [];
        await callAws('sso:ListAccountsForProvisionedPermissionSet', async () => {
          for await (const page of paginateListAccountsForProvisionedPermissionSet(
            { client: clients.ssoAdmin },
            { InstanceArn, PermissionSetArn },
          )) {
            accountIds.push(...(page.AccountIds ?? []));
          }
        });
        const found: IdentityCenterInventory['assignments'] = [];
        for (const accountId of accountIds) {
          for (const h of await assignmentHolders(
            clients.ssoAdmin,
            InstanceArn,
            accountId,
            PermissionSetArn,
          )) {
            found.push({
              accountId,
              permissionSetArn: PermissionSetArn,
              permissionSetName: name,
              principalType: h.principalType === 'GROUP' ? 'GROUP' : 'USER',
              principalId: h.principalId,
            });
          }
        }
        return found;
      }),
    ),
  );
  return { readAt: now(), users, groups, memberships, assignments: perSet.flat() };
}
