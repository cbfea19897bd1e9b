import type { LatchDeps } from '../../core/ports.js';
import { applyRecommendation } from '../../core/use-cases/apply-recommendation.js';
import { userText } from '../blocks/mrkdwn.js';
import { type ButtonArgs, handleButton } from './button-action.js';

/** `Apply` on a recommendation (App Home): the value is its id only; the use case re-checks everything. */
export function handleApplyInsightButton(deps: LatchDeps) {
  return (args: ButtonArgs) =>
    handleButton(deps, args, async () => {
      const { recommendation, changed } = await applyRecommendation(deps, {
        adminId: args.body.user.id,
        recommendationId: args.action.value ?? '',
      });
      const title = userText(recommendation.title, 2500);
      return changed
        ? `✅ Applied in AWS: ${title}. It is in the audit log.`
        : `Nothing left to change in AWS (already done): ${title}.`;
    });
}
