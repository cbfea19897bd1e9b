import type { KnownBlock } from '@slack/types';
import { activityLine } from '../../core/activity-line.js';
import { formatDuration } from '../../core/duration.js';
import type { RequesterNotice } from '../../core/ports.js';
import { EXTEND_ACTION, RELEASE_ACTION } from '../action-ids.js';
import type { SlackMessage } from './approval-card.js';
import { describeResource } from './describe.js';
import { escapeMrkdwn, MAX_SECTION_TEXT, mention, slackTime, truncate, userText } from './mrkdwn.js';

/** The DM a requester gets at each change of state. */
export function requesterNotice(notice: RequesterNotice): SlackMessage {
  const what = describeResource(notice.resource);
  const text = noticeText(notice, what);
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: truncate(text, MAX_SECTION_TEXT) } },
  ];
  if (notice.kind === 'grant_expiring' || notice.kind === 'grant_active') {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: EXTEND_ACTION,
          text: { type: 'plain_text', text: 'Extend' },
          value: notice.grant.id,
        },
        {
          type: 'button',
          action_id: RELEASE_ACTION,
          text: { type: 'plain_text', text: 'Release now' },
          value: notice.grant.id,
        },
      ],
    });
  }
  return { text: plain(text), blocks };
}

function noticeText(notice: RequesterNotice, what: string): string {
  switch (notice.kind) {
    case 'request_filed':
      return `Your request \`${notice.request.id}\` for ${what} (${formatDuration(notice.request.durationSeconds)}) is waiting for ${notice.approvers.map(mention).join(' or ')}.`;
    case 'request_approved':
      return `Your request \`${notice.request.id}\` for ${what} was approved${notice.by ? ` by ${mention(notice.by)}` : ''}${notice.durationSeconds ? ` for *${formatDuration(notice.durationSeconds)}* instead of the ${formatDuration(notice.request.durationSeconds)} you asked for` : ''}. Setting up your access now.`;
    case 'request_denied':
      return `Your request \`${notice.request.id}\` for ${what} was denied by ${notice.by === 'latch' ? 'Latch' : mention(notice.by)}${notice.reason ? `: “${userText(notice.reason, 1000)}”` : ''}. Nothing was granted.`;
    case 'request_reminded':
      return `Your request \`${notice.request.id}\` for ${what} is still waiting; Latch reminded ${notice.approvers.map(mention).join(' and ') || 'its approvers'}.`;
    case 'request_escalated':
      return `Your request \`${notice.request.id}\` for ${what} has waited long, so Latch also asked ${notice.approvers.map(mention).join(' and ') || 'the fallback approvers'}.`;
    case 'request_expired':
      return `Your request \`${notice.request.id}\` for ${what} expired: nobody decided in time. Nothing was granted.`;
    case 'grant_active':
      return `Your access to ${what} is active until ${slackTime(expiry(notice.grant.expiresAt))} (grant \`${notice.grant.id}\`, ${formatDuration(notice.grant.durationSeconds)}). End it early with \`/access release ${notice.grant.id}\`.`;
    case 'grant_failed':
      return `Latch could not give you access to ${what} (grant \`${notice.grant.id}\`): ${escapeMrkdwn(notice.reason)}. The admins have been told.`;
    case 'grant_expiring':
      return `⏳ Your access to ${what} ends ${slackTime(expiry(notice.grant.expiresAt))} (grant \`${notice.grant.id}\`).`;
    case 'grant_activity':
      return notice.grant.activity.events === 0
        ? `CloudTrail recorded no AWS activity during your grant \`${notice.grant.id}\` of ${what}. If you did not need it, a shorter grant next time keeps access tight.`
        : `What your grant \`${notice.grant.id}\` of ${what} was used for: ${escapeMrkdwn(activityLine(notice.grant.activity))}`;
    case 'grant_ended':
      return `Your access to ${what} has ended (grant \`${notice.grant.id}\`${endedBecause(notice.grant.revokeReason)}).`;
  }
}

/** Why a grant ended, from its stored revoke reason: expired, released, or `admin <id>: <note>`. */
function endedBecause(reason: string | undefined): string {
  if (reason === 'released') return ', released by you';
  if (reason === 'vanished') return ': the access was removed in AWS outside Latch, so Latch ended the grant';
  const admin = /^admin (\S+): ?([\s\S]*)$/.exec(reason ?? '');
  if (!admin) return '';
  return `, ended early by ${mention(admin[1] ?? '')}${admin[2] ? `: “${userText(admin[2], 500)}”` : ''}`;
}

function expiry(date: Date | undefined): Date {
  return date ?? new Date(0);
}

/** Notification text without mrkdwn date tokens, for push notifications and screen readers. */
function plain(text: string): string {
  return text.replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1');
}
