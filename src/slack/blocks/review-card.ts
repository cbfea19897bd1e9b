import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../core/duration.js';
import type { ReviewCardData } from '../../core/ports.js';
import { ACKNOWLEDGE_ACTION, FLAG_ACTION } from '../action-ids.js';
import type { SlackMessage } from './approval-card.js';
import { describeResource } from './describe.js';
import { MAX_SECTION_TEXT, mention, slackTime, userText } from './mrkdwn.js';

/** What an approver gets after someone used break-glass: review it with Acknowledge or Flag. */
export function reviewCard(card: ReviewCardData): SlackMessage {
  const { request, resource, review } = card;
  const lead = `🚨 ${mention(request.requesterId)} used *break-glass* on ${describeResource(resource)} for *${formatDuration(request.durationSeconds)}*. Access was given at once; please review it.`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: lead } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*Why:* ${userText(request.justification, MAX_SECTION_TEXT - 20)}` },
    },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Request \`${request.id}\` · ${slackTime(request.createdAt)}` }],
    },
  ];
  if (review) {
    const words = review.verdict === 'flagged' ? '🚩 Flagged' : '✅ Acknowledged';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `${words} by ${mention(review.by)} · ${slackTime(review.at)}` },
    });
  } else {
    blocks.push({
      type: 'actions',
      block_id: `review:${request.id}`,
      elements: [
        {
          type: 'button',
          action_id: ACKNOWLEDGE_ACTION,
          text: { type: 'plain_text', text: 'Acknowledge' },
          style: 'primary',
          value: request.id,
        },
        {
          type: 'button',
          action_id: FLAG_ACTION,
          text: { type: 'plain_text', text: 'Flag' },
          style: 'danger',
          value: request.id,
        },
      ],
    });
  }
  return { text: `Break-glass: ${resource.id} by ${request.requesterId} (${request.id})`, blocks };
}
