import type { ActionsBlock } from '@slack/types';
import { APPROVE_ACTION, DENY_ACTION } from '../action-ids.js';

/** `Approve` and `Deny` (the contract's exact words), carrying only the request id; the clicker is re-checked on the server. */
export function decisionButtons(requestId: string, blockId: string): ActionsBlock {
  return {
    type: 'actions',
    block_id: blockId,
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION,
        text: { type: 'plain_text', text: 'Approve' },
        style: 'primary',
        value: requestId,
      },
      {
        type: 'button',
        action_id: DENY_ACTION,
        text: { type: 'plain_text', text: 'Deny' },
        style: 'danger',
        value: requestId,
      },
    ],
  };
}
