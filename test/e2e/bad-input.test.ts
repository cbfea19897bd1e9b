import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, typeCommand } from '../support/e2e-steps.js';
import { BOT_USER_ID, dmChannelOf } from '../support/fake-slack-state.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice } = PEOPLE;

describe('/access with bad input answers clearly and creates nothing', () => {
  let world: LatchWorld;
  const logs: string[] = [];
  beforeAll(async () => {
    world = await startLatchWorld({ logs });
  });
  afterAll(async () => {
    await world.stop();
  });

  it.each([
    ['request nosuch 1h x', 'There is no resource `nosuch`'],
    ['request oncall 9h x', 'longer than the medium tier allows: at most 8h'],
    ['request oncall 1m x', 'shorter than the medium tier allows: at least 5m'],
    ['request oncall soon x', '`soon` is not a duration'],
    ['request oncall 2h', 'justification is required'],
    ['admin sync now', '`admin sync` takes no arguments'],
    ['frobnicate', '`frobnicate` is not an /access command'],
    ['cancel RNOSUCH', 'There is no request `RNOSUCH`'],
    ['release GNOSUCH', 'There is no grant `GNOSUCH`'],
  ])('%j → %s', async (text, want) => {
    const answer = await typeCommand(world, alice.id, text);
    expect(answer).toContain(want);
    expect(await world.latch.deps.store.listRequests({})).toEqual([]);
    expect(world.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('refuses someone whose Slack email is not confirmed', async () => {
    world.slack.addUser({
      id: 'U0UNCONF',
      email: 'mallory@example.com',
      name: 'mallory',
      isEmailConfirmed: false,
    });
    expect(await typeCommand(world, 'U0UNCONF', 'request readonly 1h x')).toContain('not confirmed');
    expect(await world.latch.deps.store.listRequests({})).toEqual([]);
  });

  it('answers help and list', async () => {
    expect(await typeCommand(world, alice.id, 'help')).toContain(
      '/access request <resource-id> <duration> <justification…>',
    );
    expect(await typeCommand(world, alice.id, 'list')).toContain('You have no pending requests.');
  });

  it('acknowledges a button Latch no longer has, and changes nothing', async () => {
    // A message from an older Latch, whose button no listener handles now.
    const old = world.slack.seedMessage(dmChannelOf(alice.id), BOT_USER_ID, {
      blocks: [
        {
          type: 'actions',
          block_id: 'old',
          elements: [
            {
              type: 'button',
              action_id: 'latch_retired',
              text: { type: 'plain_text', text: 'Old' },
              value: 'x',
            },
          ],
        },
      ],
    });
    const click = await world.user.clickButton({
      userId: alice.id,
      actionId: 'latch_retired',
      value: 'x',
      channelId: old.channel,
      messageTs: old.ts,
    });
    // Bolt answers a request no listener acknowledged with a 404 after 3 s, which Slack shows as an error.
    expect(click.status).toBe(200);
    // Logged by Latch's listener, which may run after the answer (the front thread answered it).
    await eventually(
      () => logs.some((line) => line.includes('"actionId":"latch_retired"')),
      (logged) => logged,
    );
    expect(await world.latch.deps.store.listRequests({})).toEqual([]);
    expect(world.slack.callsTo('chat.postMessage')).toEqual([]);
  });
});
