import type { AccountInventory, IamUserFacts } from './inventory.js';
import type { PolicyDocument } from './policy-document.js';
import { policyRisk } from './policy-risk.js';
import {
  daysBetween,
  IDLE_DAYS,
  isoDay,
  RISK_POINTS,
  type RiskReason,
  type RiskScore,
  riskScore,
} from './risk-reasons.js';
import type { StandingAccess } from './standing-access.js';

/** A policy that applies to a user, and through what. */
export interface AppliedPolicy {
  name: string;
  /** `user alice` or `group Admins`. */
  via: string;
  document: PolicyDocument;
}

/** Every policy that applies to the user: attached and inline, its own and its groups'. */
export function policiesOf(user: IamUserFacts, account: AccountInventory): AppliedPolicy[] {
  const managed = new Map(account.policies.map((p) => [p.arn, p]));
  const applied: AppliedPolicy[] = [];
  const add = (via: string, arns: readonly string[], inline: IamUserFacts['inlinePolicies']) => {
    for (const arn of arns) {
      const policy = managed.get(arn);
      if (policy) applied.push({ name: policy.name, via, document: policy.document });
    }
    for (const p of inline) applied.push({ name: p.name, via: `${via} (inline)`, document: p.document });
  };
  add(`user ${user.userName}`, user.attachedPolicyArns, user.inlinePolicies);
  for (const groupName of user.groups) {
    const group = account.groups.find((g) => g.groupName.toLowerCase() === groupName.toLowerCase());
    if (group) add(`group ${group.groupName}`, group.attachedPolicyArns, group.inlinePolicies);
  }
  return applied;
}

/**
 * An IAM user's risk: the riskiest policy that applies to it (its score as points: policies are not
 * added up, the riskiest one already says what the user can do), plus idle console access, old or
 * idle active keys, and standing access to resources Latch manages.
 */
export function iamUserRisk(
  user: IamUserFacts,
  account: AccountInventory,
  standing: readonly StandingAccess[],
  now: Date,
): RiskScore {
  const reasons: RiskReason[] = [];
  const scored = policiesOf(user, account)
    .map((p) => ({ ...p, risk: policyRisk(p.document) }))
    .sort(
      (a, b) => b.risk.score - a.risk.score || a.name.localeCompare(b.name) || a.via.localeCompare(b.via),
    );
  const top = scored[0];
  if (top && top.risk.score > 0) {
    reasons.push({
      code: 'policy',
      message: `policy ${top.name} (via ${top.via}) scores ${top.risk.score}`,
      evidence: {
        policy: top.name,
        via: top.via,
        score: top.risk.score,
        reasons: top.risk.reasons.map((r) => r.code),
      },
      points: top.risk.score,
    });
  }
  if (user.hasConsole) {
    const since = user.passwordLastUsedAt ?? user.createdAt;
    const days = daysBetween(since, now);
    if (days >= IDLE_DAYS) {
      const message = user.passwordLastUsedAt
        ? `has a console password last used ${days} days ago`
        : `has a console password never used in the ${days} days since the user was created`;
      reasons.push({
        code: 'console_unused',
        message,
        evidence: {
          user: user.userName,
          ...(user.passwordLastUsedAt ? { lastUsed: isoDay(since) } : { created: isoDay(since) }),
          days,
        },
        points: RISK_POINTS.console_unused,
      });
    }
  }
  for (const key of user.accessKeys.filter((k) => k.status === 'Active')) {
    const age = daysBetween(key.createdAt, now);
    if (age >= IDLE_DAYS) {
      reasons.push({
        code: 'access_key_old',
        message: `active access key ${key.accessKeyId} is ${age} days old`,
        evidence: { accessKeyId: key.accessKeyId, created: isoDay(key.createdAt), days: age },
        points: RISK_POINTS.access_key_old,
      });
    }
    const idle = daysBetween(key.lastUsedAt ?? key.createdAt, now);
    if (idle >= IDLE_DAYS) {
      reasons.push({
        code: 'access_key_unused',
        message: key.lastUsedAt
          ? `active access key ${key.accessKeyId} unused for ${idle} days`
          : `active access key ${key.accessKeyId} never used in ${idle} days`,
        evidence: {
          accessKeyId: key.accessKeyId,
          ...(key.lastUsedAt ? { lastUsed: isoDay(key.lastUsedAt) } : { created: isoDay(key.createdAt) }),
          days: idle,
        },
        points: RISK_POINTS.access_key_unused,
      });
    }
  }
  reasons.push(...standingReasons(standing));
  return riskScore(reasons);
}

/** An Identity Center user or group: Latch cannot read permission-set policies here, only standing access. */
export function identityCenterPrincipalRisk(standing: readonly StandingAccess[]): RiskScore {
  return riskScore(standingReasons(standing));
}

function standingReasons(standing: readonly StandingAccess[]): RiskReason[] {
  return standing.map((s) => ({
    code: 'standing_managed_access',
    message: `holds ${s.resource.id} standing through ${s.via}; Latch grants it just in time`,
    evidence: { resource: s.resource.id, via: s.via, tier: s.resource.tier },
    points: RISK_POINTS.standing_managed_access,
  }));
}
