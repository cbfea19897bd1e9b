import type { LatchDeps } from '../../core/ports.js';
import { type ReviewVerdict, reviewBreakGlass } from '../../core/use-cases/review-break-glass.js';
import { mention } from '../blocks/mrkdwn.js';
import { type ButtonArgs, handleButton } from './button-action.js';

/** `Acknowledge` / `Flag` on a break-glass review card; the reviewer is re-checked in the use case. */
export function handleReviewButton(deps: LatchDeps, verdict: ReviewVerdict) {
  return (args: ButtonArgs) =>
    handleButton(deps, args, async () => {
      const result = await reviewBreakGlass(deps, {
        requestId: args.action.value ?? '',
        reviewerId: args.body.user.id,
        verdict,
      });
      return result.isNew
        ? undefined
        : `Already ${result.verdict} by ${mention(result.by)}; nothing changed.`;
    });
}
