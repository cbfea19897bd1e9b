import type { ModalView } from '@slack/types';
import { formatDuration } from '../../core/duration.js';
import type { Policy } from '../../core/model.js';
import {
  DURATION_BLOCK,
  DURATION_INPUT,
  JUSTIFICATION_BLOCK,
  JUSTIFICATION_INPUT,
  REQUEST_MODAL,
  RESOURCE_BLOCK,
  RESOURCE_INPUT,
} from '../action-ids.js';
import { truncate } from './mrkdwn.js';

const MAX_OPTIONS = 100; // static_select limit (docs.slack.dev option objects)

/** The `/access` request form: a resource, a duration, a reason. */
export function requestModal(policy: Policy): ModalView {
  const options = policy.resources
    .filter((resource) => policy.tiers[resource.tier])
    .slice(0, MAX_OPTIONS)
    .map((resource) => ({
      text: { type: 'plain_text' as const, text: truncate(`${resource.name} (${resource.tier})`, 75) },
      value: resource.id,
    }));
  return {
    type: 'modal',
    callback_id: REQUEST_MODAL,
    title: { type: 'plain_text', text: 'Request AWS access' },
    submit: { type: 'plain_text', text: 'Request' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: RESOURCE_BLOCK,
        label: { type: 'plain_text', text: 'Resource' },
        element: { type: 'static_select', action_id: RESOURCE_INPUT, options },
      },
      {
        type: 'input',
        block_id: DURATION_BLOCK,
        label: { type: 'plain_text', text: 'For how long' },
        hint: {
          type: 'plain_text',
          text: `Like 30m, 2h or 1d. Default tiers allow up to ${formatDuration(8 * 3600)}.`,
        },
        element: { type: 'plain_text_input', action_id: DURATION_INPUT, initial_value: '1h', max_length: 10 },
      },
      {
        type: 'input',
        block_id: JUSTIFICATION_BLOCK,
        label: { type: 'plain_text', text: 'Why' },
        element: {
          type: 'plain_text_input',
          action_id: JUSTIFICATION_INPUT,
          multiline: true,
          max_length: 2000,
        },
      },
    ],
  };
}
