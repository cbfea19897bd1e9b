import { describe, expect, it } from 'vitest';
import type { AccessRequest, Grant, Resource } from '../../core/model.js';
import type { ApprovalCardData, RequesterNotice } from '../../core/ports.js';
import { approvalCard, historyText } from './approval-card.js';
import { auditPost } from './audit-post.js';
import { MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT } from './mrkdwn.js';
import { requesterNotice } from './requester-notice.js';

const resource: Resource = {
  id: 'oncall',
  name: 'On <call>',
  kind: 'sso_group',
  groupId: 'g-1',
  tier: 'medium',
  owners: [],
  enforce: false,
};
const request: AccessRequest = {
  id: 'R7K2MQ4',
  requesterId: 'U0ALICE',
  requesterEmail: 'alice@example.com',
  resourceId: 'oncall',
  durationSeconds: 7200,
  justification: 'fixing the pager',
  status: 'pending',
  currentStep: 0,
  createdAt: new Date('2026-11-21T10:00:00Z'),
  expiresAt: new Date('2026-11-22T10:00:00Z'),
};
const card: ApprovalCardData = {
  request,
  resource,
  step: 0,
  stepCount: 1,
  approvedBy: [],
};
const grant: Grant = {
  id: 'G9X3M1P',
  requestId: request.id,
  requesterId: 'U0ALICE',
  requesterEmail: 'alice@example.com',
  resourceId: 'oncall',
  durationSeconds: 7200,
  status: 'active',
  attempts: 1,
  nextAttemptAt: new Date(0),
  createdAt: new Date(0),
  expiresAt: new Date('2026-11-21T12:00:00Z'),
};

/** Every text object in a payload, wherever it sits. */
function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const own = typeof object.text === 'string' && typeof object.type === 'string' ? [object.text] : [];
    return [...own, ...Object.values(object).flatMap(texts)];
  }
  return [];
}

function withinSlackLimits(message: { blocks: unknown[] }): void {
  expect(message.blocks.length).toBeLessThanOrEqual(MAX_MESSAGE_BLOCKS);
  for (const text of texts(message.blocks)) expect(text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
}

function buttons(message: { blocks: unknown[] }): string[] {
  return (
    JSON.stringify(message.blocks).match(
      /"type":"button"[^}]*"text":\{"type":"plain_text","text":"([^"]+)"/g,
    ) ?? []
  );
}

describe('approvalCard', () => {
  it('asks with buttons whose text is exactly Approve and Deny, each carrying only the request id', () => {
    const message = approvalCard(card);
    expect(message).toMatchSnapshot();
    expect(buttons(message).map((b) => b.replace(/.*"text":"/, '').replace(/"$/, ''))).toEqual([
      'Approve',
      'Deny',
    ]);
    expect(JSON.stringify(message.blocks)).toContain('"value":"R7K2MQ4"');
  });

  it('shows who decided and drops the buttons once decided', () => {
    const message = approvalCard({
      ...card,
      outcome: { status: 'approved', by: 'U0BOB', at: new Date('2026-11-21T10:05:00Z') },
    });
    expect(buttons(message)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('Approved by <@U0BOB>');
  });

  it('escapes Slack markup in user text so it cannot ping or link', () => {
    const message = approvalCard({
      ...card,
      request: { ...request, justification: '<!channel> see <https://evil|docs> & <@U0CEO>' },
    });
    const body = JSON.stringify(message.blocks);
    expect(body).not.toContain('<!channel>');
    expect(body).not.toContain('<https://evil');
    expect(body).toContain('&lt;!channel&gt;');
    expect(body).toContain('On &lt;call&gt;');
  });

  it('cuts a 10,000-character justification and ticket to fit Slack', () => {
    withinSlackLimits(
      approvalCard({
        ...card,
        request: { ...request, justification: '&'.repeat(10_000), ticket: '<'.repeat(5000) },
      }),
    );
  });

  it('shows the ticket and the requester’s recent history with the resource', () => {
    const body = JSON.stringify(
      approvalCard({
        ...card,
        request: { ...request, ticket: 'OPS-42' },
        history: { days: 30, earlierRequests: 2 },
      }).blocks,
    );
    expect(body).toContain('*Ticket:* OPS-42');
    expect(body).toContain('3rd request for this in 30 days');
  });
});

describe('historyText', () => {
  it.each([
    [{ days: 30, earlierRequests: 0 }, 'First request for this in 30 days'],
    [{ days: 30, earlierRequests: 1 }, '2nd request for this in 30 days'],
    [
      { days: 30, earlierRequests: 2, lastGrantedAt: new Date('2026-11-19T10:00:00Z') },
      '3rd request for this in 30 days · last granted <!date^',
    ],
    [{ days: 30, earlierRequests: 10 }, '11th request'],
    [{ days: 30, earlierRequests: 21 }, '22nd request'],
  ])('describes %j', (history, want) => {
    expect(historyText(history)).toContain(want);
  });
});

describe('requesterNotice', () => {
  it.each([
    ['grant_active', { kind: 'grant_active', grant, resource }, 'is active until'],
    ['grant_expiring', { kind: 'grant_expiring', grant, resource }, 'ends'],
    ['grant_ended', { kind: 'grant_ended', grant, resource }, 'has ended'],
    [
      'grant_ended after drift',
      { kind: 'grant_ended', grant: { ...grant, revokeReason: 'vanished' }, resource },
      'removed in AWS outside Latch',
    ],
    [
      'grant_activity',
      {
        kind: 'grant_activity',
        grant: {
          ...grant,
          activity: {
            events: 12,
            writeEvents: 2,
            eventNames: [
              { name: 'GetObject', count: 10 },
              { name: 'PutObject', count: 2 },
            ],
            errors: [{ code: 'AccessDenied', count: 1 }],
          },
        },
        resource,
      },
      'CloudTrail: 12 events, 2 changing something (GetObject ×10, PutObject ×2); errors: AccessDenied ×1.',
    ],
    [
      'grant_activity with none',
      {
        kind: 'grant_activity',
        grant: { ...grant, activity: { events: 0, writeEvents: 0, eventNames: [], errors: [] } },
        resource,
      },
      'CloudTrail recorded no AWS activity during your grant',
    ],
    ['request_denied', { kind: 'request_denied', request, resource, by: 'U0BOB' }, 'was denied by <@U0BOB>'],
  ] satisfies Array<[string, RequesterNotice, string]>)(
    '%s says what happened, within limits',
    (_, notice, want) => {
      const message = requesterNotice(notice);
      expect(message.text).toContain(want);
      withinSlackLimits(message);
    },
  );

  it('shows the grant id people type', () => {
    expect(requesterNotice({ kind: 'grant_active', grant, resource }).text).toContain('G9X3M1P');
  });
});

describe('auditPost', () => {
  it('names who did what to which resource, with the ids', () => {
    const message = auditPost({
      action: 'grant.revoked',
      actor: 'latch',
      resource,
      requesterId: 'U0ALICE',
      requestId: request.id,
      grantId: grant.id,
    });
    expect(JSON.stringify(message.blocks)).toContain('Latch revoked');
    expect(JSON.stringify(message.blocks)).toContain('G9X3M1P');
  });
});
