import type { KnownBlock } from '@slack/types';
import { formatDuration } from '../../core/duration.js';
import type { ApprovalCardData } from '../../core/ports.js';
import { decisionButtons } from './decision-buttons.js';
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
      text: {
        type: 'mrkdwn',
        text: `*Why:* ${userText(request.justification, MAX_SECTION_TEXT - 200)}${ticketText(card)}`,
      },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Request \`${request.id}\` · approval step ${card.step + 1} of ${card.stepCount}${approvedByText(card)}`,
        },
        ...(card.history ? [{ type: 'mrkdwn' as const, text: historyText(card.history) }] : []),
      ],
    },
  ];
  if (card.outcome) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: outcomeText(card) } });
  } else {
    blocks.push(decisionButtons(request.id, `decide:${request.id}`, card.shorterChoices));
  }
  const state = card.outcome
    ? ` (${card.outcome.status === 'pending' ? 'step done' : card.outcome.status})`
    : '';
  return {
    text: `Access request ${request.id}: ${resource.id} for ${formatDuration(request.durationSeconds)}${state}`,
    blocks,
  };
}

function ticketText(card: ApprovalCardData): string {
  return card.request.ticket ? `\n*Ticket:* ${userText(card.request.ticket, 100)}` : '';
}

/** "3rd request for this in 30 days · last granted <date>" */
export function historyText(history: NonNullable<ApprovalCardData['history']>): string {
  const nth = history.earlierRequests + 1;
  const count =
    nth === 1
      ? `First request for this in ${history.days} days`
      : `${ordinal(nth)} request for this in ${history.days} days`;
  return history.lastGrantedAt ? `${count} · last granted ${slackTime(history.lastGrantedAt)}` : count;
}

function ordinal(n: number): string {
  const suffix =
    n % 100 >= 11 && n % 100 <= 13
      ? 'th'
      : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
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
