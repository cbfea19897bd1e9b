import type { AuditNotice } from '../../core/ports.js';
import type { SlackMessage } from './approval-card.js';
import { describeResource } from './describe.js';
import { MAX_SECTION_TEXT, mention, userText } from './mrkdwn.js';

const ACTION_WORDS: Record<string, string> = {
  'request.filed': 'requested',
  'request.approved': 'approved the request for',
  'request.denied': 'denied the request for',
  'grant.active': 'granted',
  'grant.revoked': 'revoked',
  'grant.extended': 'extended',
  'request.break_glass': '🚨 used BREAK-GLASS on',
  'break_glass.acknowledged': 'acknowledged the break-glass use of',
  'break_glass.flagged': '🚩 flagged the break-glass use of',
  'grant.failed': 'could not grant',
  'grant.revoke_failing': 'keeps failing to revoke',
  'grant.revoking': 'is revoking',
};

/** One line in the audit channel for each request, decision, grant and revocation. */
export function auditPost(event: AuditNotice): SlackMessage {
  const actor = event.actor === 'latch' ? 'Latch' : mention(event.actor);
  const verb = ACTION_WORDS[event.action] ?? event.action;
  const ids = [
    `request \`${event.requestId}\``,
    ...(event.grantId ? [`grant \`${event.grantId}\``] : []),
  ].join(', ');
  const forWhom = event.actor === event.requesterId ? '' : ` for ${mention(event.requesterId)}`;
  const why = event.text ? `\n> ${userText(event.text, 500)}` : '';
  const text = `${actor} ${verb} ${describeResource(event.resource)}${forWhom} · ${ids}${why}`;
  return {
    text: `${event.action} ${event.resource.id} ${event.requestId}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, MAX_SECTION_TEXT) } }],
  };
}
