/**
 * The reasons a score is made of and the points each adds. docs/insights.md explains every weight;
 * a score is the sum of its reasons' points, capped at 100, so a reviewer can redo it by hand.
 */

export type RiskCode =
  // policy documents
  | 'full_admin'
  | 'all_actions'
  | 'not_action_allow'
  | 'privilege_escalation'
  | 'pass_role_any'
  | 'assume_role_any'
  | 'service_wildcard'
  | 'data_read_any'
  | 'wildcard_action'
  | 'wildcard_resource'
  // principals
  | 'policy'
  | 'console_unused'
  | 'access_key_old'
  | 'access_key_unused'
  | 'standing_managed_access'
  // accounts
  | 'riskiest_principal'
  | 'more_high_risk_principals';

export const RISK_POINTS: Readonly<Record<Exclude<RiskCode, 'policy' | 'riskiest_principal'>, number>> = {
  full_admin: 100,
  all_actions: 30,
  not_action_allow: 30,
  privilege_escalation: 40,
  pass_role_any: 30,
  assume_role_any: 25,
  service_wildcard: 15,
  data_read_any: 15,
  wildcard_action: 5,
  wildcard_resource: 10,
  console_unused: 15,
  access_key_old: 10,
  access_key_unused: 15,
  standing_managed_access: 20,
  more_high_risk_principals: 5,
};

/** Privilege escalation with the action on a named resource only (e.g. one policy's versions). */
export const SCOPED_ESCALATION_POINTS = 20;
/** Past this many days without use, console access and access keys count as standing and idle. */
export const IDLE_DAYS = 90;
/** A principal at or above this counts as high risk for its account. */
export const HIGH_RISK = 70;
export const MORE_HIGH_RISK_CAP = 20;

export type Evidence = Record<string, string | number | string[]>;

export interface RiskReason {
  code: RiskCode;
  /** One sentence a reviewer can check against the evidence. */
  message: string;
  evidence: Evidence;
  points: number;
}

export interface RiskScore {
  score: number;
  /** Highest points first; ties by code, then message, so the order never depends on input order. */
  reasons: RiskReason[];
}

export function riskScore(reasons: readonly RiskReason[]): RiskScore {
  const sorted = [...reasons].sort(
    (a, b) => b.points - a.points || a.code.localeCompare(b.code) || a.message.localeCompare(b.message),
  );
  const total = sorted.reduce((sum, r) => sum + r.points, 0);
  return { score: Math.min(100, total), reasons: sorted };
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `now`, rounded down (what a reviewer counts on a calendar). */
export function daysBetween(from: Date, now: Date): number {
  return Math.floor((now.getTime() - from.getTime()) / DAY_MS);
}

export const isoDay = (at: Date) => at.toISOString().slice(0, 10);
