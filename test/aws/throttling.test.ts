import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsProvisioner } from '../../src/aws/aws-provisioner.js';
import { MemorySlots } from '../../src/aws/call-limits.js';
import { discoverCatalog } from '../../src/aws/catalog-discovery.js';
import type { Resource } from '../../src/core/model.js';
import type { FakeAwsServer } from '../support/fake-aws-server.js';
import { addMemberAccount, EXTERNAL_ID, MEMBER_ACCOUNT, ROLE_NAME, startLocalAws } from './aws-env.js';

/**
 * A third of all calls throttled, with the retries Latch configures when AWS_MAX_ATTEMPTS is not
 * set: every operation still completes, and only its throttled attempts are repeated. The SDK
 * waits up to 1 s (then 2 s…) before retrying a throttled call, so the scenarios stay small.
 */
// A retry waits up to 1 s, 2 s, 4 s…: several in a row under concurrency exceed the default 5 s.
describe('a third of AWS calls throttled (real SDK, local AWS)', { timeout: 20_000 }, () => {
  let aws: FakeAwsServer;
  let provisioner: AwsProvisioner;
  let alice: string;
  let oncall: Resource;
  let powerUser: Resource;
  const readOnly: Resource = {
    id: 'member-readonly',
    name: 'ReadOnly',
    kind: 'iam_group',
    accountId: MEMBER_ACCOUNT,
    groupName: 'ReadOnly',
    tier: 'low',
    owners: [],
    enforce: false,
  };

  /** Throttled answers so far, and a check that they were every third call. */
  const throttled = () => {
    const refused = aws.calls.filter((c) => c.status !== 200);
    expect(refused.length).toBe(Math.floor(aws.calls.length / 3));
    expect(refused.every((c) => c.status === 400)).toBe(true);
    return refused.length;
  };

  beforeAll(async () => {
    aws = await startLocalAws();
    // Latch's own default (5 attempts), as a deployment that sets nothing gets it.
    delete process.env.AWS_MAX_ATTEMPTS;
    addMemberAccount(aws);
    alice = aws.addUser({ userName: 'alice', email: 'alice@example.com' });
    oncall = {
      id: 'oncall',
      name: 'oncall',
      kind: 'sso_group',
      groupId: aws.addGroup({ displayName: 'oncall' }),
      tier: 'low',
      owners: [],
      enforce: false,
    };
    powerUser = {
      id: 'member-poweruser',
      name: 'PowerUser',
      kind: 'sso_permission_set',
      accountId: MEMBER_ACCOUNT,
      permissionSetArn: aws.ssoAdmin.addPermissionSet({ name: 'PowerUser' }),
      tier: 'high',
      owners: [],
      enforce: false,
    };
    aws.iam.addGroup(MEMBER_ACCOUNT, { groupName: 'ReadOnly' });
    for (const userName of ['ci-bot', 'alice']) aws.iam.addUser(MEMBER_ACCOUNT, { userName });
    provisioner = new AwsProvisioner({
      region: 'us-east-1',
      role: ROLE_NAME,
      externalId: EXTERNAL_ID,
      identityStoreId: aws.identityStoreId,
      instanceArn: aws.ssoAdmin.instanceArn,
      poll: { firstDelayMs: 5, maxDelayMs: 20, timeoutMs: 5_000 },
    });
  });
  afterAll(async () => {
    provisioner.destroy();
    await aws.close();
  });
  beforeEach(() => {
    aws.reset();
    aws.throttleEvery(3);
  });

  it('grants and revokes an Identity Center group membership', async () => {
    const granted = await provisioner.grant(oncall, 'alice@example.com');
    expect(granted).toMatchObject({ principalId: alice, changed: true });
    expect(aws.isMember(oncall.groupId ?? '', alice)).toBe(true);
    expect(await provisioner.revoke(oncall, alice, granted.ref)).toEqual({ changed: true });
    expect(aws.isMember(oncall.groupId ?? '', alice)).toBe(false);
    expect(throttled()).toBeGreaterThan(0);
    // Each membership was created and deleted once: a throttled call never ran.
    expect(aws.calls.filter((c) => c.operation === 'CreateGroupMembership' && c.status === 200)).toHaveLength(
      1,
    );
  });

  it('assigns and unassigns a permission set, polling through the throttling', async () => {
    expect(await provisioner.grant(powerUser, 'alice@example.com')).toEqual({
      principalId: alice,
      changed: true,
    });
    expect(aws.ssoAdmin.hasAssignment(MEMBER_ACCOUNT, powerUser.permissionSetArn ?? '', alice)).toBe(true);
    expect(await provisioner.holders(powerUser)).toEqual([alice]);
    expect(await provisioner.revoke(powerUser, alice)).toEqual({ changed: true });
    expect(aws.ssoAdmin.assignmentsOf(MEMBER_ACCOUNT, powerUser.permissionSetArn ?? '')).toEqual([]);
    expect(throttled()).toBeGreaterThan(0);
    expect(
      aws.calls.filter((c) => c.operation === 'CreateAccountAssignment' && c.status === 200),
    ).toHaveLength(1);
  });

  it('adds and removes an IAM group member in a member account, AssumeRole included', async () => {
    expect(await provisioner.grant(readOnly, 'alice@example.com')).toEqual({
      principalId: 'alice',
      changed: true,
    });
    expect(aws.iam.isMember(MEMBER_ACCOUNT, 'ReadOnly', 'alice')).toBe(true);
    expect(await provisioner.holders(readOnly)).toEqual(['alice']);
    expect(await provisioner.revoke(readOnly, 'alice')).toEqual({ changed: true });
    expect(aws.iam.membersOf(MEMBER_ACCOUNT, 'ReadOnly')).toEqual([]);
    expect(throttled()).toBeGreaterThan(0);
  });
});

