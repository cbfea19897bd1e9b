import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { LatchError } from '../../core/errors.js';
import type { LatchDeps } from '../../core/ports.js';
import { decideApproval } from '../../core/use-cases/decide-approval.js';
import { REASON_BLOCK, REASON_INPUT } from '../action-ids.js';
import { errorMessage } from '../error-messages.js';
import { redrawHome } from '../publish-home.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The deny form's submit: the clicker is re-checked in the use case; a refusal shows in the form. */
export function handleDenyModalSubmit(deps: LatchDeps) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const reason = view.state.values[REASON_BLOCK]?.[REASON_INPUT]?.value ?? '';
    try {
      const result = await decideApproval(deps, {
        requestId: view.private_metadata,
        clickerId: body.user.id,
        decision: 'deny',
        reason,
      });
      if (result.outcome === 'not_pending') {
        await ack({
          response_action: 'errors',
          errors: { [REASON_BLOCK]: `Already ${result.request.status}; nothing changed.` },
        });
        return;
      }
      await ack();
      await redrawHome(deps, client, body.user.id).catch((err) =>
        deps.log.warn({ err }, 'could not redraw App Home'),
      );
    } catch (error) {
      if (!(error instanceof LatchError)) deps.log.error({ err: error }, 'deny form failed');
      const text =
        error instanceof LatchError ? errorMessage(error) : 'Latch hit an error; nothing changed. Try again.';
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK]: text } });
    }
  };
}
