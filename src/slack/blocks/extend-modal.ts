import type { ModalView } from '@slack/types';
import { formatDuration } from '../../core/duration.js';
import type { Grant } from '../../core/model.js';
import { EXTEND_BLOCK, EXTEND_INPUT, EXTEND_MODAL } from '../action-ids.js';

/** Asks how much longer, offering only durations the tier still allows; carries only the grant id. */
export function extendModal(grant: Grant, choices: readonly number[]): ModalView {
  const options = choices.map((seconds) => ({
    text: { type: 'plain_text' as const, text: formatDuration(seconds) },
    value: formatDuration(seconds),
  }));
  return {
    type: 'modal',
    callback_id: EXTEND_MODAL,
    private_metadata: grant.id,
    title: { type: 'plain_text', text: 'Extend access' },
    submit: { type: 'plain_text', text: 'Extend' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: EXTEND_BLOCK,
        label: { type: 'plain_text', text: `Extend ${grant.id} (${grant.resourceId}) by` },
        element: {
          type: 'static_select',
          action_id: EXTEND_INPUT,
          options,
          ...(options[0] ? { initial_option: options[0] } : {}),
        },
      },
    ],
  };
}
