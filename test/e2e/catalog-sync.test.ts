import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dmContaining,
  eventually,
  type HomeView,
  openHome,
  requestActive,
  sendInteraction,
  shows,
  typeCommand,
  visible,
} from '../support/e2e-steps.js';
import { ACCOUNTS, type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, admin } = PEOPLE;

describe('/access admin sync and the catalog on App Home', () => {
  let world: LatchWorld;
  beforeAll(async () => {
    world = await startLatchWorld();
    world.aws.addGroup({ displayName: 'Break-glass auditors' });
    world.aws.iam.addGroup(ACCOUNTS.dev, { groupName: 'PowerUsers' });
  });
  afterAll(async () => {
    await world.stop();
  });

  it('refuses a non-admin and changes nothing', async () => {
    expect(await typeCommand(world, alice.id, 'admin sync')).toContain('admins');
    expect(await world.latch.deps.store.lastSyncRun()).toBeUndefined();
  });

  it('syncs for an admin, answers with the totals, and lists what no policy names as unclassified', async () => {
    const answer = await typeCommand(world, admin.id, 'admin sync');
    expect(answer).toMatch(
      /Catalog synced: 3 account\(s\), \d+ resource\(s\), \*\d+ unclassified\*; \d+ AWS calls/,
    );
    const run = await world.latch.deps.store.lastSyncRun();
    expect(run).toMatchObject({ trigger: 'slack', actor: admin.id, accounts: 3, failures: [], missing: [] });

    const home = shows(await openHome(world, admin.id));
    expect(home).toContain(
      '`group-break-glass-auditors` Break-glass auditors · sso_group · tier *unclassified*',
    );
    expect(home).toContain(
      `\`powerusers-${ACCOUNTS.dev}\` PowerUsers · iam_group · ${ACCOUNTS.dev} · tier *unclassified*`,
    );
    expect(home).toMatch(/Last sync .*in 3 accounts/);

    // Unclassified resources cannot be requested.
    expect(await typeCommand(world, alice.id, `request powerusers-${ACCOUNTS.dev} 1h x`)).toContain(
      `There is no resource`,
    );
  });

  it('refuses `admin tier` from a non-admin, or with a tier or resource that does not exist', async () => {
    const powerUsers = `powerusers-${ACCOUNTS.dev}`;
    expect(await typeCommand(world, alice.id, `admin tier ${powerUsers} low`)).toContain('Only Latch admins');
    const badTier = await typeCommand(world, admin.id, `admin tier ${powerUsers} lowest`);
    expect(badTier).toContain('`lowest` is not a tier. Choose one of `low`, `medium`, `high`, `critical`');
    expect(await typeCommand(world, admin.id, 'admin tier nothing-here low')).toContain(
      'There is no resource `nothing-here` in the policy or in what catalog sync found',
    );
    expect(await typeCommand(world, admin.id, `admin tier ${powerUsers}`)).toContain(
      'Say which resource and which tier',
    );
    expect(await world.latch.deps.store.listTierOverrides()).toEqual([]);
  });

  it('makes an unclassified resource requestable with `admin tier`, audited, and provisions it', async () => {
    const powerUsers = `powerusers-${ACCOUNTS.dev}`;
    const answer = await typeCommand(world, admin.id, `admin tier ${powerUsers} low`);
    expect(answer).toContain(`\`${powerUsers}\` (PowerUsers) is now tier *low* (was unclassified)`);
    const [changed] = (await world.latch.deps.store.listRecentAudit(5)).filter(
      (e) => e.action === 'resource.tier_changed',
    );
    expect(changed).toMatchObject({
      actor: admin.id,
      detail: { resourceId: powerUsers, from: 'unclassified', to: 'low' },
    });
    expect(await typeCommand(world, alice.id, 'resources power')).toContain(powerUsers);

    // Low needs no approval: the grant goes straight to AWS, in the dev account's IAM group.
    await requestActive(world, alice.id, `request ${powerUsers} 1h deploy`);
    expect(world.aws.iam.isMember(ACCOUNTS.dev, 'PowerUsers', 'alice.dev')).toBe(true);
  });

  it('changes a tier from the admin’s App Home selector, audited', async () => {
    const auditors = 'group-break-glass-auditors';
    const home = await openHome(world, admin.id);
    expect(shows(home)).toContain(`"block_id":"latch_tier:${auditors}"`);
    expect(shows(home)).toContain(`\`${auditors}\` Break-glass auditors · sso_group · tier *unclassified*`);
    const sent = await sendInteraction(world, {
      type: 'block_actions',
      user: { id: admin.id, name: 'admin', team_id: world.slack.teamId },
      team: { id: world.slack.teamId, domain: 'fake' },
      trigger_id: world.slack.newTriggerId(),
      container: { type: 'view', view_id: home.id },
      view: { ...home, type: 'home' },
      actions: [
        {
          type: 'static_select',
          action_id: 'latch_tier',
          block_id: `latch_tier:${auditors}`,
          selected_option: { text: { type: 'plain_text', text: 'medium' }, value: 'medium' },
          action_ts: '1.0',
        },
      ],
    });
    expect(sent.status).toBe(200);
    // Waits for the redraw itself: another publish (the home opened above) may land first.
    await eventually(
      () => shows(world.slack.homeView(admin.id) as HomeView),
      (shown) => !shown.includes(`\`${auditors}\` Break-glass auditors · sso_group · tier *unclassified*`),
    );
    const [changed] = (await world.latch.deps.store.listRecentAudit(5)).filter(
      (e) => e.action === 'resource.tier_changed',
    );
    expect(changed).toMatchObject({
      actor: admin.id,
      detail: { resourceId: auditors, from: 'unclassified', to: 'medium' },
    });
    expect(await typeCommand(world, alice.id, 'resources auditors')).toContain(auditors);
  });

  it('withdraws a resource set back to unclassified, on a replica at its next sweep', async () => {
    const powerUsers = `powerusers-${ACCOUNTS.dev}`;
    // What another replica's `admin tier … unclassified` writes; this one reads it on its next sweep.
    await world.latch.deps.store.setTierOverride({
      resourceId: powerUsers,
      tier: 'unclassified',
      setBy: admin.id,
      setAt: new Date(),
    });
    expect(await typeCommand(world, alice.id, 'resources power')).toContain(powerUsers);
    await world.latch.sweep();
    expect(await typeCommand(world, alice.id, 'resources power')).not.toContain(powerUsers);
    expect(await typeCommand(world, alice.id, `request ${powerUsers} 1h again`)).toContain(
      'There is no resource',
    );

    // Alice's grant from before still ends on time: a withdrawn resource's access is removed as recorded.
    expect(world.aws.iam.isMember(ACCOUNTS.dev, 'PowerUsers', 'alice.dev')).toBe(true);
    world.clock.advanceSeconds(3600);
    await world.latch.sweep();
    expect(world.aws.iam.isMember(ACCOUNTS.dev, 'PowerUsers', 'alice.dev')).toBe(false);
    const [grant] = await world.latch.deps.store.listGrants({ requesterId: alice.id });
    expect(grant).toMatchObject({ resourceId: powerUsers, status: 'revoked' });
  });
});