/**
 * Discovery sends bursts (eight accounts at once) and, unpaced, meets AWS's per-second limit the way
 * a replica sharing the budget with another tool would: every call over the limit is throttled, and
 * the SDK's retries and adaptive rate carry each command through.
 */
describe('AWS throttling discovery above its rate (real SDK, local AWS)', { timeout: 20_000 }, () => {
  let aws: FakeAwsServer;

  beforeAll(async () => {
    aws = await startLocalAws();
    delete process.env.AWS_MAX_ATTEMPTS;
  });
  afterAll(async () => {
    await aws.close();
  });

  it('discovers the catalog of ten accounts completely, counting commands rather than retries', async () => {
    const accounts = Array.from({ length: 10 }, (_, i) => {
      const id = addMemberAccount(aws, String(400_000_000_000 + i), `workload-${i}`);
      aws.iam.addGroup(id, { groupName: `team-${i}` });
      return id;
    });
    const permissionSet = aws.ssoAdmin.addPermissionSet({ name: 'PowerUser' });
    for (const id of accounts.slice(0, 3)) aws.ssoAdmin.provision(permissionSet, id);
    const oncall = aws.addGroup({ displayName: 'oncall' });
    const expected = [
      ...accounts.map((id, i) => `iam_group:${id}:team-${i}`),
      ...accounts.slice(0, 3).map((id) => `sso_permission_set:${id}:${permissionSet}`),
      `sso_group:${oncall}`,
    ].sort();
    aws.setRateLimit(4);

    let failedCommands = 0;
    const result = await discoverCatalog({
      region: 'us-east-1',
      role: ROLE_NAME,
      externalId: EXTERNAL_ID,
      onCall: (_action, error) => {
        if (error) failedCommands += 1;
      },
      // Unpaced: Latch's own pacing would keep it under the limit, and nothing would be throttled.
      callLimits: { callRate: { take: async () => {} }, assignmentSlots: new MemorySlots() },
    });

    expect(result.failures).toEqual([]);
    expect(result.accounts).toHaveLength(11);
    expect(result.resources.map((r) => r.key).sort()).toEqual(expected);
    // Eight AssumeRole calls at once against four a second: at least four were throttled.
    const refused = aws.calls.filter((c) => c.status !== 200);
    expect(refused.filter((c) => c.operation === 'AssumeRole').length).toBeGreaterThanOrEqual(4);
    expect(refused.every((c) => c.status === 400)).toBe(true);
    expect(failedCommands).toBe(0);
    expect(result.calls).toBe(aws.calls.length - refused.length);
  });
});
