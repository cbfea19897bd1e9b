import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import {
  dmContaining,
  eventually,
  fileRequest,
  type HomeView,
  openHome,
  shows,
  typeCommand,
} from '../support/e2e-steps.js';
import { type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob, admin } = PEOPLE;

describe('App Home', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('shows a person their grants with Release, their requests with Cancel, and nothing for admins', async () => {
    await fileRequest(world, alice.id, 'request readonly 1h reports');
    await dmContaining(world, alice.id, 'is active until');
    const pending = await fileRequest(world, alice.id, 'request oncall 1h pager');

    const home = shows(await openHome(world, alice.id));

    const [grant] = await world.latch.deps.store.listGrants({ requesterId: alice.id });
    expect(home).toContain(grant?.id);
    expect(home).toContain('"text":"Release"');
    expect(home).toContain(pending);
    expect(home).toContain('"text":"Cancel"');
    expect(home).not.toContain('All active grants');
  });

  it('lets an approver decide from Home, then redraws it', async () => {
    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    const home = await openHome(world, bob.id);
    expect(shows(home)).toContain(requestId);
    expect(shows(home)).toContain('"text":"Approve"');
    // Eve is no approver: her Home offers nothing to decide.
    expect(shows(await openHome(world, PEOPLE.eve.id))).not.toContain(requestId);

    const publishes = world.slack.callsTo('views.publish').length;
    await world.user.clickButton({
      userId: bob.id,
      actionId: APPROVE_ACTION,
      value: requestId,
      view: { ...home, type: 'home' },
    });

    await dmContaining(world, alice.id, 'is active until');
    await eventually(
      () => world.slack.callsTo('views.publish').length,
      (n) => n > publishes,
    );
    await eventually(
      () => shows(world.slack.homeView(bob.id) as HomeView),
      (view) => !view.includes(requestId),
    );
  });

  it('redraws Home when something its owner sees changes, without reopening it', async () => {
    expect(shows(await openHome(world, bob.id))).toContain('Nothing to decide.');

    const requestId = await fileRequest(world, alice.id, 'request oncall 1h pager');
    await eventually(
      () => shows(world.slack.homeView(bob.id) as HomeView),
      (home) => home.includes(requestId),
    );

    await typeCommand(world, alice.id, `cancel ${requestId}`);
    await eventually(
      () => shows(world.slack.homeView(bob.id) as HomeView),
      (home) => !home.includes(requestId),
    );
    await eventually(
      () => shows(world.slack.homeView(alice.id) as HomeView),
      (home) => home.includes('Your pending requests*\\nNone.'),
    );
    // Those redraws took from the views.publish pace that every replica on the database shares.
    const buckets = await world.latch.database.db.selectFrom('call_rate').select('bucket').execute();
    expect(buckets.map((row) => row.bucket)).toContain('slack:views.publish');
  });

  it('shows admins every active grant, failing revocations, the catalog and the latest audit events', async () => {
    await fileRequest(world, alice.id, 'request readonly 1h reports');
    await dmContaining(world, alice.id, 'is active until');

    const home = shows(await openHome(world, admin.id));

    expect(home).toContain('All active grants');
    expect(home).toContain('<@U0ALICE>');
    expect(home).toContain('Revocations that are failing');
    expect(home).toContain('`prod-admin` Production administrator');
    expect(home).toContain('`grant.active`');
  });

  it('pages long lists with Show more, within Slack’s block limit', async () => {
    for (let i = 0; i < 7; i += 1) await fileRequest(world, alice.id, `request oncall 1h pager ${i}`);
    const home = await openHome(world, alice.id);
    expect(shows(home)).toContain('Show more (2)');
    expect(home.blocks.length).toBeLessThanOrEqual(100);

    await world.user.clickButton({
      userId: alice.id,
      actionId: 'latch_home_more:pending',
      value: 'pending',
      view: { ...home, type: 'home' },
    });

    await eventually(
      () => shows(world.slack.homeView(alice.id) as HomeView),
      (text) => !text.includes('Show more (2)'),
    );
    const requests = await world.latch.deps.store.listRequests({ requesterId: alice.id });
    for (const request of requests)
      expect(shows(world.slack.homeView(alice.id) as HomeView)).toContain(request.id);
  });
});