describe('the scheduled catalog sync (LATCH_SYNC_CRON)', () => {
  let world: LatchWorld;
  beforeAll(async () => {
    world = await startLatchWorld({ syncCron: '*/2 * * * * *' });
  });
  afterAll(async () => {
    await world.stop();
  });

  it('syncs on its own, and tells the admins once when an account stops and starts being readable', async () => {
    const runsBy = async (trigger: string) =>
      (await world.latch.deps.store.listRecentAudit(200)).filter(
        (e) => e.action === 'catalog.synced' && e.detail?.trigger === trigger,
      ).length;
    const alerts = () => world.slack.dmsTo(admin.id).filter((m) => visible(m).includes('Catalog sync'));

    await eventually(
      () => runsBy('schedule'),
      (n) => n >= 1,
      10_000,
    );
    expect(alerts()).toEqual([]);

    // The dev account's role stops trusting Latch's ExternalId.
    world.aws.addRole({
      arn: `arn:aws:iam::${ACCOUNTS.dev}:role/LatchAccess`,
      externalId: 'rotated-elsewhere',
    });
    const broken = await dmContaining(world, admin.id, 'Catalog sync could not read');
    expect(visible(broken)).toContain(`account ${ACCOUNTS.dev}`);
    const before = await runsBy('schedule');
    await eventually(
      () => runsBy('schedule'),
      (n) => n >= before + 2,
      10_000,
    );
    expect(alerts()).toHaveLength(1);

    world.aws.addRole({
      arn: `arn:aws:iam::${ACCOUNTS.dev}:role/LatchAccess`,
      externalId: 'e2e-external-id',
    });
    await dmContaining(world, admin.id, 'Catalog sync reads every account again');
    expect(alerts()).toHaveLength(2);
  });
});
