import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import {
  approvalCard,
  buttonTexts,
  click,
  dmContaining,
  eventually,
  fileRequest,
  type HomeView,
  shows,
  visible,
} from '../support/e2e-steps.js';
import { ACCOUNTS, type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

/*
 * Issue 6, Slack faults: 429 with Retry-After, 5xx and timeouts on chat.postMessage, chat.update and
 * views.publish. Messages are retried until Slack takes them; where they cannot be, the change they
 * announce stands and the failure is logged. test/e2e/slack-failures.test.ts covers a 429 on an
 * approver's card and a deleted audit channel.
 */
const { alice, bob } = PEOPLE;
/** Latch's own retry policy and its per-attempt timeout, with Slack answering within it. */
const SLACK_TIMEOUT_MS = 1000;

/** Files a request and waits (past a Slack timeout and its retry) for the answer naming its id. */
async function fileRequestSlowly(world: LatchWorld, text: string): Promise<string> {
  const sent = await world.user.command({ userId: alice.id, text });
  const id = sent.responseUrl.slice(sent.responseUrl.lastIndexOf('/') + 1);
  const answer = await eventually(
    () => world.slack.responses.find((r) => r.id === id),
    (r) => r !== undefined,
    15_000,
  );
  const requestId = /`(R[0-9A-Z]{6})`/.exec(String(answer?.body.text))?.[1];
  if (!requestId) throw new Error(`no request id in ${JSON.stringify(answer?.body)}`);
  return requestId;
}

const logged = (logs: string[], message: string) =>
  logs
    .map((line) => JSON.parse(line) as { msg: string; what?: string; level: number })
    .filter((l) => l.msg === message);

describe('Slack failing while Latch works', () => {
  let world: LatchWorld;
  const logs: string[] = [];
  beforeAll(async () => {
    world = await startLatchWorld({
      slackRetries: true,
      slackClientOptions: { timeout: SLACK_TIMEOUT_MS },
      logs,
    });
  });
  afterAll(async () => {
    await world.stop();
  });

  it('waits out a 429 on chat.update for as long as Retry-After says, then shows the decision on the card', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h rate limited update');
    const card = await approvalCard(world, bob.id, requestId);
    world.slack.failNext('chat.update', { status: 429, retryAfterSeconds: 1 });

    await click(world, bob.id, APPROVE_ACTION, requestId, card);

    const updated = await eventually(
      () => world.slack.messagesIn(card.channel).find((m) => m.ts === card.ts),
      (m) => buttonTexts(m).length === 0,
      10_000,
    );
    expect(visible(updated)).toContain('Approved by <@U0BOB>');
    const updates = world.slack.callsTo('chat.update').filter((c) => c.args.ts === card.ts);
    expect(updates.map((c) => c.status)).toEqual([429, 200]);
    expect((updates[1]?.at ?? 0) - (updates[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
    await dmContaining(world, alice.id, 'is active until');
  });

  it('retries a chat.postMessage that timed out, and the approver gets the card once', async () => {
    world.slack.failNext('chat.postMessage', {
      hangMs: 10 * SLACK_TIMEOUT_MS,
      match: (args) => args.channel === bob.id,
    });
    // prod-admin: its tier (critical) asks again every time, so bob gets a card.
    const requestId = await fileRequestSlowly(world, 'request prod-admin 30m card timed out');

    const card = await approvalCard(world, bob.id, requestId);
    expect(world.slack.dmsTo(bob.id).filter((m) => visible(m).includes(requestId))).toEqual([card]);
    const posts = world.slack.callsTo('chat.postMessage');
    expect(posts.map((c) => c.status)).toContain(0);
    expect(await world.latch.deps.store.listSlackMessages(requestId)).toHaveLength(1);
  });

  it('retries a views.publish that timed out, and App Home is drawn', async () => {
    world.slack.failNext('views.publish', {
      hangMs: 10 * SLACK_TIMEOUT_MS,
      match: (args) => args.user_id === alice.id,
    });
    const before = world.slack.callsTo('views.publish').length;
    const opened = await world.user.event({ type: 'app_home_opened', user: alice.id, tab: 'home' });
    expect(opened.status).toBe(200);

    await eventually(
      () =>
        world.slack
          .callsTo('views.publish')
          .slice(before)
          .filter((c) => c.args.user_id === alice.id)
          .map((c) => c.status),
      (statuses) => statuses.includes(0) && statuses.at(-1) === 200,
      15_000,
    );
    expect(shows(world.slack.homeView(alice.id) as HomeView)).toContain('Your grants');
  });

  it('takes access away on time while Slack answers 5xx, and tells the requester once Slack is back', async () => {
    // Arrange: two grants of alice's, in Identity Center and in an IAM account.
    const requestIds = [
      await fileRequest(world, alice.id, 'request readonly 1h slack outage'),
      await fileRequest(world, alice.id, 'request dev-readonly 1h slack outage'),
    ];
    const grantsOf = async () =>
      (await world.latch.deps.store.listGrants({ requesterId: alice.id })).filter((g) =>
        requestIds.includes(g.requestId),
      );
    await eventually(grantsOf, (grants) => grants.filter((g) => g.status === 'active').length === 2);

    // Act: Slack fails every message; the grants expire and the sweep runs.
    world.slack.failNext('chat.postMessage', { status: 503, times: 10_000 });
    world.clock.advanceSeconds(3601);
    const started = Date.now();
    const sweep = world.latch.sweep();

    // Assert: AWS access is gone within seconds, whatever Slack does.
    await eventually(
      () =>
        !world.aws.isMember(world.groups.readonly, world.awsUsers.alice) &&
        world.aws.iam.groupsOf(ACCOUNTS.dev, 'alice.dev').length === 0,
      Boolean,
      5000,
    );
    const revokedWithinMs = Date.now() - started;
    const revoked = await eventually(grantsOf, (grants) => grants.every((g) => g.status === 'revoked'));
    expect(world.slack.callsTo('chat.postMessage').some((c) => c.status === 503)).toBe(true);
    world.slack.clearFaults();
    await sweep;
    for (const grant of revoked) {
      const told = world.slack
        .dmsTo(alice.id)
        .filter((m) => visible(m).includes('has ended') && visible(m).includes(grant.id));
      expect(told).toHaveLength(1);
    }
    console.info(
      `slack outage figures ${JSON.stringify({ revokedWithinMs, failedPosts: world.slack.callsTo('chat.postMessage').filter((c) => c.status === 503).length })}`,
    );
  });
});

describe('Slack failing past every retry', () => {
  let world: LatchWorld;
  const logs: string[] = [];
  beforeAll(async () => {
    world = await startLatchWorld({
      slackRetries: true,
      slackClientOptions: { timeout: 300, retryConfig: { retries: 1, minTimeout: 50, maxTimeout: 50 } },
      logs,
    });
  });
  afterAll(async () => {
    await world.stop();
  });

  it('keeps an approval and its grant when no card, DM or App Home can be updated, and logs each failure', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h slack gives up');
    const card = await approvalCard(world, bob.id, requestId);
    // From here Slack answers nothing useful: updates fail, DMs fail, App Home hangs.
    world.slack.failNext('chat.update', { status: 500, times: 100 });
    world.slack.failNext('chat.postMessage', { status: 502, times: 100 });
    world.slack.failNext('views.publish', { hangMs: 60_000, times: 100 });

    await click(world, bob.id, APPROVE_ACTION, requestId, card);

    // The decision and the access stand.
    await eventually(
      async () => (await world.latch.deps.store.listGrants({ requesterId: alice.id })).map((g) => g.status),
      (statuses) => statuses.includes('active'),
      10_000,
    );
    expect((await world.latch.deps.store.getRequest(requestId))?.status).toBe('approved');
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(true);
    // Slack never took the messages about it, and each failure is in the log.
    const failures = await eventually(
      () => logged(logs, 'side effect after commit failed').map((l) => l.what),
      (whats) =>
        whats.includes('update approval card') &&
        whats.includes('tell requester of decision') &&
        whats.includes('tell requester grant active'),
      10_000,
    );
    expect(world.slack.dmsTo(alice.id).some((m) => visible(m).includes('is active until'))).toBe(false);
    expect(buttonTexts(world.slack.messagesIn(card.channel).find((m) => m.ts === card.ts))).toContain(
      'Approve',
    );
    // Alice opens App Home: it cannot be drawn, which is logged too.
    expect((await world.user.event({ type: 'app_home_opened', user: alice.id, tab: 'home' })).status).toBe(
      200,
    );
    await eventually(
      () => logged(logs, 'could not publish App Home').length,
      (n) => n > 0,
      10_000,
    );
    console.info(`slack give-up figures ${JSON.stringify({ failuresLogged: failures.length })}`);
  });
});
