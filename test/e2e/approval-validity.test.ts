import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import {
  approvalCard,
  click,
  dmContaining,
  fileRequest,
  typeCommand,
  visible,
} from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob } = PEOPLE;

describe('approval validity: the second expiration', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('re-activates the same access without asking again while the approval is valid, and asks once it lapsed', async () => {
    // The fixture's medium tier keeps an approval valid for 1h.
    const first = await fileRequest(world, alice.id, 'request oncall 30m pager');
    await click(world, bob.id, APPROVE_ACTION, first, await approvalCard(world, bob.id, first));
    await dmContaining(world, alice.id, 'is active until');
    world.clock.advanceSeconds(31 * 60);
    await world.latch.sweep();
    await dmContaining(world, alice.id, 'has ended');
    const cardsBefore = world.slack.dmsTo(bob.id).length;

    const answer = await typeCommand(world, alice.id, 'request oncall 20m pager again');
    expect(answer).toContain(`re-activates your approval from request \`${first}\``);
    await eventuallyActiveTwice(world);
    expect(world.slack.dmsTo(bob.id)).toHaveLength(cardsBefore);
    const [again] = await world.latch.deps.store.listRequests({ requesterId: alice.id });
    const audit = await world.latch.deps.store.listAudit({ requestId: again?.id ?? '' });
    expect(audit.find((e) => e.action === 'request.approved')?.detail).toMatchObject({
      reactivationOf: first,
      approvedBy: bob.id,
    });

    // 61 minutes after Bob's approval it has lapsed: Bob is asked again.
    world.clock.advanceSeconds(30 * 60);
    const third = await fileRequest(world, alice.id, 'request oncall 20m once more');
    expect(visible(await approvalCard(world, bob.id, third))).toContain(third);
  });
});

async function eventuallyActiveTwice(world: LatchWorld): Promise<void> {
  const deadline = Date.now() + 5000;
  while (world.slack.dmsTo(alice.id).filter((m) => visible(m).includes('is active until')).length < 2) {
    if (Date.now() > deadline) throw new Error('the re-activated grant never became active');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
