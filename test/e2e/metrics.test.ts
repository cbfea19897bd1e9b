import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import { approvalCard, click, dmContaining, eventually, fileRequest } from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob } = PEOPLE;
const MINUTE = 60;

/** GET /metrics on the bot, as Prometheus scrapes it. */
async function scrape(world: LatchWorld): Promise<string> {
  const response = await fetch(`${world.botUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('counts decisions, AWS work and Slack calls as a request goes from filing to revocation', async () => {
    // Alice asks for the medium-tier group; Bob approves ten minutes later.
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h fixing the pager');
    const card = await approvalCard(world, bob.id, requestId);
    world.clock.advanceSeconds(10 * MINUTE);
    await click(world, bob.id, APPROVE_ACTION, requestId, card);
    await dmContaining(world, alice.id, 'is active until');
    // A low-tier request approves itself.
    await fileRequest(world, alice.id, 'request readonly 1h reports');
    await eventually(
      () => world.latch.deps.store.listGrants({ requesterId: alice.id, statuses: ['active'] }),
      (grants) => grants.length === 2,
    );

    // The hour passes; AWS fails both revocations' first try (both of the SDK's attempts of each, as
    // they run side by side), then lets them through.
    world.aws.failNext('DeleteGroupMembership', { status: 500, type: 'InternalServerException', times: 4 });
    world.clock.advanceSeconds(61 * MINUTE);
    await world.latch.sweep();
    world.clock.advanceSeconds(MINUTE);
    await world.latch.sweep();
    await dmContaining(world, alice.id, 'has ended');

    // Slack rate-limits one App Home publish.
    world.slack.failNext('views.publish', { status: 429, retryAfterSeconds: 0 });
    await world.user.event({ type: 'app_home_opened', user: alice.id, tab: 'home', event_ts: '1.0' });

    const text = await eventually(
      () => scrape(world),
      (body) => sample(body, 'latch_slack_errors_total', { method: 'views.publish' }) !== undefined,
    );
    // Decisions, by tier and outcome; only people's decisions have a time to decide.
    expect(sample(text, 'latch_approvals_total', { tier: 'medium', outcome: 'approved' })).toBe(1);
    expect(sample(text, 'latch_approvals_total', { tier: 'low', outcome: 'auto_approved' })).toBe(1);
    const decided = { tier: 'medium', outcome: 'approved' };
    expect(sample(text, 'latch_time_to_decision_seconds_count', decided)).toBe(1);
    expect(sample(text, 'latch_time_to_decision_seconds_sum', decided)).toBe(600);
    expect(sample(text, 'latch_time_to_decision_seconds_bucket', { ...decided, le: '300' })).toBe(0);
    expect(sample(text, 'latch_time_to_decision_seconds_bucket', { ...decided, le: '900' })).toBe(1);
    expect(sample(text, 'latch_time_to_decision_seconds_count', { tier: 'low' })).toBeUndefined();

    // AWS work by resource kind: two grants provisioned, two revoked after one failed attempt each.
    expect(sample(text, 'latch_provisioning_duration_seconds_count', { kind: 'sso_group' })).toBe(2);
    expect(sample(text, 'latch_revocation_duration_seconds_count', { kind: 'sso_group' })).toBe(2);
    expect(sample(text, 'latch_revocation_failures_total', { kind: 'sso_group' })).toBe(2);
    expect(sample(text, 'latch_provisioning_failures_total')).toBeUndefined();
    const membership = { action: 'identitystore:DeleteGroupMembership' };
    expect(sample(text, 'latch_aws_errors_total', { ...membership, error: 'InternalServerException' })).toBe(
      2,
    );
    expect(sample(text, 'latch_aws_calls_total', membership)).toBeGreaterThanOrEqual(2);

    // Slack calls by method, and the rate limit as an error of its method.
    const dms = world.slack.callsTo('chat.postMessage').length;
    expect(sample(text, 'latch_slack_calls_total', { method: 'chat.postMessage' })).toBe(dms);
    expect(sample(text, 'latch_slack_errors_total', { method: 'views.publish', error: 'ratelimited' })).toBe(
      1,
    );

    // Requests and grants by state, read from the database.
    expect(sample(text, 'latch_requests', { status: 'approved' })).toBe(2);
    expect(sample(text, 'latch_grants', { status: 'revoked' })).toBe(2);
    expect(sample(text, 'latch_revocation_lag_seconds')).toBe(0);
  });
});
