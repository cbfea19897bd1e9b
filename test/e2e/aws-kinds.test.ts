import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dmContaining, fileRequest, typeCommand } from '../support/e2e-steps.js';
import { ACCOUNTS, type LatchWorld, PEOPLE, startLatchWorld } from '../support/start-latch.js';

const { alice } = PEOPLE;

describe('every resource kind, from /access to revocation, through the real SDK', () => {
  let world: LatchWorld;
  beforeEach(async () => {
    world = await startLatchWorld();
  });
  afterEach(async () => {
    await world.stop();
  });

  it('puts a person in an IAM group of a member account through the cross-account role, and takes them out', async () => {
    const requestId = await fileRequest(world, alice.id, 'request dev-readonly 1h check the deploy logs');
    await dmContaining(world, alice.id, 'is active until');
    expect(world.aws.iam.isMember(ACCOUNTS.dev, 'ReadOnly', 'alice.dev')).toBe(true);
    const assumed = world.aws.calls.filter((c) => c.operation === 'AssumeRole');
    expect(assumed.map((c) => (c.input as { ExternalId?: string }).ExternalId)).toEqual(['e2e-external-id']);

    const [grant] = await world.latch.deps.store.listGrants({ requesterId: alice.id });
    expect(grant).toMatchObject({ status: 'active', principalId: 'alice.dev', requestId });
    await typeCommand(world, alice.id, `release ${grant?.id}`);
    await dmContaining(world, alice.id, 'has ended');
    expect(world.aws.iam.isMember(ACCOUNTS.dev, 'ReadOnly', 'alice.dev')).toBe(false);
  });

  /** Alice holds `audit-readonly`, a permission set on the prod account. */
  async function activePermissionSetGrant() {
    await fileRequest(world, alice.id, 'request audit-readonly 1h quarterly access review');
    await dmContaining(world, alice.id, 'is active until');
    const [grant] = await world.latch.deps.store.listGrants({ requesterId: alice.id });
    const psArn =
      world.latch.deps.policy.resources.find((r) => r.id === 'audit-readonly')?.permissionSetArn ?? '';
    return { grant, psArn };
  }

  it('assigns a permission set on an account, waiting for Identity Center to finish, and removes it', async () => {
    const { grant, psArn } = await activePermissionSetGrant();
    expect(world.aws.ssoAdmin.hasAssignment(ACCOUNTS.prod, psArn, world.awsUsers.alice)).toBe(true);
    expect(world.aws.calls.map((c) => c.operation)).toEqual(
      expect.arrayContaining(['CreateAccountAssignment', 'DescribeAccountAssignmentCreationStatus']),
    );

    await typeCommand(world, alice.id, `release ${grant?.id}`);
    await dmContaining(world, alice.id, 'has ended');
    expect(world.aws.ssoAdmin.hasAssignment(ACCOUNTS.prod, psArn, world.awsUsers.alice)).toBe(false);
  });

  it('retries a removal that meets another change in progress within seconds, however often it met one', async () => {
    const { grant, psArn } = await activePermissionSetGrant();
    world.aws.failNext('DeleteAccountAssignment', {
      status: 400,
      type: 'ConflictException',
      message:
        'Another account assignment request for this principal, permission set and account is in progress.',
      times: 4,
    });

    world.clock.advanceSeconds(3600);
    await world.latch.sweep();
    for (let attempt = 1; attempt <= 4; attempt++) {
      const current = await world.latch.deps.store.getGrant(grant?.id ?? '');
      expect(current?.status).toBe('revoking');
      expect(current?.lastError).toContain('ConflictException');
      // Not a backoff that would reach 40 s by the fourth try: AWS finishes such changes in seconds.
      const waitMs = (current?.nextAttemptAt?.getTime() ?? 0) - world.clock.now().getTime();
      expect(waitMs).toBeLessThanOrEqual(2000);
      world.clock.advanceSeconds(2);
      await world.latch.sweep();
    }
    expect((await world.latch.deps.store.getGrant(grant?.id ?? ''))?.status).toBe('revoked');
    expect(world.aws.ssoAdmin.hasAssignment(ACCOUNTS.prod, psArn, world.awsUsers.alice)).toBe(false);
  });

  it('tells the requester and admins AWS’s reason when Identity Center fails the assignment', async () => {
    world.aws.ssoAdmin.failNextAssignment('Received a 400 status error: permission set is being provisioned');
    await fileRequest(world, alice.id, 'request audit-readonly 1h quarterly access review');
    const told = await dmContaining(world, alice.id, 'permission set is being provisioned');
    expect(told).toBeTruthy();
    const [grant] = await world.latch.deps.store.listGrants({ requesterId: alice.id });
    expect(grant?.status).toBe('failed');
  });
});
