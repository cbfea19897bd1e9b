import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalCard, dmContaining, fileRequest, visible } from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob, admin } = PEOPLE;

/** Slack saying no: rate limits are waited out as Slack asks; a missing channel is told to the admins. */
describe('when Slack fails', () => {
  let world: LatchWorld;
  beforeAll(async () => {
    world = await startLatchWorld({ slackRetries: true, withoutAuditChannel: true });
  });
  afterAll(async () => {
    await world.stop();
  });

  it('waits out a 429 for as long as Retry-After says, then delivers the approver’s card', async () => {
    world.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager duty');
    const card = await approvalCard(world, bob.id, requestId);
    expect(visible(card)).toContain(requestId);

    const posts = world.slack.callsTo('chat.postMessage');
    const limited = posts.find((c) => c.status === 429);
    expect(limited).toBeDefined();
    // The same message again, sent once Retry-After had passed (whatever Slack then said of it).
    const retried = posts.find(
      (c) =>
        c.at > (limited?.at ?? 0) &&
        c.args.channel === limited?.args.channel &&
        c.args.text === limited?.args.text,
    );
    expect(retried?.status).toBe(200);
    expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // Nothing was lost: the request waits for Bob, its card is on record for updating later.
    expect((await world.latch.deps.store.getRequest(requestId))?.status).toBe('pending');
    expect(await world.latch.deps.store.listSlackMessages(requestId)).toHaveLength(1);
  });

  it('tells the admins when the audit channel is gone, and the request goes on', async () => {
    const alert = await dmContaining(world, admin.id, 'cannot post to the audit channel');
    expect(visible(alert)).toContain('C0AUDIT');
    const posts = world.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0AUDIT');
    expect(posts.map((c) => c.response.error)).toContain('channel_not_found');
  });
});
