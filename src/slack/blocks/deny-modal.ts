import type { ModalView } from '@slack/types';
import { MAX_REASON_LENGTH } from '../../core/use-cases/decide-approval.js';
import { DENY_MODAL, REASON_BLOCK, REASON_INPUT } from '../action-ids.js';

/** Asks a denying approver why; the requester is shown the answer. Carries only the request id. */
export function denyModal(requestId: string): ModalView {
  return {
    type: 'modal',
    callback_id: DENY_MODAL,
    private_metadata: requestId,
    title: { type: 'plain_text', text: 'Deny request' },
    submit: { type: 'plain_text', text: 'Deny' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: { type: 'plain_text', text: `Why deny ${requestId}?` },
        hint: { type: 'plain_text', text: 'The requester sees this.' },
        element: {
          type: 'plain_text_input',
          action_id: REASON_INPUT,
          multiline: true,
          max_length: MAX_REASON_LENGTH,
        },
      },
    ],
  };
}
