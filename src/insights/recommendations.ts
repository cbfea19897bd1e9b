import { formatDuration } from '../core/duration.js';
import type { Inventory } from './inventory.js';
import { daysBetween, type Evidence, IDLE_DAYS, isoDay } from './risk-reasons.js';
import { type InventoryScores, principalLabel } from './score-inventory.js';
import { type ManagedResource, principalKey } from './standing-access.js';

/** The exact change a recommendation proposes; a later step applies it where Latch may, audited. */
export type RecommendedChange =
  | { action: 'remove_iam_group_member'; accountId: string; groupName: string; userName: string }
  | { action: 'remove_sso_group_member'; groupId: string; userId: string }
  | {
      action: 'delete_account_assignment';
      accountId: string;
      permissionSetArn: string;
      principalType: 'USER' | 'GROUP';
      principalId: string;
    }
  | { action: 'deactivate_access_key'; accountId: string; userName: string; accessKeyId: string }
  | { action: 'delete_login_profile'; accountId: string; userName: string }
  | { action: 'set_max_duration'; resourceId: string; fromSeconds: number; toSeconds: number };

export type RecommendationKind =
  | 'remove_standing_access'
  | 'deactivate_access_key'
  | 'remove_unused_console'
  | 'shorten_max_duration';

export interface Recommendation {
  /** Stable across runs, so an admin's decision on it can be remembered. */
  id: string;
  kind: RecommendationKind;
  /** One sentence naming who or what and the change. */
  title: string;
  /** Orders the list: the score of the principal it is about (see docs/insights.md). */
  risk: number;
  evidence: Evidence;
  change: RecommendedChange;
}

/** One ended or active Latch grant, as the shorten-max_duration rule needs it. */
export interface GrantHistoryEntry {
  resourceId: string;
  grantedAt: Date;
  /** CloudTrail events during the grant; undefined when not read (yet), and then not counted. */
  activityEvents?: number;
}

export interface RecommendationInput {
  inventory: Inventory;
  scores: InventoryScores;
  /** Latch-managed resources with the max duration their tier allows now. */
  resources: ReadonlyArray<ManagedResource & { maxDurationSeconds: number }>;
  grantHistory: readonly GrantHistoryEntry[];
  now: Date;
}

export const HISTORY_DAYS = 30;
/** Fewer grants than this in the window say too little about use. */
export const MIN_GRANTS = 5;
/** Used in at most this share of its grants, a resource is granted for longer than needed. */
export const MAX_USED_SHARE = 0.25;
const QUARTER_HOUR = 900;

const KIND_ORDER: RecommendationKind[] = [
  'remove_standing_access',
  'deactivate_access_key',
  'remove_unused_console',
  'shorten_max_duration',
];

/** Every recommendation for an inventory, riskiest first; ties by kind, then id. */
export function recommendations(input: RecommendationInput): Recommendation[] {
  const { inventory, scores, now } = input;
  const scoreOf = new Map(scores.principals.map((p) => [principalKey(p.principal), p.score]));
  const out: Recommendation[] = [];

  for (const s of scores.standing) {
    const risk = scoreOf.get(principalKey(s.principal)) ?? 0;
    const where = s.resource.accountId ? ` (${s.resource.accountId})` : '';
    const what = s.resource.groupName ?? s.resource.name;
    const change = standingChange(s.principal, s.resource);
    if (!change) continue;
    out.push({
      id: `remove_standing_access:${principalKey(s.principal)}:${s.resource.id}`,
      kind: 'remove_standing_access',
      title:
        `remove ${s.principal.name}'s standing ${s.principal.kind === 'sso_group' ? 'assignment' : 'membership'} ` +
        `in ${what}${where}; it stays requestable through Latch as ${s.resource.id}, tier ${s.resource.tier}`,
      risk,
      evidence: {
        principal: principalLabel(s.principal),
        resource: s.resource.id,
        via: s.via,
        tier: s.resource.tier,
      },
      change,
    });
  }

  for (const account of inventory.accounts) {
    for (const user of account.users) {
      const principal = {
        kind: 'iam_user' as const,
        accountId: account.accountId,
        id: user.userId,
        name: user.userName,
      };
      const risk = scoreOf.get(principalKey(principal)) ?? 0;
      for (const key of user.accessKeys.filter((k) => k.status === 'Active')) {
        const days = daysBetween(key.lastUsedAt ?? key.createdAt, now);
        if (days < IDLE_DAYS) continue;
        out.push({
          id: `deactivate_access_key:${account.accountId}:${key.accessKeyId}`,
          kind: 'deactivate_access_key',
          title: key.lastUsedAt
            ? `deactivate access key ${key.accessKeyId} of ${user.userName} (${account.accountId}), unused for ${days} days`
            : `deactivate access key ${key.accessKeyId} of ${user.userName} (${account.accountId}), never used in ${days} days`,
          risk,
          evidence: {
            accessKeyId: key.accessKeyId,
            created: isoDay(key.createdAt),
            ...(key.lastUsedAt ? { lastUsed: isoDay(key.lastUsedAt) } : {}),
            days,
          },
          change: {
            action: 'deactivate_access_key',
            accountId: account.accountId,
            userName: user.userName,
            accessKeyId: key.accessKeyId,
          },
        });
      }
      if (user.hasConsole) {
        const days = daysBetween(user.passwordLastUsedAt ?? user.createdAt, now);
        if (days >= IDLE_DAYS) {
          out.push({
            id: `remove_unused_console:${account.accountId}:${user.userName}`,
            kind: 'remove_unused_console',
            title: user.passwordLastUsedAt
              ? `user ${user.userName} (${account.accountId}) has not signed in for ${days} days: remove the console password`
              : `user ${user.userName} (${account.accountId}) has never signed in in ${days} days: remove the console password`,
            risk,
            evidence: {
              user: user.userName,
              ...(user.passwordLastUsedAt
                ? { lastSignIn: isoDay(user.passwordLastUsedAt) }
                : { created: isoDay(user.createdAt) }),
              days,
            },
            change: { action: 'delete_login_profile', accountId: account.accountId, userName: user.userName },
          });
        }
      }
    }
  }

  out.push(...shortenMaxDurations(input));
  return out.sort(
    (a, b) =>
      b.risk - a.risk || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.id.localeCompare(b.id),
  );
}

