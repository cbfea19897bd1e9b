import { accountRisk } from './account-risk.js';
import type { Inventory } from './inventory.js';
import { policyRisk } from './policy-risk.js';
import { iamUserRisk, identityCenterPrincipalRisk } from './principal-risk.js';
import type { RiskScore } from './risk-reasons.js';
import {
  type ActiveGrantRef,
  type ManagedResource,
  type PrincipalRef,
  principalKey,
  type StandingAccess,
  standingAccess,
} from './standing-access.js';

export interface ScoredPolicy extends RiskScore {
  accountId: string;
  /** ARN for a managed policy; `user/alice/inline-name` or `group/Admins/inline-name` for inline ones. */
  id: string;
  name: string;
}

export interface ScoredPrincipalRisk extends RiskScore {
  principal: PrincipalRef;
  /** Accounts the principal's access is in (IAM: its own; Identity Center: where it holds standing access). */
  accountIds: string[];
}

export interface ScoredAccount extends RiskScore {
  accountId: string;
  accountName: string;
}

export interface InventoryScores {
  policies: ScoredPolicy[];
  principals: ScoredPrincipalRisk[];
  accounts: ScoredAccount[];
  standing: StandingAccess[];
}

export function principalLabel(p: PrincipalRef): string {
  return p.kind === 'iam_user'
    ? `user ${p.name} (${p.accountId})`
    : `Identity Center ${p.kind === 'sso_user' ? 'user' : 'group'} ${p.name}`;
}

const byRisk =
  <T extends RiskScore>(key: (t: T) => string) =>
  (a: T, b: T) =>
    b.score - a.score || key(a).localeCompare(key(b));

/** Scores every policy, principal and account of an inventory; each list riskiest first. */
export function scoreInventory(
  inventory: Inventory,
  managed: readonly ManagedResource[],
  activeGrants: readonly ActiveGrantRef[],
  now: Date,
): InventoryScores {
  const standing = standingAccess(inventory, managed, activeGrants);
  const standingOf = new Map<string, StandingAccess[]>();
  for (const s of standing) {
    const key = principalKey(s.principal);
    standingOf.set(key, [...(standingOf.get(key) ?? []), s]);
  }

  const policies: ScoredPolicy[] = [];
  const principals: ScoredPrincipalRisk[] = [];
  for (const account of inventory.accounts) {
    for (const p of account.policies) {
      policies.push({ accountId: account.accountId, id: p.arn, name: p.name, ...policyRisk(p.document) });
    }
    for (const owner of [
      ...account.users.map((u) => ({ kind: 'user', name: u.userName, inline: u.inlinePolicies })),
      ...account.groups.map((g) => ({ kind: 'group', name: g.groupName, inline: g.inlinePolicies })),
    ]) {
      for (const p of owner.inline) {
        const id = `${owner.kind}/${owner.name}/${p.name}`;
        policies.push({ accountId: account.accountId, id, name: p.name, ...policyRisk(p.document) });
      }
    }
    for (const user of account.users) {
      const principal: PrincipalRef = {
        kind: 'iam_user',
        accountId: account.accountId,
        id: user.userId,
        name: user.userName,
      };
      const risk = iamUserRisk(user, account, standingOf.get(principalKey(principal)) ?? [], now);
      principals.push({ principal, accountIds: [account.accountId], ...risk });
    }
  }
  const ic = inventory.identityCenter;
  const ssoPrincipals: PrincipalRef[] = [
    ...(ic?.users.map((u): PrincipalRef => ({ kind: 'sso_user', id: u.userId, name: u.userName })) ?? []),
    ...(ic?.groups.map((g): PrincipalRef => ({ kind: 'sso_group', id: g.groupId, name: g.displayName })) ??
      []),
  ];
  for (const principal of ssoPrincipals) {
    const held = standingOf.get(principalKey(principal)) ?? [];
    const accountIds = [
      ...new Set(held.flatMap((s) => (s.resource.accountId ? [s.resource.accountId] : []))),
    ].sort();
    principals.push({ principal, accountIds, ...identityCenterPrincipalRisk(held) });
  }

  const accounts = inventory.accounts.map((account) => ({
    accountId: account.accountId,
    accountName: account.accountName,
    ...accountRisk(
      principals
        .filter((p) => p.accountIds.includes(account.accountId))
        .map((p) => ({ label: principalLabel(p.principal), score: p.score })),
    ),
  }));
  return {
    policies: policies.sort(byRisk((p) => `${p.accountId}/${p.id}`)),
    principals: principals.sort(
      byRisk((p) => `${principalLabel(p.principal)}\u0000${principalKey(p.principal)}`),
    ),
    accounts: accounts.sort(byRisk((a) => a.accountId)),
    standing,
  };
}
