import { changeAction } from './change-action.js';
import type { StoredInsightRun, StoredScore } from './insight-run.js';
import type { InventoryFailure } from './inventory.js';
import type { Recommendation } from './recommendations.js';

export interface RiskLine {
  label: string;
  score: number;
  /** The top reasons' messages, highest points first. */
  reasons: string[];
}

export interface RecommendationLine {
  id: string;
  title: string;
  risk: number;
  /** The IAM action the change sends; undefined when it is not made in AWS. */
  action?: string;
  /** The action is in Latch's printed policy, so an admin may apply it from Slack. */
  canApply: boolean;
}

export interface InsightsView {
  runId: number;
  readAt: Date;
  failures: InventoryFailure[];
  /** The account the view is narrowed to, as stored (`name (id)`), with its score. */
  account?: RiskLine;
  accounts: RiskLine[];
  principals: RiskLine[];
  recommendations: RecommendationLine[];
}

const TOP_REASONS = 2;

/**
 * The riskiest accounts and principals (above 0) and the recommendations not yet applied, narrowed
 * to one account when asked: its IAM users, and Identity Center principals or changes whose evidence
 * names it. Undefined `account` on the result with an `accountId` asked means no such account.
 */
export function insightsView(
  run: StoredInsightRun,
  options: { accountId?: string; allowedActions: ReadonlySet<string>; applied: ReadonlySet<string> },
): InsightsView {
  const { accountId } = options;
  const about = (s: StoredScore) =>
    !accountId ||
    s.accountId === accountId ||
    (!s.accountId && JSON.stringify(s.reasons).includes(accountId));
  const line = (s: StoredScore): RiskLine => ({
    label: s.label,
    score: s.score,
    reasons: s.reasons.slice(0, TOP_REASONS).map((r) => r.message),
  });
  const accountScores = run.scores.filter((s) => s.subjectKind === 'account');
  const account = accountId ? accountScores.find((s) => s.subjectId === accountId) : undefined;
  return {
    runId: run.id,
    readAt: run.readAt,
    failures: run.failures.filter((f) => !accountId || !f.accountId || f.accountId === accountId),
    ...(account ? { account: line(account) } : {}),
    accounts: accountScores.filter((s) => s.score > 0 && about(s)).map(line),
    principals: run.scores.filter((s) => s.subjectKind === 'principal' && s.score > 0 && about(s)).map(line),
    recommendations: run.recommendations
      .filter((r) => !options.applied.has(r.id) && (!accountId || recommendationAbout(r, accountId)))
      .map((r) => {
        const action = changeAction(r.change);
        return {
          id: r.id,
          title: r.title,
          risk: r.risk,
          ...(action ? { action } : {}),
          canApply: action !== undefined && options.allowedActions.has(action),
        };
      }),
  };
}

function recommendationAbout(r: Recommendation, accountId: string): boolean {
  return 'accountId' in r.change
    ? r.change.accountId === accountId
    : JSON.stringify(r.evidence).includes(accountId);
}

/** Whether the stored reading read this account (by id) at all. */
export function hasAccount(run: StoredInsightRun, accountId: string): boolean {
  return run.scores.some((s) => s.subjectKind === 'account' && s.subjectId === accountId);
}