function standingChange(
  principal: InventoryScores['standing'][number]['principal'],
  resource: ManagedResource,
): RecommendedChange | undefined {
  if (resource.kind === 'iam_group' && principal.kind === 'iam_user' && resource.groupName) {
    return {
      action: 'remove_iam_group_member',
      accountId: principal.accountId,
      groupName: resource.groupName,
      userName: principal.name,
    };
  }
  if (resource.kind === 'sso_group' && principal.kind === 'sso_user' && resource.groupId) {
    return { action: 'remove_sso_group_member', groupId: resource.groupId, userId: principal.id };
  }
  if (
    resource.kind === 'sso_permission_set' &&
    principal.kind !== 'iam_user' &&
    resource.accountId &&
    resource.permissionSetArn
  ) {
    return {
      action: 'delete_account_assignment',
      accountId: resource.accountId,
      permissionSetArn: resource.permissionSetArn,
      principalType: principal.kind === 'sso_user' ? 'USER' : 'GROUP',
      principalId: principal.id,
    };
  }
  return undefined;
}

/**
 * A resource granted at least MIN_GRANTS times in the last 30 days (among grants whose CloudTrail
 * activity was read) and used in at most a quarter of them: halve its max duration, in whole quarter
 * hours, never below 15 minutes. Risk is half the share of unused grants, in percent.
 */
function shortenMaxDurations(input: RecommendationInput): Recommendation[] {
  const since = input.now.getTime() - HISTORY_DAYS * 86_400_000;
  const out: Recommendation[] = [];
  for (const resource of input.resources) {
    const read = input.grantHistory.filter(
      (g) => g.resourceId === resource.id && g.grantedAt.getTime() >= since && g.activityEvents !== undefined,
    );
    const used = read.filter((g) => (g.activityEvents ?? 0) > 0).length;
    if (read.length < MIN_GRANTS || used > read.length * MAX_USED_SHARE) continue;
    const toSeconds = Math.max(
      QUARTER_HOUR,
      Math.floor(resource.maxDurationSeconds / 2 / QUARTER_HOUR) * QUARTER_HOUR,
    );
    if (toSeconds >= resource.maxDurationSeconds) continue;
    out.push({
      id: `shorten_max_duration:${resource.id}`,
      kind: 'shorten_max_duration',
      title:
        `resource ${resource.id} granted ${read.length} times in ${HISTORY_DAYS} days, used in ${used} (CloudTrail): ` +
        `shorten max_duration from ${formatDuration(resource.maxDurationSeconds)} to ${formatDuration(toSeconds)}`,
      risk: Math.round((100 * (read.length - used)) / read.length / 2),
      evidence: { resource: resource.id, grants: read.length, used, days: HISTORY_DAYS },
      change: {
        action: 'set_max_duration',
        resourceId: resource.id,
        fromSeconds: resource.maxDurationSeconds,
        toSeconds,
      },
    });
  }
  return out;
}
