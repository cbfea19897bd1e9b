import { describe, expect, it } from 'vitest';
import type { AccessRequest, AuditEvent, Grant, Resource, Tier } from '../../core/model.js';
import type { RequesterNotice } from '../../core/ports.js';
import type { HomeData } from '../../core/use-cases/home-data.js';
import { appHomeView } from './app-home.js';
import { approvalCard } from './approval-card.js';
import { auditPost } from './audit-post.js';
import { denyModal } from './deny-modal.js';
import { helpText } from './help.js';
import { insightsDigestText } from './insights-digest-text.js';
import { insightsText } from './insights-text.js';
import { MAX_MESSAGE_BLOCKS, MAX_SECTION_TEXT, MAX_VIEW_BLOCKS } from './mrkdwn.js';
import { myAccessText, resourcesText } from './my-access.js';
import { requestModal } from './request-modal.js';
import { requesterNotice } from './requester-notice.js';
import { reviewCard } from './review-card.js';

// Slack's limits (docs.slack.dev Block Kit reference; PLATFORM.md A2).
const LIMITS = {
  actionId: 255,
  blockId: 255,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 75,
  header: 150,
  modalTitle: 24,
  privateMetadata: 3000,
};

const huge = '<!channel> & '.repeat(1000); // 13,000 characters of markup-heavy text
const at = new Date('2026-11-21T10:00:00Z');
const resource: Resource = {
  id: 'r'.repeat(63),
  name: huge,
  kind: 'sso_group',
  groupId: 'g',
  tier: 'medium',
  owners: [],
  enforce: false,
};
const tier: Tier = {
  name: 'medium',
  steps: [],
  minDurationSeconds: 10,
  maxDurationSeconds: 7 * 86_400,
  approvalValiditySeconds: 0,
  warnBeforeSeconds: 900,
  breakGlass: false,
  breakGlassDurationSeconds: 3600,
};
const request: AccessRequest = {
  id: 'R7K2MQ4',
  requesterId: 'U0ALICE',
  requesterEmail: 'a@example.com',
  resourceId: resource.id,
  durationSeconds: 3600,
  justification: huge,
  ticket: huge,
  status: 'pending',
  currentStep: 0,
  createdAt: at,
  expiresAt: at,
};
const grant: Grant = {
  id: 'G9X3M1P',
  requestId: request.id,
  requesterId: 'U0ALICE',
  requesterEmail: 'a@example.com',
  resourceId: resource.id,
  durationSeconds: 3600,
  status: 'active',
  attempts: 99,
  nextAttemptAt: at,
  createdAt: at,
  expiresAt: at,
  lastError: huge,
};
const audit: AuditEvent = { at, actor: 'U0ALICE', action: 'request.filed', requestId: request.id };

/** Walks a payload and checks every limit Slack enforces on what Latch sends. */
function checkLimits(
  payload: { blocks: unknown[]; title?: { text: string }; private_metadata?: string },
  maxBlocks: number,
): void {
  expect(payload.blocks.length).toBeLessThanOrEqual(maxBlocks);
  if (payload.title) expect(payload.title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
  if (payload.private_metadata)
    expect(payload.private_metadata.length).toBeLessThanOrEqual(LIMITS.privateMetadata);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (!node || typeof node !== 'object') return;
    // biome-ignore lint/suspicious/noExplicitAny: walks arbitrary Block Kit JSON
    const o = node as Record<string, any>;
    if (typeof o.action_id === 'string') expect(o.action_id.length).toBeLessThanOrEqual(LIMITS.actionId);
    if (typeof o.block_id === 'string') expect(o.block_id.length).toBeLessThanOrEqual(LIMITS.blockId);
    if (o.type === 'header') expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.header);
    if (o.confirm?.title) {
      expect(o.confirm.title.text.length).toBeLessThanOrEqual(100);
      expect(o.confirm.text.text.length).toBeLessThanOrEqual(300);
    }
    if (o.type === 'button') {
      expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
      expect(String(o.value ?? '').length).toBeLessThanOrEqual(LIMITS.buttonValue);
    }
    if (o.type !== 'button' && o.text && typeof o.text === 'object' && 'value' in o) {
      expect(o.text.text.length).toBeLessThanOrEqual(LIMITS.optionText);
      expect(String(o.value).length).toBeLessThanOrEqual(LIMITS.optionValue);
    }
    if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') {
      expect(o.text.length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
      if (o.type === 'mrkdwn') expect(o.text).not.toContain('<!channel>');
    }
    Object.values(o).forEach(walk);
  };
  walk(payload.blocks);
}

const notices: RequesterNotice[] = [
  { kind: 'request_filed', request, resource, approvers: Array(50).fill('U0BOB') },
  { kind: 'request_approved', request, resource, by: 'U0BOB' },
  { kind: 'request_denied', request, resource, by: 'U0BOB', reason: huge },
  { kind: 'request_expired', request, resource },
  { kind: 'request_reminded', request, resource, approvers: Array(50).fill('U0BOB') },
  { kind: 'request_escalated', request, resource, approvers: Array(50).fill('U0BOB') },
  { kind: 'grant_active', grant, resource },
  { kind: 'grant_failed', grant, resource, reason: huge },
  { kind: 'grant_expiring', grant, resource },
  { kind: 'grant_ended', grant, resource },
  {
    kind: 'grant_activity',
    grant: {
      ...grant,
      activity: {
        events: 1e6,
        writeEvents: 1e5,
        eventNames: Array.from({ length: 200 }, () => ({ name: huge, count: 5 })),
        errors: Array.from({ length: 200 }, () => ({ code: huge, count: 5 })),
      },
    },
    resource,
  },
];

