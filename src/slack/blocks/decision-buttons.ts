import type { ActionsBlock } from '@slack/types';
import { formatDuration } from '../../core/duration.js';
import { APPROVE_ACTION, APPROVE_FOR_ACTION, DENY_ACTION } from '../action-ids.js';

/**
 * `Approve` and `Deny` (the contract's exact words) carrying only the request id, plus an
 * "Approve for less…" menu when shorter durations fit the tier. The clicker is re-checked on the server.
 */
export function decisionButtons(
  requestId: string,
  blockId: string,
  shorterChoices: readonly number[] = [],
): ActionsBlock {
  const approveFor = shorterChoices.length
    ? [
        {
          type: 'static_select' as const,
          action_id: APPROVE_FOR_ACTION,
          placeholder: { type: 'plain_text' as const, text: 'Approve for less…' },
          // Request id and duration, well under the 75-character option value limit.
          options: shorterChoices.map((seconds) => ({
            text: { type: 'plain_text' as const, text: `Approve for ${formatDuration(seconds)}` },
            value: `${requestId}|${formatDuration(seconds)}`,
          })),
        },
      ]
    : [];
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
      ...approveFor,
    ],
  };
}
