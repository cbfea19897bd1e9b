import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmContaining, eventually, openHome, shows, typeCommand, visible } from '../support/e2e-steps.js';
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