describe('every Block Kit builder stays inside Slack’s limits with worst-case input', () => {
  it('approval cards, open and decided', () => {
    const card = {
      request,
      resource,
      step: 0,
      stepCount: 3,
      approvedBy: Array(40).fill('U0BOB'),
      history: { days: 30, earlierRequests: 999, lastGrantedAt: at },
    };
    checkLimits(approvalCard(card), MAX_MESSAGE_BLOCKS);
    checkLimits(
      approvalCard({ ...card, outcome: { status: 'denied', by: 'U0BOB', at, reason: huge } }),
      MAX_MESSAGE_BLOCKS,
    );
  });

  it.each(notices.map((notice) => [notice.kind, notice] as const))('requester notice %s', (_, notice) => {
    checkLimits(requesterNotice(notice), MAX_MESSAGE_BLOCKS);
  });

  it('break-glass review cards, open and reviewed', () => {
    checkLimits(reviewCard({ request, resource }), MAX_MESSAGE_BLOCKS);
    checkLimits(
      reviewCard({ request, resource, review: { verdict: 'flagged', by: 'U0BOB', at } }),
      MAX_MESSAGE_BLOCKS,
    );
  });

  it('audit posts', () => {
    checkLimits(
      auditPost({
        action: 'request.filed',
        actor: 'U0ALICE',
        resource,
        requesterId: 'U0ALICE',
        requestId: request.id,
        text: huge,
      }),
      MAX_MESSAGE_BLOCKS,
    );
  });

  it('the request form, before and after a resource is chosen, and the deny form', () => {
    checkLimits(requestModal(), MAX_VIEW_BLOCKS);
    checkLimits(requestModal({ resource, tier }), MAX_VIEW_BLOCKS);
    checkLimits(denyModal(request.id), MAX_VIEW_BLOCKS);
  });

  it('App Home with every list long and every section expanded', () => {
    const many = <T>(item: T) => Array.from({ length: 60 }, () => item);
    const data: HomeData = {
      viewer: { slackUserId: 'U0ADMIN', name: huge },
      isAdmin: true,
      myGrants: many(grant),
      myPending: many(request),
      toDecide: many(request),
      admin: {
        activeGrants: many(grant),
        stuckRevocations: many(grant),
        catalog: many(resource),
        tiers: ['t'.repeat(63), 'low', 'medium'],
        rarelyUsed: many({ resourceId: huge, grants: 9, idle: 9 }),
        drift: many({ resourceId: huge, principalId: huge, foundAt: new Date(0), lastSeenAt: new Date(0) }),
        recentAudit: many(audit),
        insights: {
          readAt: new Date(0),
          failures: 3,
          principals: many({ label: huge, score: 100, reasons: [huge, huge] }),
          recommendations: many({
            id: 'x'.repeat(2000),
            title: huge,
            risk: 100,
            action: 'iam:UpdateAccessKey',
            canApply: true,
          }),
        },
      },
    };
    checkLimits(appHomeView(data), MAX_VIEW_BLOCKS);
    // The insights section survives the cut to 100 blocks: 5 of its recommendations, each with Apply.
    const applyButtons = JSON.stringify(appHomeView(data).blocks).match(/"action_id":"latch_insight_apply:/g);
    expect(applyButtons?.length).toBe(5);
    checkLimits(
      appHomeView(
        data,
        new Set([
          'grants',
          'pending',
          'decide',
          'all-grants',
          'stuck',
          'drift',
          'risks',
          'recommendations',
          'rarely-used',
          'catalog',
          'audit',
        ]),
      ),
      MAX_VIEW_BLOCKS,
    );
  });

  it('plain-text answers fit one section', () => {
    expect(
      myAccessText({ pending: Array(200).fill(request), grants: Array(200).fill(grant) }).length,
    ).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    expect(resourcesText(Array(200).fill(resource), huge).length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
    expect(helpText().length).toBeLessThanOrEqual(MAX_SECTION_TEXT);
  });

  it('insights answers and the digest stay within a message’s text, escaped, however much AWS holds', () => {
    // chat.postMessage truncates text past 40,000 characters (PLATFORM.md).
    const line = { label: huge, score: 100, reasons: [huge, huge] };
    const many = <T>(item: T) => Array.from({ length: 500 }, () => item);
    const answer = insightsText({
      runId: 1,
      readAt: new Date(0),
      failures: many({ accountId: '333333333333', step: huge, error: huge }),
      accounts: many(line),
      principals: many(line),
      recommendations: many({
        id: huge,
        title: huge,
        risk: 100,
        action: 'iam:UpdateAccessKey',
        canApply: false,
      }),
    });
    const digest = insightsDigestText({
      readAt: new Date(0),
      sinceReadAt: new Date(0),
      newRisks: many({ label: huge, score: 1 }),
      resolvedRisks: many({ label: huge, score: 1 }),
      scoreChanges: many({ kind: 'principal', label: huge, from: 1, to: 2 }),
      newRecommendations: many({ title: huge, risk: 1 }),
      resolvedRecommendations: many({ title: huge, risk: 1 }),
      risks: 500,
      recommendations: 500,
      failures: 3,
    });
    for (const text of [answer, digest]) {
      expect(text.length).toBeLessThanOrEqual(40_000);
      expect(text).not.toContain('<!channel>');
    }
  });
});
