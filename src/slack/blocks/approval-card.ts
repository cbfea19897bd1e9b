import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../core/duration.js';
import type { ApprovalCardData } from '../../core/ports.js';
import { APPROVE_ACTION, DENY_ACTION } from '../action-ids.js';
import { describeResource } from './describe.js';
import { MAX_SECTION_TEXT, mention, slackTime, userText } from './mrkdwn.js';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const OUTCOME_WORDS = {
  approved: '✅ Approved',
  denied: '❌ Denied',
  cancelled: '↩️ Cancelled by the requester',
  expired: '⌛ Expired: nobody decided in time',
} as const;

/** The card an approver gets; with `outcome` set it shows who decided and has no buttons. */
export function approvalCard(card: ApprovalCardData): SlackMessage {
  const { request, resource } = card;
  const lead = `${mention(request.requesterId)} asks for ${describeResource(resource)} for *${formatDuration(request.durationSeconds)}*.`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: lead } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*Why:* ${userText(request.justification, MAX_SECTION_TEXT - 20)}` },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Request \`${request.id}\` · approval step ${card.step + 1} of ${card.stepCount}${approvedByText(card)}`,
        },
      ],
    },
  ];
  if (card.outcome) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: outcomeText(card) } });
  } else {
    blocks.push({
      type: 'actions',
      block_id: `decide:${request.id}`,
      elements: [
        {
          type: 'button',
          action_id: APPROVE_ACTION,
          text: { type: 'plain_text', text: 'Approve' },
          style: 'primary',
          value: request.id,
        },
        {
          type: 'button',
          action_id: DENY_ACTION,
          text: { type: 'plain_text', text: 'Deny' },
          style: 'danger',
          value: request.id,
        },
      ],
    });
  }
  const state = card.outcome
    ? ` (${card.outcome.status === 'pending' ? 'step done' : card.outcome.status})`
    : '';
  return {
    text: `Access request ${request.id}: ${resource.id} for ${formatDuration(request.durationSeconds)}${state}`,
    blocks,
  };
}

function approvedByText(card: ApprovalCardData): string {
  return card.approvedBy.length ? ` · approved so far by ${card.approvedBy.map(mention).join(', ')}` : '';
}

function outcomeText(card: ApprovalCardData): string {
  const outcome = card.outcome;
  if (!outcome) return '';
  if (outcome.status === 'pending')
    return `✅ Step ${card.step + 1} is approved; the request moved on to the next approver.`;
  const words = OUTCOME_WORDS[outcome.status];
  const by =
    outcome.by && outcome.status !== 'cancelled' && outcome.by !== 'latch'
      ? ` by ${mention(outcome.by)}`
      : '';
  const why = outcome.reason ? `\n> ${userText(outcome.reason, 1000)}` : '';
  return `${words}${by} · ${slackTime(outcome.at)}${why}`;
}
