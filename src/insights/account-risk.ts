import {
  HIGH_RISK,
  MORE_HIGH_RISK_CAP,
  RISK_POINTS,
  type RiskReason,
  type RiskScore,
  riskScore,
} from './risk-reasons.js';

export interface ScoredPrincipal {
  /** `user alice`, `Identity Center user bob`. */
  label: string;
  score: number;
}

/**
 * An account's risk: its riskiest principal's score, plus 5 for each further principal at 70 or
 * more (at most 20), since every extra high-risk identity is another way in.
 */
export function accountRisk(principals: readonly ScoredPrincipal[]): RiskScore {
  const sorted = [...principals].sort((a, b) => b.score - a.score || a.label.localeCompare(b.label));
  const [top, ...rest] = sorted;
  if (!top || top.score === 0) return riskScore([]);
  const reasons: RiskReason[] = [
    {
      code: 'riskiest_principal',
      message: `${top.label} scores ${top.score}`,
      evidence: { principal: top.label, score: top.score },
      points: top.score,
    },
  ];
  const high = rest.filter((p) => p.score >= HIGH_RISK);
  if (high.length > 0) {
    reasons.push({
      code: 'more_high_risk_principals',
      message: `${high.length} more principal(s) score ${HIGH_RISK} or more`,
      evidence: { principals: high.map((p) => p.label) },
      points: Math.min(MORE_HIGH_RISK_CAP, high.length * RISK_POINTS.more_high_risk_principals),
    });
  }
  return riskScore(reasons);
}
