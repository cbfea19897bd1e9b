import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import { approvalCard, click, dmContaining, eventually, fileRequest, visible } from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob } = PEOPLE;

/** What an approver clearing a queue meets: Slack's rate limits must not hold up the access. */
describe('approvals while Slack is slow', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld({ slackRetries: true });
  });
  afterEach(async () => {
    await world.stop();
  });

  it('provisions while the audit channel is rate-limited, and tells "approved" before "active"', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager duty');
    const card = await approvalCard(world, bob.id, requestId);
    const auditPosts = () =>
      world.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0AUDIT');
    const postedBefore = auditPosts().length;
    // The audit channel takes about one message a second; this one must wait 2 s.
    world.slack.failNext('chat.postMessage', {
      status: 429,
      retryAfterSeconds: 2,
      match: (args) => args.channel === 'C0AUDIT',
    });

    await click(world, bob.id, APPROVE_ACTION, requestId, card);

    // Alice is in the group while the audit post of the approval still waits out its 429.
    await eventually(
      () => world.aws.isMember(world.groups.oncall, world.awsUsers.alice),
      (member) => member,
    );
    expect(
      auditPosts()
        .slice(postedBefore)
        .map((c) => c.status),
    ).toEqual([429]);

    // Then everything is told, each in order: the approval first, the active grant after it.
    await dmContaining(world, alice.id, 'is active until');
    const dms = world.slack.dmsTo(alice.id).map(visible);
    const approvedDm = dms.findIndex((text) => text.includes('approved'));
    expect(approvedDm).toBeGreaterThanOrEqual(0);
    expect(approvedDm).toBeLessThan(dms.findIndex((text) => text.includes('is active until')));
    const thread = await eventually(
      () => world.slack.messagesIn('C0AUDIT').map(visible),
      (texts) => texts.some((text) => text.includes('active')),
    );
    const approvedPost = thread.findIndex((text) => /approved/i.test(text));
    expect(approvedPost).toBeGreaterThanOrEqual(0);
    expect(approvedPost).toBeLessThan(thread.findIndex((text) => /active/i.test(text)));
  });

  it('reads an approver’s Slack profile once for a run of clicks', async () => {
    const requestIds = [];
    for (const why of ['one', 'two', 'three']) {
      requestIds.push(await fileRequest(world, alice.id, `request oncall 1h pager ${why}`));
    }
    const cards = await Promise.all(requestIds.map((id) => approvalCard(world, bob.id, id)));
    const bobReadsBefore = world.slack.callsTo('users.info').filter((c) => c.args.user === bob.id).length;

    for (const [i, card] of cards.entries()) {
      await click(world, bob.id, APPROVE_ACTION, requestIds[i] ?? '', card);
    }

    for (const id of requestIds) {
      await eventually(
        async () => (await world.latch.deps.store.getRequest(id))?.status,
        (status) => status === 'approved',
      );
    }
    const bobReads = world.slack.callsTo('users.info').filter((c) => c.args.user === bob.id).length;
    expect(bobReads - bobReadsBefore).toBeLessThanOrEqual(1);
  });
});
