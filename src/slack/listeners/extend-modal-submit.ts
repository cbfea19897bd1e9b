import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { LatchError } from '../../core/errors.js';
import type { LatchDeps } from '../../core/ports.js';
import { extendGrant } from '../../core/use-cases/extend-grant.js';
import { EXTEND_BLOCK, EXTEND_INPUT } from '../action-ids.js';
import { extensionText } from '../blocks/extension-text.js';
import { errorMessage } from '../error-messages.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The Extend form's submit: the rules run in the use case; a refusal shows in the form, the outcome in a DM. */
export function handleExtendModalSubmit(deps: LatchDeps) {
  return async ({ ack, body, view, client }: Args): Promise<void> => {
    const durationText = view.state.values[EXTEND_BLOCK]?.[EXTEND_INPUT]?.selected_option?.value ?? '';
    try {
      const result = await extendGrant(deps, {
        grantId: view.private_metadata,
        requesterId: body.user.id,
        durationText,
      });
      await ack();
      await client.chat.postMessage({ channel: body.user.id, text: extensionText(result) });
    } catch (error) {
      if (!(error instanceof LatchError)) deps.log.error({ err: error }, 'extend form failed');
      const text =
        error instanceof LatchError ? errorMessage(error) : 'Latch hit an error; nothing changed. Try again.';
      await ack({ response_action: 'errors', errors: { [EXTEND_BLOCK]: text.split('\n')[0] ?? text } });
    }
  };
}
