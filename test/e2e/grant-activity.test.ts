import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmContaining, openHome, requestActive, shows, typeCommand, visible } from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, admin } = PEOPLE;
const MINUTE = 60;

/** The session summary: what CloudTrail recorded of a grant, read after CloudTrail has delivered it. */
describe('what a grant was used for', () => {
  let world: LatchWorld;
  const grantsOfAlice = () => world.latch.deps.store.listGrants({ requesterId: alice.id });
  const activityDms = () =>
    world.slack.dmsTo(alice.id).filter((m) => /CloudTrail|was used for/.test(visible(m)));

  beforeAll(async () => {
    world = await startLatchWorld();
  });
  afterAll(async () => {
    await world.stop();
  });

  it('tells the person and the audit thread, 15 minutes after the grant ended', async () => {
    await requestActive(world, alice.id, 'request readonly 1h reading dashboards');
    const [grant] = await grantsOfAlice();
    const during = new Date(world.clock.now().getTime() + 10 * MINUTE * 1000);
    const event = (eventName: string, readOnly: boolean, errorCode?: string) =>
      world.aws.cloudTrail.addEvent({
        eventName,
        eventSource: 's3.amazonaws.com',
        username: alice.email,
        eventTime: during,
        readOnly,
        ...(errorCode ? { errorCode } : {}),
      });
    event('GetObject', true);
    event('GetObject', true);
    event('PutObject', false, 'AccessDenied');
    // Someone else's call in the same window is not Alice's.
    world.aws.cloudTrail.addEvent({
      eventName: 'DeleteBucket',
      username: 'bob@example.com',
      eventTime: during,
      readOnly: false,
    });

    world.clock.advanceSeconds(60 * MINUTE);
    await world.latch.sweep();
    await dmContaining(world, alice.id, 'has ended');
    // CloudTrail delivers late: nothing is read until 15 minutes after the end.
    expect(activityDms()).toEqual([]);

    world.clock.advanceSeconds(15 * MINUTE);
    await world.latch.sweep();
    const summary = await dmContaining(world, alice.id, 'was used for');
    expect(visible(summary)).toContain(`grant \`${grant?.id}\``);
    expect(visible(summary)).toContain(
      'CloudTrail: 3 events, 1 changing something (GetObject ×2, PutObject ×1); errors: AccessDenied ×1.',
    );
    const thread = world.slack.messagesIn('C0AUDIT').map(visible).join('\n');
    expect(thread).toContain('CloudTrail: 3 events');
    expect((await world.latch.deps.store.getGrant(grant?.id ?? ''))?.activity?.events).toBe(3);

    // Read once: later sweeps do not tell again.
    world.clock.advanceSeconds(15 * MINUTE);
    await world.latch.sweep();
    expect(activityDms()).toHaveLength(1);
  });

  it('retries when CloudTrail fails, then counts an unused grant for the admins', async () => {
    await requestActive(world, alice.id, 'request readonly 30m just in case');
    const [grant] = await grantsOfAlice();
    expect(await typeCommand(world, alice.id, `release ${grant?.id}`)).toContain('released');

    world.aws.failNext('LookupEvents', { status: 400, type: 'ThrottlingException', service: 'cloudtrail' });
    world.aws.failNext('LookupEvents', { status: 400, type: 'ThrottlingException', service: 'cloudtrail' });
    world.clock.advanceSeconds(15 * MINUTE);
    await world.latch.sweep();
    const failed = (await world.latch.deps.store.listAudit({ grantId: grant?.id ?? '' })).filter(
      (e) => e.action === 'grant.activity_failed',
    );
    expect(failed).toHaveLength(1);
    expect(activityDms()).toHaveLength(1);

    world.clock.advanceSeconds(5 * MINUTE);
    await world.latch.sweep();
    expect(visible(await dmContaining(world, alice.id, 'recorded no AWS activity'))).toContain(grant?.id);
    expect(shows(await openHome(world, admin.id))).toContain(
      '*readonly* · 1 of 2 ended grants showed no activity',
    );
  });
});
