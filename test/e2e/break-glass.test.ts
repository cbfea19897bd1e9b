import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACKNOWLEDGE_ACTION, FLAG_ACTION } from '../../src/slack/action-ids.js';
import {
  answerAt,
  auditActions,
  buttonTexts,
  dmContaining,
  eventually,
  typeCommand,
  visible,
} from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob, eve, admin } = PEOPLE;

describe('/access breakglass', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('grants at once for the tier’s break-glass time, announces it, and asks the approvers to review', async () => {
    const answer = await typeCommand(world, alice.id, 'breakglass oncall primary database is down');

    expect(answer).toContain('granted for 30m');
    // The answer can come a moment before the membership under load (cause not yet found; see the note).
    await eventually(() => world.aws.isMember(world.groups.oncall, world.awsUsers.alice), Boolean, 5000);
    await eventually(
      () => world.slack.messagesIn('C0AUDIT').map(visible).join(' '),
      (text) => text.includes('BREAK-GLASS'),
    );
    const card = await dmContaining(world, bob.id, 'used *break-glass*');
    expect(buttonTexts(card)).toEqual(['Acknowledge', 'Flag']);
    expect(visible(card)).toContain('primary database is down');

    // Only an approver may review, and never the person who used it.
    const [request] = await world.latch.deps.store.listRequests({ requesterId: alice.id });
    const byEve = await world.user.clickButton({
      userId: eve.id,
      actionId: FLAG_ACTION,
      value: request?.id ?? '',
      channelId: card.channel,
      messageTs: card.ts,
    });
    expect(await answerAt(world, byEve.responseUrl)).toContain('not an approver');
    const bySelf = await world.user.clickButton({
      userId: alice.id,
      actionId: ACKNOWLEDGE_ACTION,
      value: request?.id ?? '',
      channelId: card.channel,
      messageTs: card.ts,
    });
    expect(await answerAt(world, bySelf.responseUrl)).toContain('cannot decide your own request');

    await world.user.clickButton({
      userId: bob.id,
      actionId: FLAG_ACTION,
      value: request?.id ?? '',
      channelId: card.channel,
      messageTs: card.ts,
    });
    await dmContaining(world, admin.id, 'flagged the break-glass use of oncall');
    const reviewed = world.slack.messagesIn(card.channel).find((m) => m.ts === card.ts);
    expect(visible(reviewed)).toContain('Flagged by <@U0BOB>');
    expect(buttonTexts(reviewed)).toEqual([]);

    // It ends on time like any grant.
    world.clock.advanceSeconds(30 * 60);
    await world.latch.sweep();
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(false);
    expect(await auditActions(world, { requestId: request?.id ?? '' })).toEqual([
      'request.break_glass',
      'grant.provisioning',
      'grant.active',
      'break_glass.flagged',
      'grant.revoking',
      'grant.revoked',
    ]);
  });

  it('is refused where the tier does not allow it, and creates nothing', async () => {
    expect(await typeCommand(world, alice.id, 'breakglass readonly need it')).toContain(
      'does not allow break-glass',
    );
    expect(await world.latch.deps.store.listRequests({})).toEqual([]);
  });
});
