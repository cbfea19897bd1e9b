import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsProvisioner } from '../../src/aws/aws-provisioner.js';
import { ProvisioningError } from '../../src/core/errors.js';
import type { Resource } from '../../src/core/model.js';
import { type FakeAwsServer, startFakeAwsServer } from '../support/fake-aws-server.js';

describe('AwsProvisioner for Identity Center groups (real SDK, local AWS)', () => {
  let aws: FakeAwsServer;
  let provisioner: AwsProvisioner;
  let resource: Resource;
  let alice: string;

  beforeAll(async () => {
    aws = await startFakeAwsServer({ identityStoreId: 'd-1234567890' });
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIAADAPTERFAKE',
      AWS_SECRET_ACCESS_KEY: 'adapter-fake-secret',
      AWS_ENDPOINT_URL: aws.url,
      AWS_MAX_ATTEMPTS: '1',
    });
    provisioner = new AwsProvisioner({ region: 'us-east-1', identityStoreId: 'd-1234567890' });
    alice = aws.addUser({ userName: 'alice@example.com', email: 'alice.work@example.com' });
    aws.addUser({ userName: 'bob', email: 'bob@example.com' });
    const group = aws.addGroup({ displayName: 'oncall' });
    resource = {
      id: 'oncall',
      name: 'oncall',
      kind: 'sso_group',
      groupId: group,
      tier: 'low',
      owners: [],
      enforce: false,
    };
  });
  afterAll(async () => {
    await aws.close();
  });
  beforeEach(() => {
    aws.reset();
    if (aws.isMember(resource.groupId ?? '', alice)) aws.removeMembership(resource.groupId ?? '', alice);
  });

  it('finds the user by email first, then by user name', async () => {
    expect((await provisioner.grant(resource, 'alice.work@example.com')).principalId).toBe(alice);
    aws.removeMembership(resource.groupId ?? '', alice);
    expect((await provisioner.grant(resource, 'alice@example.com')).principalId).toBe(alice);
    const lookedUpBy = aws.calls
      .filter((c) => c.operation === 'GetUserId')
      .map(
        (c) =>
          (c.input as { AlternateIdentifier: { UniqueAttribute: { AttributePath: string } } })
            .AlternateIdentifier.UniqueAttribute.AttributePath,
      );
    expect(lookedUpBy).toEqual(['emails.value', 'emails.value', 'userName']);
  });

  it('refuses, without retrying, a person AWS does not know', async () => {
    const error = await provisioner.grant(resource, 'nobody@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvisioningError);
    expect(error).toMatchObject({ retriable: false, message: expect.stringContaining('nobody@example.com') });
  });

  it('counts an existing membership as done when granting', async () => {
    const membershipId = aws.addMembership(resource.groupId ?? '', alice);
    expect(await provisioner.grant(resource, 'alice.work@example.com')).toEqual({
      principalId: alice,
      changed: false,
      ref: membershipId,
    });
    expect(aws.isMember(resource.groupId ?? '', alice)).toBe(true);
  });

  it('counts a missing membership as done when revoking, and removes a present one', async () => {
    expect(await provisioner.revoke(resource, alice)).toEqual({ changed: false });
    aws.addMembership(resource.groupId ?? '', alice);
    expect(await provisioner.revoke(resource, alice)).toEqual({ changed: true });
    expect(aws.isMember(resource.groupId ?? '', alice)).toBe(false);
  });

  it('revokes with the membership id it granted in one call', async () => {
    const { ref } = await provisioner.grant(resource, 'alice.work@example.com');
    aws.reset();
    expect(await provisioner.revoke(resource, alice, ref)).toEqual({ changed: true });
    expect(aws.isMember(resource.groupId ?? '', alice)).toBe(false);
    expect(aws.calls.map((c) => c.operation)).toEqual(['DeleteGroupMembership']);
  });

  it('still removes a membership made again by hand after the one it granted was removed', async () => {
    const { ref } = await provisioner.grant(resource, 'alice.work@example.com');
    aws.removeMembership(resource.groupId ?? '', alice);
    aws.addMembership(resource.groupId ?? '', alice);
    expect(await provisioner.revoke(resource, alice, ref)).toEqual({ changed: true });
    expect(aws.isMember(resource.groupId ?? '', alice)).toBe(false);
  });

  it('looks a person up once for several grants in a row', async () => {
    const carol = aws.addUser({ userName: 'carol', email: 'carol@example.com' });
    const other = { ...resource, id: 'other', groupId: aws.addGroup({ displayName: 'other' }) };
    aws.reset();
    await provisioner.grant(resource, 'carol@example.com');
    await provisioner.grant(other, 'carol@example.com');
    expect(aws.calls.map((c) => c.operation)).toEqual([
      'GetUserId',
      'CreateGroupMembership',
      'CreateGroupMembership',
    ]);
    expect(aws.isMember(other.groupId, carol)).toBe(true);
  });

  it('looks a person up once for grants made at the same moment', async () => {
    aws.addUser({ userName: 'erin', email: 'erin@example.com' });
    const groups = ['e1', 'e2', 'e3'].map((name) => ({
      ...resource,
      id: name,
      groupId: aws.addGroup({ displayName: name }),
    }));
    aws.reset();
    await Promise.all(groups.map((group) => provisioner.grant(group, 'erin@example.com')));
    expect(aws.calls.filter((c) => c.operation === 'GetUserId')).toHaveLength(1);
    expect(aws.calls.filter((c) => c.operation === 'CreateGroupMembership')).toHaveLength(3);
  });

  it('looks a person up again when the user it remembered was deleted and made anew', async () => {
    const first = aws.addUser({ userName: 'dave', email: 'dave@example.com' });
    await provisioner.grant(resource, 'dave@example.com');
    aws.removeUser(first);
    const second = aws.addUser({ userName: 'dave', email: 'dave@example.com' });
    expect((await provisioner.grant(resource, 'dave@example.com')).principalId).toBe(second);
    expect(aws.isMember(resource.groupId ?? '', second)).toBe(true);
  });

  it('grants the user matched when the request was filed without looking the email up', async () => {
    const frank = aws.addUser({ userName: 'frank', email: 'frank@example.com' });
    const fresh = new AwsProvisioner({ region: 'us-east-1', identityStoreId: 'd-1234567890' });
    try {
      aws.reset();
      expect(await fresh.matchUser(resource, 'frank@example.com')).toBe(frank);
      expect(aws.calls.map((c) => c.operation)).toEqual(['GetUserId']);

      const later = new AwsProvisioner({ region: 'us-east-1', identityStoreId: 'd-1234567890' });
      aws.reset();
      expect((await later.grant(resource, 'frank@example.com', frank)).principalId).toBe(frank);
      expect(aws.calls.map((c) => c.operation)).toEqual(['CreateGroupMembership']);
      later.destroy();
    } finally {
      fresh.destroy();
    }
  });

  it('matches only Identity Center users ahead, and says when there is none', async () => {
    const iamGroup: Resource = {
      ...resource,
      id: 'ro',
      kind: 'iam_group',
      accountId: '111111111111',
      groupName: 'ReadOnly',
    };
    expect(await provisioner.matchUser(iamGroup, 'alice.work@example.com')).toBeUndefined();
    expect(aws.calls).toHaveLength(0);
    await expect(provisioner.matchUser(resource, 'nobody.else@example.com')).rejects.toMatchObject({
      retriable: false,
    });
  });

  it('gives up on a call AWS takes and never answers, as worth retrying, instead of waiting for ever', async () => {
    const impatient = new AwsProvisioner({
      region: 'us-east-1',
      identityStoreId: 'd-1234567890',
      idleTimeoutMs: 300,
    });
    try {
      await impatient.grant(resource, 'alice.work@example.com');
      aws.removeMembership(resource.groupId ?? '', alice);
      aws.stallNext('CreateGroupMembership');
      const startedAt = Date.now();
      const error = await impatient.grant(resource, 'alice.work@example.com').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProvisioningError);
      expect(error).toMatchObject({ retriable: true, message: expect.stringContaining('TimeoutError') });
      expect(Date.now() - startedAt).toBeLessThan(5000);
      expect(aws.calls.filter((c) => c.operation === 'CreateGroupMembership').map((c) => c.status)).toEqual([
        200, 0,
      ]);

      // The next attempt, as the sweep makes it, goes through.
      expect((await impatient.grant(resource, 'alice.work@example.com')).changed).toBe(true);
      expect(aws.isMember(resource.groupId ?? '', alice)).toBe(true);
    } finally {
      impatient.destroy();
    }
  });

  it('marks throttling as worth retrying and access denied as not', async () => {
    aws.failNext('CreateGroupMembership', { status: 400, type: 'ThrottlingException' });
    await expect(provisioner.grant(resource, 'alice.work@example.com')).rejects.toMatchObject({
      retriable: true,
    });
    aws.failNext('CreateGroupMembership', { status: 400, type: 'AccessDeniedException' });
    await expect(provisioner.grant(resource, 'alice.work@example.com')).rejects.toMatchObject({
      retriable: false,
    });
  });

  it('reports the identity it runs as', async () => {
    expect(await provisioner.callerIdentity()).toMatchObject({ account: aws.accountId });
  });
});
