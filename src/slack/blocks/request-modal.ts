import type { ModalView, PlainTextOption } from '@slack/types';
import { formatDuration } from '../../core/duration.js';
import type { Resource, Tier } from '../../core/model.js';
import { durationChoices } from '../../core/tiers.js';
import { MAX_JUSTIFICATION_LENGTH } from '../../core/use-cases/file-request.js';
import {
  DURATION_BLOCK,
  DURATION_INPUT,
  JUSTIFICATION_BLOCK,
  JUSTIFICATION_INPUT,
  REQUEST_MODAL,
  RESOURCE_BLOCK,
  RESOURCE_INPUT,
  TICKET_BLOCK,
  TICKET_INPUT,
} from '../action-ids.js';
import { truncate } from './mrkdwn.js';

/** Offered before a resource is chosen; the server checks the real tier bounds on submit. */
const ANY_TIER = { minDurationSeconds: 300, maxDurationSeconds: 8 * 3600 };

/** A catalog entry as a picker option: "Name · tier", value the resource id (well under the 75-char value limit). */
export function resourceOption(resource: Resource): PlainTextOption {
  return {
    text: { type: 'plain_text', text: truncate(`${resource.name} · ${resource.tier}`, 75) },
    value: resource.id,
  };
}

/**
 * The `/access` request form. The resource picker searches the catalog as the person types
 * (an options load); choosing one redraws the form with that tier's durations.
 */
export function requestModal(chosen?: { resource: Resource; tier: Tier }): ModalView {
  const durations = durationChoices(chosen?.tier ?? ANY_TIER).map(
    (seconds): PlainTextOption => ({
      text: { type: 'plain_text', text: formatDuration(seconds) },
      value: formatDuration(seconds),
    }),
  );
  const initial = durations.find((option) => option.value === '1h') ?? durations[0];
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
        dispatch_action: true,
        label: { type: 'plain_text', text: 'Resource' },
        element: {
          type: 'external_select',
          action_id: RESOURCE_INPUT,
          min_query_length: 0,
          placeholder: { type: 'plain_text', text: 'Search by name, id, account or kind' },
          ...(chosen ? { initial_option: resourceOption(chosen.resource) } : {}),
        },
      },
      {
        type: 'input',
        block_id: DURATION_BLOCK,
        label: { type: 'plain_text', text: 'For how long' },
        ...(chosen
          ? {
              hint: {
                type: 'plain_text' as const,
                text: `The ${chosen.tier.name} tier allows ${formatDuration(chosen.tier.minDurationSeconds)} to ${formatDuration(chosen.tier.maxDurationSeconds)}.`,
              },
            }
          : {}),
        element: {
          type: 'static_select',
          action_id: DURATION_INPUT,
          options: durations,
          ...(initial ? { initial_option: initial } : {}),
        },
      },
      {
        type: 'input',
        block_id: JUSTIFICATION_BLOCK,
        label: { type: 'plain_text', text: 'Why' },
        element: {
          type: 'plain_text_input',
          action_id: JUSTIFICATION_INPUT,
          multiline: true,
          max_length: MAX_JUSTIFICATION_LENGTH,
        },
      },
      {
        type: 'input',
        block_id: TICKET_BLOCK,
        optional: true,
        label: { type: 'plain_text', text: 'Ticket' },
        element: {
          type: 'plain_text_input',
          action_id: TICKET_INPUT,
          max_length: 100,
          placeholder: { type: 'plain_text', text: 'e.g. OPS-1234' },
        },
      },
    ],
  };
}
