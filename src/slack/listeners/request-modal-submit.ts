import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { LatchError } from '../../core/errors.js';
import type { LatchDeps } from '../../core/ports.js';
import { fileRequest } from '../../core/use-cases/file-request.js';
import { provisionGrants } from '../../core/use-cases/provision-grants.js';
import {
  DURATION_BLOCK,
  DURATION_INPUT,
  JUSTIFICATION_BLOCK,
  JUSTIFICATION_INPUT,
  RESOURCE_BLOCK,
  RESOURCE_INPUT,
  TICKET_BLOCK,
  TICKET_INPUT,
} from '../action-ids.js';
import { errorMessage } from '../error-messages.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const FIELD_FOR: Partial<Record<LatchError['code'], string>> = {
  unknown_resource: RESOURCE_BLOCK,
  unclassified_resource: RESOURCE_BLOCK,
  unsupported_resource_kind: RESOURCE_BLOCK,
  bad_duration: DURATION_BLOCK,
  duration_too_short: DURATION_BLOCK,
  duration_too_long: DURATION_BLOCK,
  missing_justification: JUSTIFICATION_BLOCK,
};

/**
 * The request form's submit. Slack waits for this ack, so checks run before it and a bad
 * field comes back inline (`response_action: errors`), never as a silent close.
 */
export function handleRequestModalSubmit(deps: LatchDeps) {
  return async ({ ack, body, view }: Args): Promise<void> => {
    const values = view.state.values;
    const input = {
      requesterId: body.user.id,
      resourceId: values[RESOURCE_BLOCK]?.[RESOURCE_INPUT]?.selected_option?.value ?? '',
      durationText: values[DURATION_BLOCK]?.[DURATION_INPUT]?.selected_option?.value ?? '',
      justification: values[JUSTIFICATION_BLOCK]?.[JUSTIFICATION_INPUT]?.value ?? '',
      ticket: values[TICKET_BLOCK]?.[TICKET_INPUT]?.value ?? '',
    };
    try {
      const { grant } = await fileRequest(deps, input);
      await ack();
      if (grant) await provisionGrants(deps, { onlyId: grant.id });
    } catch (error) {
      if (!(error instanceof LatchError)) {
        deps.log.error({ err: error }, 'request form failed');
        await ack({
          response_action: 'errors',
          errors: { [JUSTIFICATION_BLOCK]: 'Latch hit an error; nothing was filed. Try again.' },
        });
        return;
      }
      const block =
        error.detail.field === 'ticket'
          ? TICKET_BLOCK
          : error.detail.field === 'justification'
            ? JUSTIFICATION_BLOCK
            : (FIELD_FOR[error.code] ?? RESOURCE_BLOCK);
      await ack({ response_action: 'errors', errors: { [block]: errorMessage(error).split('\n')[0] ?? '' } });
    }
  };
}
