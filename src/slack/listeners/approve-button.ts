import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { LatchDeps } from '../../core/ports.js';
import { decideApproval } from '../../core/use-cases/decide-approval.js';
import { provisionGrants } from '../../core/use-cases/provision-grants.js';
import { answerFor } from './reply.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** `Approve` on a card. The button carries only the request id; the clicker is re-checked. */
export function handleApproveButton(deps: LatchDeps) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    await answerFor(deps.log, respond, async () => {
      const result = await decideApproval(deps, {
        requestId: action.value ?? '',
        clickerId: body.user.id,
        decision: 'approve',
      });
      if (result.outcome === 'approved') await provisionGrants(deps, { onlyId: result.grant.id });
      if (result.outcome === 'not_pending') {
        return `Request \`${result.request.id}\` was already ${result.request.status}${result.request.decidedBy && result.request.decidedBy !== 'latch' ? ` by <@${result.request.decidedBy}>` : ''}; nothing changed.`;
      }
      return undefined;
    });
  };
}
