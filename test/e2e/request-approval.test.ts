import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION, DENY_ACTION } from '../../src/slack/action-ids.js';
import {
  approvalCard,
  auditActions,
  buttonTexts,
  click,
  dmContaining,
  eventually,
  fileRequest,
  visible,
} from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob } = PEOPLE;
const MINUTE = 60;

describe('an access request from /access to on-time revocation', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('asks the manager, provisions on approval, warns before expiry and revokes on time', async () => {
    // Alice asks for the medium-tier on-call group.
    const requestId = await fileRequest(world, alice.id, 'request oncall 2h fixing the pager');

    // Bob, her manager in the policy, gets a card with exactly Approve and Deny.
    const card = await approvalCard(world, bob.id, requestId);
    expect(buttonTexts(card)).toEqual(['Approve', 'Deny']);
    expect(visible(card)).toContain('fixing the pager');
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(false);

    await click(world, bob.id, APPROVE_ACTION, requestId, card);

    // Alice is in the Identity Center group and told until when; the audit channel hears of it.
    const active = await dmContaining(world, alice.id, 'is active until');
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(true);
    const grantId = /`(G[0-9A-Z]{6})`/.exec(visible(active))?.[1] ?? '';
    expect(grantId).not.toBe('');
    await eventually(
      () => world.slack.messagesIn('C0AUDIT').map(visible).join('\n'),
      (audit) => audit.includes(grantId),
    );
    // Bob's copy now says who decided and has no buttons.
    const updated = world.slack.messagesIn(card.channel).find((m) => m.ts === card.ts);
    expect(buttonTexts(updated)).toEqual([]);
    expect(visible(updated)).toContain('Approved by <@U0BOB>');

    // 1h45m in: the 15-minute warning, once.
    world.clock.advanceSeconds(105 * MINUTE);
    await world.latch.sweep();
    await world.latch.sweep();
    expect(world.slack.dmsTo(alice.id).filter((m) => visible(m).includes('⏳'))).toHaveLength(1);
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(true);

    // 2h in: the membership is gone, Alice is told, the audit channel records it.
    world.clock.advanceSeconds(15 * MINUTE);
    await world.latch.sweep();
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(false);
    await dmContaining(world, alice.id, 'has ended');
    expect(world.slack.messagesIn('C0AUDIT').map(visible).join('\n')).toContain('Latch revoked');
    // One thread per request: the first post leads, every later one replies under it.
    const [lead, ...replies] = world.slack.messagesIn('C0AUDIT');
    expect(lead?.threadTs).toBeUndefined();
    expect(replies.length).toBeGreaterThanOrEqual(3);
    for (const reply of replies) expect(reply.threadTs).toBe(lead?.ts);

    expect(await auditActions(world, { requestId })).toEqual([
      'request.filed',
      'request.approved',
      'grant.provisioning',
      'grant.active',
      'grant.warned',
      'grant.revoking',
      'grant.revoked',
    ]);
  });

  it('auto-approves a low-tier resource without asking anyone', async () => {
    const requestId = await fileRequest(world, alice.id, 'request readonly 1h reading the dashboards');

    await dmContaining(world, alice.id, 'is active until');
    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(true);
    expect(world.slack.dmsTo(bob.id)).toEqual([]);
    expect(await auditActions(world, { requestId })).toEqual([
      'request.filed',
      'request.approved',
      'grant.provisioning',
      'grant.active',
    ]);
  });

  it('asks the denier why, tells the requester who denied and why, and provisions nothing', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h curious');
    const card = await approvalCard(world, bob.id, requestId);

    await click(world, bob.id, DENY_ACTION, requestId, card);
    await world.slack.waitForCall('views.open', (args) => args.view?.callback_id === 'latch_deny_modal');
    const denied = await world.user.submitView({
      userId: bob.id,
      callbackId: 'latch_deny_modal',
      values: {
        latch_reason: {
          latch_reason_input: { type: 'plain_text_input', value: 'use the read-only role <!here>' },
        },
      },
    });
    expect(denied.status).toBe(200);

    const notice = await dmContaining(world, alice.id, 'was denied by <@U0BOB>');
    expect(visible(notice)).toContain('use the read-only role &lt;!here&gt;');
    const updated = world.slack.messagesIn(card.channel).find((m) => m.ts === card.ts);
    expect(visible(updated)).toContain('Denied by <@U0BOB>');
    expect(buttonTexts(updated)).toEqual([]);
    expect(world.aws.calls.filter((c) => c.operation === 'CreateGroupMembership')).toEqual([]);
    expect(await world.latch.deps.store.listGrants({ requesterId: alice.id })).toEqual([]);
  });

  it('refuses a deny from someone who is not the approver, inside the form', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h curious');
    const card = await approvalCard(world, bob.id, requestId);
    await click(world, PEOPLE.eve.id, DENY_ACTION, requestId, card);
    await world.slack.waitForCall('views.open', (args) => args.view?.private_metadata === requestId);

    const refused = await world.user.submitView({
      userId: PEOPLE.eve.id,
      callbackId: 'latch_deny_modal',
      values: { latch_reason: { latch_reason_input: { type: 'plain_text_input', value: 'no' } } },
    });

    expect(refused.body).toMatchObject({
      response_action: 'errors',
      errors: { latch_reason: expect.stringContaining('not an approver') },
    });
    expect((await world.latch.deps.store.getRequest(requestId))?.status).toBe('pending');
  });
});
