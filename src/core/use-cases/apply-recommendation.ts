import { changeAction } from '../../insights/change-action.js';
import type { Recommendation } from '../../insights/recommendations.js';
import { LatchError, ProvisioningError } from '../errors.js';
import type { LatchDeps } from '../ports.js';
import { requireAdmin } from './require-admin.js';

/**
 * An admin's `Apply` on a recommendation: re-checks the clicker is an admin, re-reads the
 * recommendation from the latest stored reading (never from the button), and makes exactly its
 * change in AWS where Latch's printed policy allows the action. Audited `insight.applied`, or
 * `insight.apply_failed` with the reason when Latch may not or AWS refuses; then nothing changed.
 */
export async function applyRecommendation(
  deps: LatchDeps,
  input: { adminId: string; recommendationId: string },
): Promise<{ recommendation: Recommendation; changed: boolean }> {
  await requireAdmin(deps, input.adminId, 'apply recommendation');
  const insights = deps.insights;
  const run = await insights?.store.latestRun();
  if (!insights || !run) throw new LatchError('no_insights_yet');
  const recommendation = run.recommendations.find((r) => r.id === input.recommendationId);
  if (!recommendation) throw new LatchError('unknown_recommendation');
  const { change } = recommendation;
  const action = changeAction(change);
  if (!action) throw new LatchError('recommendation_not_applicable');
  const audit = (name: string, detail: Record<string, unknown>) =>
    deps.store.appendAudit({
      at: deps.clock.now(),
      actor: input.adminId,
      action: name,
      detail: { recommendationId: recommendation.id, runId: run.id, change, ...detail },
    });

  if (!insights.allowedActions.has(action)) {
    await audit('insight.apply_failed', { reason: 'not_in_policy', missingAction: action });
    throw new LatchError('recommendation_not_permitted', { action });
  }
  let changed: boolean;
  try {
    ({ changed } = await insights.changer.apply(change));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The AWS layer names the refused action first: `iam:RemoveUserFromGroup was denied (…)`.
    const deniedAction =
      error instanceof ProvisioningError
        ? /^([a-z0-9-]+:[A-Za-z0-9]+) was denied/.exec(message)?.[1]
        : undefined;
    await audit('insight.apply_failed', {
      reason: deniedAction ? 'access_denied' : 'aws_error',
      ...(deniedAction ? { missingAction: deniedAction } : {}),
      error: message,
    });
    deps.log.warn({ err: error, recommendationId: recommendation.id }, 'could not apply a recommendation');
    if (deniedAction) throw new LatchError('recommendation_denied', { action: deniedAction });
    throw new LatchError('recommendation_failed', { error: message });
  }
  await audit('insight.applied', { changed });
  deps.log.info(
    { recommendationId: recommendation.id, change, actor: input.adminId, changed },
    'recommendation applied',
  );
  return { recommendation, changed };
}
