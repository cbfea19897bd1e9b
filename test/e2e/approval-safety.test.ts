import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import {
  answerAt,
  approvalCard,
  auditActions,
  buttonTexts,
  click,
  dmContaining,
  eventually,
  fileRequest,
  visible,
} from '../support/e2e-steps.js';
import { signSlackRequest } from '../support/sign-slack-request.js';
import { type LatchWorld, PEOPLE, SIGNING_SECRET, startLatchWorld } from '../support/start-latch.js';

const { alice, bob, eve, admin } = PEOPLE;

describe('who may approve, and how often', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('rejects a slash command whose signature does not verify, and creates nothing', async () => {
    const body = new URLSearchParams({
      command: '/access',
      text: 'request readonly 1h forged',
      user_id: alice.id,
      team_id: world.slack.teamId,
    }).toString();
    const wrongSecret = signSlackRequest('not-the-secret', body);
    const stale = signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) - 6 * 60);

    for (const headers of [wrongSecret, stale, {}]) {
      const result = await world.user.raw(body, {
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      });
      expect(result.status).toBe(401);
    }
    expect(await world.latch.deps.store.listRequests({ requesterId: alice.id })).toEqual([]);
    expect(world.aws.calls.filter((c) => c.operation === 'CreateGroupMembership')).toEqual([]);
  });

  it('changes nothing when someone who is not the approver clicks Approve, and audits the attempt', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const card = await approvalCard(world, bob.id, requestId);

    // Eve replays Bob's button from her own session.
    const { responseUrl } = await click(world, eve.id, APPROVE_ACTION, requestId, card);

    expect(await answerAt(world, responseUrl)).toContain('You are not an approver');
    expect((await world.latch.deps.store.getRequest(requestId))?.status).toBe('pending');
    expect(world.aws.calls.filter((c) => c.operation === 'CreateGroupMembership')).toEqual([]);
    expect(buttonTexts(world.slack.messagesIn(card.channel).find((m) => m.ts === card.ts))).toEqual([
      'Approve',
      'Deny',
    ]);
    expect(await auditActions(world, { requestId })).toEqual(['request.filed', 'decision.refused']);
  });

  it('never lets the requester approve their own request', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const card = await approvalCard(world, bob.id, requestId);

    const { responseUrl } = await click(world, alice.id, APPROVE_ACTION, requestId, card);

    expect(await answerAt(world, responseUrl)).toContain('cannot decide your own request');
    expect((await world.latch.deps.store.getRequest(requestId))?.status).toBe('pending');
  });

  it('sends a self-managed requester’s request to the admins instead', async () => {
    // Bob is his own manager in the policy, so the step falls back to the admins.
    const requestId = await fileRequest(world, bob.id, 'request oncall 1h rotating keys');

    const card = await approvalCard(world, admin.id, requestId);
    expect(world.slack.dmsTo(bob.id).some((m) => buttonTexts(m).includes('Approve'))).toBe(false);
    await click(world, admin.id, APPROVE_ACTION, requestId, card);
    await dmContaining(world, bob.id, 'is active until');
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.bob)).toBe(true);
  });

  it('provisions once when the approver double-clicks', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const card = await approvalCard(world, bob.id, requestId);

    await Promise.all([
      click(world, bob.id, APPROVE_ACTION, requestId, card),
      click(world, bob.id, APPROVE_ACTION, requestId, card),
    ]);

    await dmContaining(world, alice.id, 'is active until');
    await world.slack.waitForResponse((body) => String(body.text).includes('already approved'));
    expect(world.aws.calls.filter((c) => c.operation === 'CreateGroupMembership')).toHaveLength(1);
    expect(await world.latch.deps.store.listGrants({ requesterId: alice.id })).toHaveLength(1);
    expect((await auditActions(world, { requestId })).filter((a) => a === 'request.approved')).toHaveLength(
      1,
    );
    expect(world.slack.dmsTo(alice.id).filter((m) => visible(m).includes('is active until'))).toHaveLength(1);
  });

  it('retries provisioning when AWS throttles, and reports a user AWS does not know', async () => {
    world.aws.failNext('CreateGroupMembership', { status: 400, type: 'ThrottlingException', times: 2 });
    await fileRequest(world, alice.id, 'request readonly 1h dashboards');
    // Two throttles exhaust the SDK's two attempts; the sweep tries again after the backoff.
    await eventually(
      async () => (await world.latch.deps.store.listGrants({ requesterId: alice.id }))[0]?.lastError ?? '',
      (e) => e.includes('Throttling'),
    );
    world.clock.advanceSeconds(10);
    await world.latch.sweep();
    await dmContaining(world, alice.id, 'is active until');
    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(true);

    world.slack.addUser({ id: 'U0NOAWS', email: 'ghost@example.com', name: 'ghost', isEmailConfirmed: true });
    await fileRequest(world, 'U0NOAWS', 'request readonly 1h dashboards');
    await dmContaining(world, 'U0NOAWS', 'could not give you access');
    await eventually(
      () => world.slack.dmsTo(admin.id).map(visible).join(' '),
      (text) => text.includes('ghost@example.com'),
    );
  });
});
