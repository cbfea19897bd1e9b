import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileAccess } from '../../src/core/use-cases/reconcile-access.js';
import {
  auditActions,
  dmContaining,
  eventually,
  fileRequest,
  openHome,
  requestActive,
  shows,
  visible,
} from '../support/e2e-steps.js';
import { ACCOUNTS, type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, admin } = PEOPLE;

describe('drift: AWS compared with the grants', () => {
  let world: LatchWorld;
  const driftAlerts = () => world.slack.dmsTo(admin.id).filter((m) => visible(m).includes('Drift between'));
  const audit = async (action: string) =>
    (await world.latch.deps.store.listRecentAudit(200)).filter((e) => e.action === action);

  beforeAll(async () => {
    world = await startLatchWorld({ reconcileCron: '*/1 * * * * *' });
  });
  afterAll(async () => {
    await world.stop();
  });

  it('reports access nobody granted once, keeps it on App Home while it lasts, and closes it when gone', async () => {
    // Someone adds Bob to the on-call group in Identity Center by hand.
    world.aws.addMembership(world.groups.oncall, world.awsUsers.bob);
    const alert = await dmContaining(world, admin.id, 'Drift between');
    expect(visible(alert)).toContain(
      `\`oncall\`: \`${world.awsUsers.bob}\` has access in AWS that no grant explains`,
    );
    expect(await audit('drift.found')).toHaveLength(1);
    expect(shows(await openHome(world, admin.id))).toContain(`*oncall* · \`${world.awsUsers.bob}\` · since`);

    // Later runs see it again but do not alert again; nothing was removed (oncall does not enforce).
    const runs = (await world.latch.deps.store.listDriftFindings())[0]?.lastSeenAt;
    world.clock.advanceSeconds(60);
    await eventually(
      async () => (await world.latch.deps.store.listDriftFindings())[0]?.lastSeenAt,
      (seen) => seen !== undefined && seen > (runs ?? new Date(0)),
    );
    expect(driftAlerts()).toHaveLength(1);
    expect(world.aws.isMember(world.groups.oncall, world.awsUsers.bob)).toBe(true);

    world.aws.removeMembership(world.groups.oncall, world.awsUsers.bob);
    await eventually(
      () => world.latch.deps.store.listDriftFindings(),
      (open) => open.length === 0,
    );
    expect(await audit('drift.resolved')).toHaveLength(1);
    expect(shows(await openHome(world, admin.id))).toContain('None: AWS matches the grants.');
  });

  it('does not count access a grant explains as drift', async () => {
    await requestActive(world, alice.id, 'request dev-readonly 1h reading logs');
    expect(world.aws.iam.isMember(ACCOUNTS.dev, 'ReadOnly', 'alice.dev')).toBe(true);
    // The scheduled run may hold the lease for a moment; this run waits its turn.
    const report = await eventually(
      () => reconcileAccess(world.latch.deps),
      (run) => run !== undefined,
    );
    expect(report?.resources).toBe(world.latch.deps.policy.resources.length);
    expect(report?.found).toEqual([]);
    expect(report?.vanished).toEqual([]);
  });

  it('removes unexplained access at once where the resource enforces, and tells the admins', async () => {
    const prodAdmin = world.latch.deps.policy.resources.find((r) => r.id === 'prod-admin');
    const arn = prodAdmin?.permissionSetArn ?? '';
    world.aws.ssoAdmin.assign(ACCOUNTS.prod, arn, world.awsUsers.bob);
    await eventually(
      () => world.aws.ssoAdmin.hasAssignment(ACCOUNTS.prod, arn, world.awsUsers.bob),
      (held) => !held,
      10_000,
    );
    const alert = await dmContaining(world, admin.id, 'removed');
    expect(visible(alert)).toContain(`\`prod-admin\`: removed \`${world.awsUsers.bob}\``);
    expect((await audit('drift.removed'))[0]?.detail).toEqual({
      resourceId: 'prod-admin',
      principalId: world.awsUsers.bob,
    });
  });

  it('ends a grant whose access was removed outside Latch, and tells the person why', async () => {
    const requestId = await fileRequest(world, alice.id, 'request readonly 1h reading dashboards');
    const [grant] = (await world.latch.deps.store.listGrants({ requesterId: alice.id })).filter(
      (g) => g.requestId === requestId,
    );
    expect(grant?.status).toBe('active');
    world.clock.advanceSeconds(60);
    // An Identity Center admin removes Alice from the group by hand.
    world.aws.removeMembership(world.groups.readonly, world.awsUsers.alice);

    const notice = await dmContaining(world, alice.id, 'removed in AWS outside Latch');
    expect(visible(notice)).toContain(`grant \`${grant?.id}\``);
    expect(await world.latch.deps.store.getGrant(grant?.id ?? '')).toMatchObject({
      status: 'revoked',
      revokeReason: 'vanished',
    });
    expect(await auditActions(world, { grantId: grant?.id ?? '' })).toContain('grant.vanished');
    expect(visible(await dmContaining(world, admin.id, 'outside Latch'))).toContain(grant?.id);
  });
});
