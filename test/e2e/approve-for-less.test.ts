import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  answerAt,
  approvalCard,
  dmContaining,
  fileRequest,
  sendInteraction,
  visible,
} from '../support/e2e-steps.js';
import type { StoredMessage } from '../support/fake-slack-server.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob } = PEOPLE;

/** What Slack sends when an approver picks "Approve for …" in a card's menu. */
async function approveFor(world: LatchWorld, card: StoredMessage, value: string): Promise<string> {
  const responseUrl = world.slack.newResponseUrl();
  const result = await sendInteraction(world, {
    type: 'block_actions',
    user: { id: bob.id, name: 'bob', team_id: world.slack.teamId },
    team: { id: world.slack.teamId, domain: 'fake' },
    trigger_id: world.slack.newTriggerId(),
    response_url: responseUrl,
    container: { type: 'message', channel_id: card.channel, message_ts: card.ts },
    channel: { id: card.channel },
    message: { ts: card.ts, text: card.text, blocks: card.blocks },
    actions: [
      {
        type: 'static_select',
        action_id: 'latch_approve_for',
        block_id: 'decide',
        selected_option: { value },
        action_ts: '1.0',
      },
    ],
  });
  expect(result.status).toBe(200);
  return responseUrl;
}

describe('approving for less time than asked', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('offers shorter durations on the card, grants the shorter one and tells the requester', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 2h pager');
    const card = await approvalCard(world, bob.id, requestId);
    expect(visible(card)).toContain('Approve for 30m');
    expect(visible(card)).not.toContain('Approve for 2h');

    // A forged option asking for more than the request is refused and changes nothing.
    const forged = await approveFor(world, card, `${requestId}|4h`);
    expect(await answerAt(world, forged)).toContain('longer than');
    expect((await world.latch.deps.store.getRequest(requestId))?.status).toBe('pending');

    await approveFor(world, card, `${requestId}|30m`);
    await dmContaining(world, alice.id, 'for *30m* instead of the 2h you asked for');
    await dmContaining(world, alice.id, 'is active until');
    const [grant] = await world.latch.deps.store.listGrants({ requesterId: alice.id });
    expect(grant?.durationSeconds).toBe(1800);

    world.clock.advanceSeconds(30 * 60);
    await world.latch.sweep();
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(false);
  });
});
