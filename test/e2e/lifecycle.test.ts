import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION, RELEASE_ACTION } from '../../src/slack/action-ids.js';
import {
  answerAt,
  approvalCard,
  auditActions,
  buttonTexts,
  click,
  dmContaining,
  eventually,
  fileRequest,
  typeCommand,
  visible,
} from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob } = PEOPLE;
const HOUR = 3600;

describe('grants and requests over time', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('revokes at once after a restart a grant that expired while Latch was down', async () => {
    await fileRequest(world, alice.id, 'request readonly 1h reports');
    await dmContaining(world, alice.id, 'is active until');
    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(true);

    // Latch goes down; the grant's hour passes; Latch comes back and sweeps once at start.
    await world.latch.stop();
    world.clock.advanceSeconds(2 * HOUR);
    await world.restart();

    await dmContaining(world, alice.id, 'has ended');
    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(false);
    const [grant] = await world.latch.deps.store.listGrants({ requesterId: alice.id });
    expect(grant?.status).toBe('revoked');
  });

  it('ends an Identity Center group grant with one AWS call, the membership it created', async () => {
    await fileRequest(world, alice.id, 'request readonly 1h reports');
    await dmContaining(world, alice.id, 'is active until');
    world.aws.reset();

    world.clock.advanceSeconds(HOUR);
    await world.latch.sweep();

    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(false);
    expect(world.aws.calls.map((c) => c.operation)).toEqual(['DeleteGroupMembership']);
    expect((await world.latch.deps.store.listGrants({ requesterId: alice.id }))[0]?.status).toBe('revoked');
  });

  it('keeps retrying a revocation AWS refuses, alerting the admins after the third failure, until it succeeds', async () => {
    await fileRequest(world, alice.id, 'request readonly 1h reports');
    await dmContaining(world, alice.id, 'is active until');
    // Three sweeps fail, each using both of the SDK's attempts (AWS_MAX_ATTEMPTS=2).
    world.aws.failNext('DeleteGroupMembership', { status: 500, type: 'InternalServerException', times: 6 });

    world.clock.advanceSeconds(HOUR);
    for (let sweep = 1; sweep <= 3; sweep += 1) {
      await world.latch.sweep();
      const [stuck] = await world.latch.deps.store.listGrants({ requesterId: alice.id });
      expect(stuck?.status).toBe('revoking');
      expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(true);
      const alerted = world.slack
        .dmsTo(PEOPLE.admin.id)
        .some((m) => visible(m).includes('Latch keeps retrying'));
      expect(alerted).toBe(sweep === 3);
      world.clock.advanceSeconds(60);
    }
    expect(world.slack.messagesIn('C0AUDIT').map(visible).join(' ')).toContain('keeps failing to revoke');

    await world.latch.sweep();
    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(false);
    expect((await world.latch.deps.store.listGrants({ requesterId: alice.id }))[0]?.status).toBe('revoked');
  });

  it('runs one sweep at a time: a sweep asked for while another runs waits for it', async () => {
    await fileRequest(world, alice.id, 'request readonly 1h reports');
    await dmContaining(world, alice.id, 'is active until');
    world.aws.setLatency(2000);
    world.clock.advanceSeconds(HOUR);

    const finished: string[] = [];
    const first = world.latch.sweep().then(() => finished.push('first'));
    await world.aws.waitForArrival('DeleteGroupMembership');
    // Beside the first it would find the grant claimed and return at once, before AWS had answered.
    const second = world.latch.sweep().then(() => finished.push('second'));
    await Promise.all([first, second]);

    expect(finished).toEqual(['first', 'second']);
    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(false);
    expect(world.slack.dmsTo(alice.id).filter((m) => visible(m).includes('has ended'))).toHaveLength(1);
  });

  it('lets the requester release a grant early from the DM button', async () => {
    await fileRequest(world, alice.id, 'request readonly 2h reports');
    const notice = await dmContaining(world, alice.id, 'is active until');
    const grantId = /`(G[0-9A-Z]{6})`/.exec(visible(notice))?.[1] ?? '';

    // Bob cannot release Alice's grant; Alice can.
    const refused = await world.user.clickButton({
      userId: bob.id,
      actionId: RELEASE_ACTION,
      value: grantId,
      channelId: notice.channel,
      messageTs: notice.ts,
    });
    expect(await answerAt(world, refused.responseUrl)).toContain('is not yours');
    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(true);

    await world.user.clickButton({
      userId: alice.id,
      actionId: RELEASE_ACTION,
      value: grantId,
      channelId: notice.channel,
      messageTs: notice.ts,
    });
    await dmContaining(world, alice.id, 'released by you');
    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(false);
  });

  it('keeps access while a second grant of the same resource is live', async () => {
    await fileRequest(world, alice.id, 'request readonly 1h first');
    await dmContaining(world, alice.id, 'is active until');
    world.clock.advanceSeconds(30 * 60);
    await fileRequest(world, alice.id, 'request readonly 1h second');
    // Provisioning follows the answer; wait until both grants are active.
    const [second, first] = await eventually(
      () => world.latch.deps.store.listGrants({ requesterId: alice.id }),
      (grants) => grants.length === 2 && grants.every((g) => g.status === 'active'),
    );
    expect(second?.status).toBe('active');

    world.clock.advanceSeconds(31 * 60); // the first grant ends, the second has 29 minutes left
    await world.latch.sweep();
    expect((await world.latch.deps.store.getGrant(first?.id ?? ''))?.status).toBe('revoked');
    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(true);

    world.clock.advanceSeconds(30 * 60);
    await world.latch.sweep();
    expect(world.aws.isMember(world.groups.readonly, world.awsUsers.alice)).toBe(false);
  });

  it('expires a request nobody decides, and takes the buttons off the card', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const card = await approvalCard(world, bob.id, requestId);

    world.clock.advanceSeconds(24 * HOUR);
    await world.latch.sweep();

    await dmContaining(world, alice.id, 'expired: nobody decided in time');
    const updated = world.slack.messagesIn(card.channel).find((m) => m.ts === card.ts);
    expect(buttonTexts(updated)).toEqual([]);
    const late = await click(world, bob.id, APPROVE_ACTION, requestId, card);
    expect(await answerAt(world, late.responseUrl)).toContain('already expired');
    expect(world.aws.calls.filter((c) => c.operation === 'CreateGroupMembership')).toEqual([]);
  });

  it('lets the requester cancel a pending request, and nobody else', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const card = await approvalCard(world, bob.id, requestId);

    expect(await typeCommand(world, bob.id, `cancel ${requestId}`)).toContain('is not yours');
    expect(await typeCommand(world, alice.id, `cancel ${requestId.toLowerCase()}`)).toContain('is cancelled');

    const updated = world.slack.messagesIn(card.channel).find((m) => m.ts === card.ts);
    expect(visible(updated)).toContain('Cancelled by the requester');
    // Bob's attempt is in the audit log too.
    expect(await auditActions(world, { requestId })).toEqual([
      'request.filed',
      'action.refused',
      'request.cancelled',
    ]);
  });

  it('finishes an approval still in flight when it is told to stop', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const card = await approvalCard(world, bob.id, requestId);
    world.aws.setLatency(700); // each AWS call now takes 0.7 s: the click's work outlives its ack

    await click(world, bob.id, APPROVE_ACTION, requestId, card);
    await world.latch.stop();

    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.alice)).toBe(true);
    expect(world.slack.dmsTo(alice.id).some((m) => visible(m).includes('is active until'))).toBe(true);
  });

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${world.botUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    expect((await fetch(`${world.botUrl}/readyz`)).status).toBe(200);
  });

  it('serves Prometheus metrics named latch_, counted from the database', async () => {
    await fileRequest(world, alice.id, 'request readonly 1h reports');
    await dmContaining(world, alice.id, 'is active until');
    await fileRequest(world, alice.id, 'request oncall 1h pager');
    world.clock.advanceSeconds(HOUR + 30);

    const response = await fetch(`${world.botUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('latch_requests{status="pending"} 1');
    expect(text).toContain('latch_requests{status="approved"} 1');
    expect(text).toContain('latch_grants{status="active"} 1');
    // The grant is 30 s past its end and the sweep has not run: the lag shows it.
    expect(text).toContain('latch_revocation_lag_seconds 30');
    await world.latch.sweep();
    const after = await (await fetch(`${world.botUrl}/metrics`)).text();
    expect(after).toContain('latch_revocation_lag_seconds 0');
    expect(after).toContain('latch_grants{status="revoked"} 1');
    expect(after).toMatch(/latch_sweep_job_duration_seconds_count\{job="revoke grants"\} [1-9]/);
    expect(
      after
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .every((l) => l.startsWith('latch_')),
    ).toBe(true);
  });
});
