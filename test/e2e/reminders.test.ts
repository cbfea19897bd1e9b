import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import {
  answerAt,
  approvalCard,
  auditActions,
  click,
  dmContaining,
  fileRequest,
  visible,
} from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob, admin } = PEOPLE;
const HOUR = 3600;

describe('a request nobody decides', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('reminds its approver after an hour, escalates to the fallback after four, and each may then decide', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    await approvalCard(world, bob.id, requestId);
    const cards = (userId: string) => world.slack.dmsTo(userId).filter((m) => visible(m).includes(requestId));

    // Before remind_after (1h) nothing happens; after it Bob gets the card again, once.
    world.clock.advanceSeconds(HOUR - 60);
    await world.latch.sweep();
    expect(cards(bob.id)).toHaveLength(1);
    world.clock.advanceSeconds(60);
    await world.latch.sweep();
    await world.latch.sweep();
    expect(cards(bob.id)).toHaveLength(2);
    await dmContaining(world, alice.id, 'is still waiting; Latch reminded <@U0BOB>');
    // An admin is not Bob's fallback yet: their click is refused.
    const early = await world.user.clickButton({
      userId: admin.id,
      actionId: APPROVE_ACTION,
      value: requestId,
      channelId: cards(bob.id)[0]?.channel ?? '',
      messageTs: cards(bob.id)[0]?.ts ?? '',
    });
    expect(await answerAt(world, early.responseUrl)).toContain('not an approver');

    // After escalate_after (4h) the admins are asked as well, and may approve.
    world.clock.advanceSeconds(3 * HOUR);
    await world.latch.sweep();
    const adminCard = await approvalCard(world, admin.id, requestId);
    await dmContaining(world, alice.id, 'also asked <@U0ADMIN>');
    await click(world, admin.id, APPROVE_ACTION, requestId, adminCard);
    await dmContaining(world, alice.id, 'is active until');

    // Every copy, Bob's two and the admin's, now shows the decision.
    for (const card of [...cards(bob.id), ...cards(admin.id)].filter((m) => m.channel.startsWith('D'))) {
      expect(visible(card)).toContain('Approved by <@U0ADMIN>');
    }
    expect(await auditActions(world, { requestId })).toEqual([
      'request.filed',
      'request.reminded',
      'decision.refused',
      'request.escalated',
      'request.approved',
      'grant.provisioning',
      'grant.active',
    ]);
  });
});
