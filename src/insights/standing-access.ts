import type { Resource } from '../core/model.js';
import type { Inventory } from './inventory.js';

/** Who a finding is about. IAM users belong to an account; Identity Center principals do not. */
export type PrincipalRef =
  | { kind: 'iam_user'; accountId: string; id: string; name: string }
  | { kind: 'sso_user'; id: string; name: string }
  | { kind: 'sso_group'; id: string; name: string };

export function principalKey(p: PrincipalRef): string {
  return p.kind === 'iam_user' ? `iam_user:${p.accountId}:${p.name.toLowerCase()}` : `${p.kind}:${p.id}`;
}

export type ManagedResource = Pick<
  Resource,
  'id' | 'name' | 'kind' | 'tier' | 'accountId' | 'groupName' | 'groupId' | 'permissionSetArn'
>;

/** A grant Latch gave and has not yet revoked: `principalId` as the provisioner names it. */
export interface ActiveGrantRef {
  resourceId: string;
  principalId: string;
}

/** Access to a resource Latch manages that no active grant explains: it should be just-in-time. */
export interface StandingAccess {
  principal: PrincipalRef;
  resource: ManagedResource;
  /** How AWS holds it: `IAM group Admins`, `Identity Center group oncall`, `assignment of Admin`. */
  via: string;
}

/**
 * Standing access to Latch-managed resources. IAM grants name the IAM user; Identity Center grants
 * name the Identity Store user id, as the provisioner does.
 */
export function standingAccess(
  inventory: Inventory,
  managed: readonly ManagedResource[],
  activeGrants: readonly ActiveGrantRef[],
): StandingAccess[] {
  const granted = new Set(activeGrants.map((g) => `${g.resourceId}\u0000${g.principalId.toLowerCase()}`));
  const isGranted = (resourceId: string, principalId: string) =>
    granted.has(`${resourceId}\u0000${principalId.toLowerCase()}`);
  const ic = inventory.identityCenter;
  const ssoUserName = new Map(ic?.users.map((u) => [u.userId, u.userName]) ?? []);
  const ssoGroupName = new Map(ic?.groups.map((g) => [g.groupId, g.displayName]) ?? []);
  const found: StandingAccess[] = [];

  for (const resource of managed) {
    if (resource.kind === 'iam_group' && resource.groupName) {
      const groupName = resource.groupName.toLowerCase();
      const account = inventory.accounts.find((a) => a.accountId === resource.accountId);
      for (const user of account?.users ?? []) {
        if (!user.groups.some((g) => g.toLowerCase() === groupName)) continue;
        if (isGranted(resource.id, user.userName)) continue;
        found.push({
          principal: { kind: 'iam_user', accountId: user.accountId, id: user.userId, name: user.userName },
          resource,
          via: `IAM group ${resource.groupName}`,
        });
      }
    } else if (resource.kind === 'sso_group' && resource.groupId && ic) {
      for (const m of ic.memberships.filter((m) => m.groupId === resource.groupId)) {
        if (isGranted(resource.id, m.userId)) continue;
        found.push({
          principal: { kind: 'sso_user', id: m.userId, name: ssoUserName.get(m.userId) ?? m.userId },
          resource,
          via: `Identity Center group ${ssoGroupName.get(m.groupId) ?? m.groupId}`,
        });
      }
    } else if (resource.kind === 'sso_permission_set' && ic) {
      for (const a of ic.assignments) {
        if (a.accountId !== resource.accountId || a.permissionSetArn !== resource.permissionSetArn) continue;
        if (a.principalType === 'USER' && isGranted(resource.id, a.principalId)) continue;
        const principal: PrincipalRef =
          a.principalType === 'USER'
            ? { kind: 'sso_user', id: a.principalId, name: ssoUserName.get(a.principalId) ?? a.principalId }
            : {
                kind: 'sso_group',
                id: a.principalId,
                name: ssoGroupName.get(a.principalId) ?? a.principalId,
              };
        found.push({ principal, resource, via: `assignment of ${a.permissionSetName} in ${a.accountId}` });
      }
    }
  }
  return found.sort(
    (a, b) =>
      principalKey(a.principal).localeCompare(principalKey(b.principal)) ||
      a.resource.id.localeCompare(b.resource.id),
  );
}
