import { type InsightsDigest, insightsDigest } from '../../insights/insights-digest.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';

const LEASE = 'insights-digest';
const LEASE_SECONDS = 10 * 60;

/**
 * The weekly digest (`LATCH_INSIGHTS_DIGEST_CRON`): posts to the audit channel what changed in
 * standing access between the reading the previous digest used and the latest, then marks the latest
 * as digested. One replica at a time; nothing is posted when nothing was read since the last digest
 * (another replica just posted it, or no reading ran). Returns what was posted.
 */
export async function postInsightsDigest(deps: LatchDeps): Promise<InsightsDigest | undefined> {
  const insights = deps.insights;
  if (!insights) return undefined;
  const now = deps.clock.now();
  const lease = {
    name: LEASE,
    holder: deps.instanceId,
    now,
    until: new Date(now.getTime() + LEASE_SECONDS * 1000),
  };
  if (!(await deps.store.takeLease(lease))) return undefined;
  try {
    const current = await insights.store.latestRun();
    if (!current) {
      deps.log.info({}, 'no standing-access reading yet: no insights digest');
      return undefined;
    }
    const previous = await insights.store.lastDigestedRun();
    if (previous?.id === current.id) {
      deps.log.info({ runId: current.id }, 'nothing read since the last insights digest');
      return undefined;
    }
    const digest = insightsDigest(previous, current);
    await insights.store.markDigested(current.id, now);
    await deps.store.appendAudit({
      at: now,
      actor: 'latch',
      action: 'insights.digest_posted',
      detail: {
        runId: current.id,
        ...(previous ? { sinceRunId: previous.id } : {}),
        newRisks: digest.newRisks.length,
        resolvedRisks: digest.resolvedRisks.length,
        scoreChanges: digest.scoreChanges.length,
        newRecommendations: digest.newRecommendations.length,
        resolvedRecommendations: digest.resolvedRecommendations.length,
      },
    });
    await afterCommit(deps.log, 'post insights digest', () => deps.notifier.postInsightsDigest(digest));
    return digest;
  } finally {
    await deps.store.releaseLease(LEASE, deps.instanceId);
  }
}
