import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsProvisioner } from '../../src/aws/aws-provisioner.js';
import { type CallLimits, MemorySlots } from '../../src/aws/call-limits.js';
import type { PollSettings } from '../../src/aws/permission-sets.js';
import { ProvisioningError } from '../../src/core/errors.js';
import type { Resource } from '../../src/core/model.js';
import type { FakeAwsServer } from '../support/fake-aws-server.js';
import { MEMBER_ACCOUNT, startLocalAws } from './aws-env.js';

const poll: PollSettings = { firstDelayMs: 5, maxDelayMs: 20, timeoutMs: 100 };
// These tests time the polling itself: no pacing of calls (test/aws/shared-call-rate.test.ts tests that).
const callLimits: CallLimits = {
  callRate: { take: async () => {} },
  assignmentSlots: new MemorySlots(),
};

describe('AwsProvisioner for permission sets (real SDK, local AWS)', () => {
  let aws: FakeAwsServer;
  let provisioner: AwsProvisioner;
  let resource: Resource;
  let alice: string;
  let bob: string;

  const ops = (operation: string) => aws.calls.filter((c) => c.operation === operation);

  beforeAll(async () => {
    aws = await startLocalAws({ pageSize: 2 });
    aws.organizations.addAccount({ id: MEMBER_ACCOUNT, name: 'member' });
    alice = aws.addUser({ userName: 'alice', email: 'alice@example.com' });
    bob = aws.addUser({ userName: 'bob@example.com' });
    const permissionSetArn = aws.ssoAdmin.addPermissionSet({ name: 'PowerUser' });
    // Other assignments of the same principal, so the check for an existing one reads several pages.
    for (const name of ['ReadOnly', 'Billing', 'Support']) {
      aws.ssoAdmin.assign(MEMBER_ACCOUNT, aws.ssoAdmin.addPermissionSet({ name }), alice);
    }
    resource = {
      id: 'member-poweruser',
      name: 'PowerUser',
      kind: 'sso_permission_set',
      accountId: MEMBER_ACCOUNT,
      permissionSetArn,
      tier: 'high',
      owners: [],
      enforce: false,
    };
    provisioner = new AwsProvisioner({
      region: 'us-east-1',
      instanceArn: aws.ssoAdmin.instanceArn,
      identityStoreId: aws.identityStoreId,
      poll,
      callLimits,
    });
  });
  afterAll(async () => {
    provisioner.destroy();
    await aws.close();
  });
  beforeEach(() => {
    aws.reset();
    aws.ssoAdmin.setPollsUntilDone(1);
    aws.ssoAdmin.completePending();
    for (const user of [alice, bob])
      aws.ssoAdmin.unassign(MEMBER_ACCOUNT, resource.permissionSetArn ?? '', user);
  });

  const arn = () => resource.permissionSetArn ?? '';

  it('assigns the permission set to the user found by email, waiting until AWS has done it', async () => {
    aws.ssoAdmin.setPollsUntilDone(3);
    expect(await provisioner.grant(resource, 'alice@example.com')).toEqual({
      principalId: alice,
      changed: true,
    });
    expect(aws.ssoAdmin.hasAssignment(MEMBER_ACCOUNT, arn(), alice)).toBe(true);

    expect(ops('GetUserId')[0]?.input).toMatchObject({
      AlternateIdentifier: {
        UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: 'alice@example.com' },
      },
    });
    expect(ops('CreateAccountAssignment').map((c) => c.input)).toEqual([
      {
        InstanceArn: aws.ssoAdmin.instanceArn,
        TargetId: MEMBER_ACCOUNT,
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: arn(),
        PrincipalType: 'USER',
        PrincipalId: alice,
      },
    ]);
    // Three answers of IN_PROGRESS, then SUCCEEDED: it returned only once AWS said so.
    expect(ops('DescribeAccountAssignmentCreationStatus')).toHaveLength(4);
    expect(aws.calls.every((c) => c.status === 200)).toBe(true);

    expect(await provisioner.revoke(resource, alice)).toEqual({ changed: true });
    expect(aws.ssoAdmin.hasAssignment(MEMBER_ACCOUNT, arn(), alice)).toBe(false);
    expect(ops('DeleteAccountAssignment')).toHaveLength(1);
    expect(ops('DescribeAccountAssignmentDeletionStatus')).toHaveLength(4);
    // The user's other permission sets on the account are untouched.
    expect(aws.ssoAdmin.sortedAssignments().filter((a) => a.principalId === alice)).toHaveLength(3);
  });

  it('finds a user by user name when no email matches', async () => {
    expect(await provisioner.grant(resource, 'bob@example.com')).toEqual({ principalId: bob, changed: true });
    expect(aws.ssoAdmin.hasAssignment(MEMBER_ACCOUNT, arn(), bob)).toBe(true);
  });

  it('changes nothing when the user already has it, or no longer has it', async () => {
    await provisioner.grant(resource, 'alice@example.com');
    expect(await provisioner.grant(resource, 'alice@example.com')).toEqual({
      principalId: alice,
      changed: false,
    });
    expect(ops('CreateAccountAssignment')).toHaveLength(1);

    await provisioner.revoke(resource, alice);
    expect(await provisioner.revoke(resource, alice)).toEqual({ changed: false });
    // Revoking again still asks AWS to delete (a creation in progress is not listed), which changes nothing.
    expect(ops('DeleteAccountAssignment')).toHaveLength(2);
    expect(aws.ssoAdmin.hasAssignment(MEMBER_ACCOUNT, arn(), alice)).toBe(false);

    // An administrator assigned it by hand: granting counts that as done.
    aws.ssoAdmin.assign(MEMBER_ACCOUNT, arn(), bob);
    expect(await provisioner.grant(resource, 'bob@example.com')).toEqual({
      principalId: bob,
      changed: false,
    });
    expect(ops('CreateAccountAssignment')).toHaveLength(1);
  });

  it('counts an assignment removed by someone else while revoking as already gone', async () => {
    aws.ssoAdmin.assign(MEMBER_ACCOUNT, arn(), alice);
    aws.failNext('DeleteAccountAssignment', {
      status: 400,
      type: 'ResourceNotFoundException',
      service: 'sso',
    });
    expect(await provisioner.revoke(resource, alice)).toEqual({ changed: false });
    expect(ops('DescribeAccountAssignmentDeletionStatus')).toEqual([]);
  });

  it('refuses, without retrying, an assignment AWS reports FAILED, with AWS’s reason', async () => {
    const reason = 'Received a 403 status error: the SAML provider AWSSSO_1234 could not be created';
    aws.ssoAdmin.failNextAssignment(reason);
    const error = await provisioner.grant(resource, 'alice@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error).toMatchObject({ retriable: false, message: expect.stringContaining(reason) });
    expect(aws.ssoAdmin.hasAssignment(MEMBER_ACCOUNT, arn(), alice)).toBe(false);

    aws.ssoAdmin.assign(MEMBER_ACCOUNT, arn(), alice);
    aws.ssoAdmin.failNextAssignment('the role is in use');
    await expect(provisioner.revoke(resource, alice)).rejects.toMatchObject({
      retriable: false,
      message: expect.stringMatching(/deletion failed: the role is in use/),
    });
    expect(aws.ssoAdmin.hasAssignment(MEMBER_ACCOUNT, arn(), alice)).toBe(true);
  });

  it('gives up on an assignment still IN_PROGRESS after the poll timeout, retriably, and finds it done later', async () => {
    aws.ssoAdmin.setPollsUntilDone(1_000);
    const started = Date.now();
    const error = await provisioner.grant(resource, 'alice@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error).toMatchObject({ retriable: true, message: expect.stringContaining('still in progress') });
    expect(Date.now() - started).toBeLessThan(1_000);
    const polls = ops('DescribeAccountAssignmentCreationStatus').length;
    // 5, 10, 20, 20… ms apart within 100 ms: a handful of polls, not a busy loop.
    expect(polls).toBeGreaterThanOrEqual(3);
    expect(polls).toBeLessThanOrEqual(10);

    // A retry while AWS is still at it is told to come back later, not that it failed for good.
    await expect(provisioner.grant(resource, 'alice@example.com')).rejects.toMatchObject({ retriable: true });

    // AWS finishes meanwhile: the next attempt finds the assignment and creates nothing more.
    aws.ssoAdmin.completePending();
    expect(await provisioner.grant(resource, 'alice@example.com')).toEqual({
      principalId: alice,
      changed: false,
    });
    expect(ops('CreateAccountAssignment').filter((c) => c.status === 200)).toHaveLength(1);
  });

  it('retries a removal that meets an assignment AWS is still creating, and removes it once AWS has', async () => {
    aws.ssoAdmin.setPollsUntilDone(1_000);
    await expect(provisioner.grant(resource, 'alice@example.com')).rejects.toMatchObject({ retriable: true });

    // Revoking at once meets the creation still in progress: told to come back, never "already gone".
    const error = await provisioner.revoke(resource, alice).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error).toMatchObject({ retriable: true, message: expect.stringContaining('ConflictException') });

    aws.ssoAdmin.completePending();
    aws.ssoAdmin.setPollsUntilDone(1);
    expect(await provisioner.revoke(resource, alice)).toEqual({ changed: true });
    expect(aws.ssoAdmin.hasAssignment(MEMBER_ACCOUNT, resource.permissionSetArn ?? '', alice)).toBe(false);
  });

  it('lists the users who hold it, across pages, leaving out groups', async () => {
    const carol = aws.addUser({ userName: 'carol', email: 'carol@example.com' });
    const dan = aws.addUser({ userName: 'dan', email: 'dan@example.com' });
    const admins = aws.addGroup({ displayName: 'Admins' });
    aws.ssoAdmin.assign(MEMBER_ACCOUNT, arn(), carol);
    aws.ssoAdmin.assign(MEMBER_ACCOUNT, arn(), admins, 'GROUP');
    aws.ssoAdmin.assign(MEMBER_ACCOUNT, arn(), dan);
    await provisioner.grant(resource, 'alice@example.com');

    expect(await provisioner.holders(resource)).toEqual([carol, dan, alice]);
    // Four assignments two to a page.
    expect(ops('ListAccountAssignments')).toHaveLength(2);

    await provisioner.revoke(resource, alice);
    expect(await provisioner.holders(resource)).toEqual([carol, dan]);
    for (const user of [carol, dan]) aws.ssoAdmin.unassign(MEMBER_ACCOUNT, arn(), user);
    aws.ssoAdmin.unassign(MEMBER_ACCOUNT, arn(), admins, 'GROUP');
  });

  it('finds the Identity Center instance with ListInstances when the policy names none, once', async () => {
    const discovering = new AwsProvisioner({ region: 'us-east-1', poll, callLimits });
    try {
      expect(await discovering.grant(resource, 'alice@example.com')).toEqual({
        principalId: alice,
        changed: true,
      });
      expect(await discovering.holders(resource)).toEqual([alice]);
      expect(await discovering.revoke(resource, alice)).toEqual({ changed: true });
    } finally {
      discovering.destroy();
    }
    expect(ops('ListInstances')).toHaveLength(1);
    expect(ops('GetUserId')[0]?.input).toMatchObject({ IdentityStoreId: aws.identityStoreId });
    expect(ops('CreateAccountAssignment')[0]?.input).toMatchObject({ InstanceArn: aws.ssoAdmin.instanceArn });
  });

  it('says when the user is not in Identity Center, without asking for an assignment', async () => {
    await expect(provisioner.grant(resource, 'nobody@example.com')).rejects.toMatchObject({
      retriable: false,
      message: expect.stringContaining('nobody@example.com'),
    });
    expect(ops('CreateAccountAssignment')).toEqual([]);
  });
});
