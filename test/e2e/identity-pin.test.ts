import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dmContaining, fileRequest, typeCommand } from '../support/e2e-steps.js';
import { ACCOUNTS, type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice, bob, admin } = PEOPLE;

describe('/access admin pin: an admin links a person to their AWS identity by hand', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('matches the pinned email in AWS, audits the pin, and unpinning restores the Slack email', async () => {
    // Bob's IAM user in the dev account is tagged with another address than his Slack email.
    world.aws.iam.addUser(ACCOUNTS.dev, { userName: 'robert', tags: { email: 'robert.ops@example.com' } });
    const before = await fileRequest(world, bob.id, 'request dev-readonly 1h check the deploy');
    await dmContaining(world, bob.id, 'could not');
    expect(before).toMatch(/^R/);

    const answer = await typeCommand(world, admin.id, `admin pin ${bob.email} robert.ops@example.com`);
    expect(answer).toContain(`<@${bob.id}> is now matched in AWS as \`robert.ops@example.com\``);
    const audit = await world.latch.deps.store.listRecentAudit(5);
    expect(audit[0]).toMatchObject({
      actor: admin.id,
      action: 'identity.pinned',
      detail: { slackUserId: bob.id, awsEmail: 'robert.ops@example.com' },
    });

    await fileRequest(world, bob.id, 'request dev-readonly 1h check the deploy again');
    await dmContaining(world, bob.id, 'is active until');
    expect(world.aws.iam.isMember(ACCOUNTS.dev, 'ReadOnly', 'robert')).toBe(true);

    expect(await typeCommand(world, admin.id, `admin unpin ${bob.id}`)).toContain(
      'by their Slack email again',
    );
    expect(await world.latch.deps.store.getIdentityPin(bob.id)).toBeUndefined();
  });

  it('lets only admins pin, only within the allowed domains, and only real Slack users', async () => {
    expect(await typeCommand(world, alice.id, `admin pin ${alice.id} root@example.com`)).toContain('admins');
    expect(await typeCommand(world, admin.id, `admin pin ${alice.id} alice@evil.test`)).toContain(
      'not an email address in an allowed domain (example.com)',
    );
    expect(await typeCommand(world, admin.id, 'admin pin U0NOBODY x@example.com')).toContain(
      'Slack has no user',
    );
    expect(await typeCommand(world, admin.id, 'admin pin alice')).toContain('Say whom');
    expect(await world.latch.deps.store.getIdentityPin(alice.id)).toBeUndefined();
  });
});
