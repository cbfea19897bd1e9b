import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { LatchDeps } from '../../core/ports.js';
import { denyModal } from '../blocks/deny-modal.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** `Deny` on a card opens the reason form at once (the trigger lives 3 s); the decision is made on submit. */
export function handleDenyButton(deps: LatchDeps) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: denyModal(action.value ?? '') });
    } catch (error) {
      deps.log.error({ err: error, requestId: action.value }, 'could not open the deny form');
    }
  };
}
