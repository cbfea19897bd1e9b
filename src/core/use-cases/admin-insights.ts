import { hasAccount, type InsightsView, insightsView } from '../../insights/insights-view.js';
import { LatchError } from '../errors.js';
import type { InsightsDeps, LatchDeps } from '../ports.js';
import { requireAdmin } from './require-admin.js';

/** A 12-digit AWS account id. */
const ACCOUNT_ID = /^\d{12}$/;

/**
 * The latest standing-access reading for an admin (`/access admin insights [account]`, App Home):
 * riskiest first, recommendations not yet applied, narrowed to one account when asked. Throws
 * `no_insights_yet` before the first reading and `unknown_account` for an account it did not read.
 */
export async function adminInsights(
  deps: LatchDeps,
  input: { adminId: string; accountId?: string },
): Promise<InsightsView> {
  await requireAdmin(deps, input.adminId, 'admin insights');
  return latestInsightsView(deps.insights, input.accountId);
}

/** The same, for a caller already known to be an admin (the Home tab draws it for admins only). */
export async function latestInsightsView(
  insights: InsightsDeps | undefined,
  accountId?: string,
): Promise<InsightsView> {
  const run = await insights?.store.latestRun();
  if (!insights || !run) throw new LatchError('no_insights_yet');
  if (accountId !== undefined && (!ACCOUNT_ID.test(accountId) || !hasAccount(run, accountId))) {
    throw new LatchError('unknown_account', { account: accountId.slice(0, 40) });
  }
  const applied = await insights.store.appliedSince(run.readAt);
  return insightsView(run, {
    ...(accountId ? { accountId } : {}),
    allowedActions: insights.allowedActions,
    applied,
  });
}
