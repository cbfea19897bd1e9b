import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postInsightsDigest } from '../../src/core/use-cases/post-insights-digest.js';
import { scheduledSync } from '../../src/core/use-cases/scheduled-sync.js';
import { eventually, type HomeView, openHome, shows, typeCommand } from '../support/e2e-steps.js';
import { ACCOUNTS, type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, admin } = PEOPLE;
/** In the organization, but its LatchAccess role is missing: it cannot be read. */
const NO_ROLE = '333333333333';
const ADMIN_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** The Apply buttons on a Home view: the recommendation id each carries, by its action_id. */
function applyButtons(view: HomeView): Array<{ actionId: string; value: string }> {
  const found: Array<{ actionId: string; value: string }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'button' && String(o.action_id).startsWith('latch_insight_apply:')) {
        found.push({ actionId: String(o.action_id), value: String(o.value) });
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(view.blocks);
  return found;
}

describe('standing-access insights in Slack', () => {
  let world: LatchWorld;
  let daveKey: string;
  const daysAgo = (days: number) => new Date(world.clock.now().getTime() - days * 86_400_000);
  const audit = async (action: string) =>
    (await world.latch.deps.store.listRecentAudit(50)).filter((e) => e.action === action);
  const standingId = (user: string) => `remove_standing_access:iam_user:${ACCOUNTS.dev}:${user}:dev-readonly`;
  const clickApply = async (userId: string, value: string) => {
    const before = world.slack.dmsTo(userId).length;
    const result = await world.user.clickButton({
      userId,
      actionId: 'latch_insight_apply:0',
      value,
      view: { ...(world.slack.homeView(admin.id) as HomeView), type: 'home' },
    });
    expect(result.status).toBe(200);
    const dms = await eventually(
      () => world.slack.dmsTo(userId),
      (all) => all.length > before,
    );
    return String(dms.at(-1)?.text);
  };

  beforeAll(async () => {
    world = await startLatchWorld();
    const { aws } = world;
    aws.organizations.addAccount({ id: NO_ROLE, name: 'no-role' });
    // dev is risky: an administrator with an idle key and console, and two standing members of a
    // group Latch manages. prod has no IAM users at all: clean.
    const adminPolicy = aws.iam.access.createPolicy('aws', 'AdministratorAccess', ADMIN_POLICY);
    aws.iam.addUser(ACCOUNTS.dev, { userName: 'dave', createdAt: daysAgo(300) });
    aws.iam.access.attachUserPolicy(ACCOUNTS.dev, 'dave', adminPolicy);
    daveKey = aws.iam.access.addAccessKey(ACCOUNTS.dev, 'dave', {
      createdAt: daysAgo(200),
      lastUsedAt: daysAgo(143),
    });
    aws.iam.access.addLoginProfile(ACCOUNTS.dev, 'dave', { passwordLastUsedAt: daysAgo(120) });
    aws.iam.addToGroup(ACCOUNTS.dev, 'ReadOnly', 'alice.dev');
    aws.iam.addUser(ACCOUNTS.dev, { userName: 'erin' });
    aws.iam.addToGroup(ACCOUNTS.dev, 'ReadOnly', 'erin');
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('refuses a non-admin (audited) and tells an admin when nothing was read yet', async () => {
    expect(await typeCommand(world, alice.id, 'admin insights')).toContain('Only Latch admins');
    const [refused] = await audit('action.refused');
    expect(refused).toMatchObject({
      actor: alice.id,
      detail: { attempted: 'admin insights', reason: 'admins_only' },
    });
    expect(await typeCommand(world, admin.id, 'admin insights')).toContain(
      'Latch has not read standing access yet',
    );
    expect(shows(await openHome(world, admin.id))).toContain('Standing access not read yet');
  });

  it('reads standing access after the scheduled sync, at the tier an admin set, reporting the unreadable account', async () => {
    expect(await typeCommand(world, admin.id, 'admin tier dev-readonly high')).toContain(
      'is now tier *high*',
    );
    await scheduledSync(world.latch.deps);

    const answer = await typeCommand(world, admin.id, 'admin insights');
    expect(answer).toContain('*Standing access*, read <!date^');
    expect(answer).toMatch(
      new RegExp(
        `⚠️ Could not read account ${NO_ROLE} \\(sts:AssumeRole\\): cannot assume arn:aws:iam::${NO_ROLE}:role/LatchAccess`,
      ),
    );
    expect(answer).toContain(`• *100* · dev (${ACCOUNTS.dev})`);
    const lines = answer.split('\n');
    expect(
      lines.slice(
        lines.indexOf('*Riskiest principals* (3 of 3):'),
        lines.indexOf('*Recommendations* (4 of 4; apply them from App Home):'),
      ),
    ).toEqual([
      '*Riskiest principals* (3 of 3):',
      `• *100* · user dave (${ACCOUNTS.dev}) — policy AdministratorAccess (via user dave) scores 100; active access key ${daveKey} unused for 143 days`,
      `• *20* · user alice.dev (${ACCOUNTS.dev}) — holds dev-readonly standing through IAM group ReadOnly; Latch grants it just in time`,
      `• *20* · user erin (${ACCOUNTS.dev}) — holds dev-readonly standing through IAM group ReadOnly; Latch grants it just in time`,
    ]);
    // The tier admins set, not the file's `low`, names how it stays requestable.
    expect(answer).toContain(
      `remove alice.dev's standing membership in ReadOnly (${ACCOUNTS.dev}); it stays requestable through Latch as dev-readonly, tier high`,
    );
    expect(answer).toContain(
      `deactivate access key ${daveKey} of dave (${ACCOUNTS.dev}), unused for 143 days _(Latch lacks \`iam:UpdateAccessKey\`)_`,
    );
    // prod (clean) scores nothing and is not among the risky accounts.
    expect(answer).not.toContain(`prod (${ACCOUNTS.prod})`);

    const prod = await typeCommand(world, admin.id, `admin insights ${ACCOUNTS.prod}`);
    expect(prod).toContain(`*Standing access for prod (${ACCOUNTS.prod}) (score 0)*`);
    expect(prod).toContain('*Riskiest principals*: none scores above 0.');
    expect(prod).toContain('*Recommendations*: none.');
    expect(await typeCommand(world, admin.id, 'admin insights 999999999999')).toContain(
      'The latest standing-access reading has no account `999999999999`',
    );
  });

  it('shows admins the risks and recommendations on App Home, within limits, with Apply only where Latch may', async () => {
    const home = await openHome(world, admin.id);
    expect(home.blocks.length).toBeLessThanOrEqual(100);
    const text = shows(home);
    expect(text).toContain('Riskiest standing access');
    expect(text).toContain('Latch lacks `iam:UpdateAccessKey`: not applied from Slack');
    expect(
      applyButtons(home)
        .map((b) => b.value)
        .sort(),
    ).toEqual([standingId('alice.dev'), standingId('erin')]);
    expect(shows(await openHome(world, alice.id))).not.toContain('Riskiest standing access');
  });

  it('applies a recommendation for an admin: AWS changes, the audit log records it, Home drops it', async () => {
    expect(world.aws.iam.isMember(ACCOUNTS.dev, 'ReadOnly', 'alice.dev')).toBe(true);
    const answer = await clickApply(admin.id, standingId('alice.dev'));
    expect(answer).toContain("✅ Applied in AWS: remove alice.dev's standing membership in ReadOnly");
    expect(world.aws.iam.isMember(ACCOUNTS.dev, 'ReadOnly', 'alice.dev')).toBe(false);
    const [applied] = await audit('insight.applied');
    expect(applied).toMatchObject({
      actor: admin.id,
      detail: {
        recommendationId: standingId('alice.dev'),
        change: {
          action: 'remove_iam_group_member',
          accountId: ACCOUNTS.dev,
          groupName: 'ReadOnly',
          userName: 'alice.dev',
        },
        changed: true,
      },
    });
    const redrawn = await eventually(
      () => world.slack.homeView(admin.id) as HomeView,
      (view) => !applyButtons(view).some((b) => b.value === standingId('alice.dev')),
    );
    expect(applyButtons(redrawn).map((b) => b.value)).toEqual([standingId('erin')]);
  });

  it('changes nothing when the clicker is no admin, Latch lacks the action, or AWS denies it', async () => {
    // A forged click from someone who is not an admin: refused and audited.
    expect(await clickApply(alice.id, standingId('erin'))).toContain('Only Latch admins');
    expect((await audit('action.refused'))[0]).toMatchObject({
      actor: alice.id,
      detail: { attempted: 'apply recommendation' },
    });
    // No button was offered for it: Latch's policy lacks iam:UpdateAccessKey (not opted in).
    const keyId = `deactivate_access_key:${ACCOUNTS.dev}:${daveKey}`;
    expect(await clickApply(admin.id, keyId)).toContain('its IAM policy lacks `iam:UpdateAccessKey`');
    // AWS answers AccessDenied.
    world.aws.failNext('RemoveUserFromGroup', { status: 403, type: 'AccessDenied', message: 'not allowed' });
    expect(await clickApply(admin.id, standingId('erin'))).toContain(
      'AWS refused `iam:RemoveUserFromGroup` to Latch (access denied)',
    );

    const key = world.aws.iam.access.accessKeys(ACCOUNTS.dev, 'dave')[0];
    expect(key?.status).toBe('Active');
    expect(world.aws.iam.isMember(ACCOUNTS.dev, 'ReadOnly', 'erin')).toBe(true);
    const failed = (await audit('insight.apply_failed')).map((e) => e.detail);
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          recommendationId: keyId,
          reason: 'not_in_policy',
          missingAction: 'iam:UpdateAccessKey',
        }),
        expect.objectContaining({
          recommendationId: standingId('erin'),
          reason: 'access_denied',
          missingAction: 'iam:RemoveUserFromGroup',
        }),
      ]),
    );
    expect(world.aws.calls.filter((c) => c.operation === 'UpdateAccessKey')).toEqual([]);
  });

  it('posts a weekly digest of what changed since the last one, once', async () => {
    const first = await postInsightsDigest(world.latch.deps);
    expect(first?.sinceReadAt).toBeUndefined();
    const posted = await eventually(
      () => world.slack.messagesIn('C0AUDIT'),
      (all) => all.some((m) => String(m.text).includes('*Standing access this week*')),
    );
    expect(String(posted.at(-1)?.text)).toContain('first digest');

    // A week on: a new administrator in dev, alice.dev's membership gone (applied above).
    world.clock.advance(7 * 86_400_000);
    world.aws.iam.addUser(ACCOUNTS.dev, { userName: 'frank' });
    world.aws.iam.access.attachUserPolicy(
      ACCOUNTS.dev,
      'frank',
      world.aws.iam.access.createPolicy(ACCOUNTS.dev, 'Everything', ADMIN_POLICY),
    );
    await scheduledSync(world.latch.deps);
    expect(await postInsightsDigest(world.latch.deps)).toBeDefined();
    const digest = await eventually(
      () => world.slack.messagesIn('C0AUDIT').filter((m) => String(m.text).includes('this week')),
      (all) => all.length === 2,
    );
    const text = String(digest[1]?.text);
    expect(text).toContain('since the reading of <!date^');
    expect(text).toContain(`*New risks* (1):\n• *100* · user frank (${ACCOUNTS.dev})`);
    expect(text).toContain('*Resolved recommendations* (1):');
    expect(text).toContain("remove alice.dev's standing membership in ReadOnly");
    expect(text).not.toContain('dave');

    // Nothing read since: another run (or replica) posts nothing.
    expect(await postInsightsDigest(world.latch.deps)).toBeUndefined();
    expect((await audit('insights.digest_posted')).length).toBe(2);
  });
});
