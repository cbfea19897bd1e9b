import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsProvisioner } from '../../src/aws/aws-provisioner.js';
import { MemoryCallRate, MemorySlots } from '../../src/aws/call-limits.js';
import { ProvisioningError } from '../../src/core/errors.js';
import type { Resource } from '../../src/core/model.js';
import type { FakeAwsServer } from '../support/fake-aws-server.js';
import { addMemberAccount, EXTERNAL_ID, MEMBER_ACCOUNT, ROLE_NAME, startLocalAws } from './aws-env.js';

const readOnly = (accountId: string): Resource => ({
  id: 'dev-readonly',
  name: 'ReadOnly',
  kind: 'iam_group',
  accountId,
  groupName: 'ReadOnly',
  tier: 'low',
  owners: [],
  enforce: false,
});

describe('AwsProvisioner for IAM groups (real SDK, local AWS)', () => {
  let aws: FakeAwsServer;
  let provisioner: AwsProvisioner;

  beforeAll(async () => {
    aws = await startLocalAws({ pageSize: 2 });
    addMemberAccount(aws);
    for (const account of [aws.accountId, MEMBER_ACCOUNT]) {
      aws.iam.addGroup(account, { groupName: 'ReadOnly' });
      for (const userName of ['ci-bot', 'deploy', 'legacy']) aws.iam.addUser(account, { userName });
    }
    aws.iam.addUser(MEMBER_ACCOUNT, { userName: 'carol.tagged', tags: { email: 'carol@example.com' } });
    aws.iam.addUser(MEMBER_ACCOUNT, { userName: 'carol@example.com' });
    aws.iam.addUser(MEMBER_ACCOUNT, { userName: 'dave' });
    aws.iam.addUser(MEMBER_ACCOUNT, { userName: 'Erin.Tag', tags: { Email: 'ERIN@example.com' } });
    aws.iam.addUser(aws.accountId, { userName: 'alice@example.com' });
    provisioner = new AwsProvisioner({ region: 'us-east-1', role: ROLE_NAME, externalId: EXTERNAL_ID });
  });
  afterAll(async () => {
    provisioner.destroy();
    await aws.close();
  });
  beforeEach(() => aws.reset());

  it('gives up on a member account’s AssumeRole or IAM call that AWS never answers, as worth retrying', async () => {
    const impatient = new AwsProvisioner({
      region: 'us-east-1',
      role: ROLE_NAME,
      externalId: EXTERNAL_ID,
      idleTimeoutMs: 300,
    });
    const revoke = () => impatient.revoke(readOnly(MEMBER_ACCOUNT), 'legacy');
    try {
      for (const operation of ['AssumeRole', 'ListGroupsForUser']) {
        aws.stallNext(operation);
        const startedAt = Date.now();
        await expect(revoke(), operation).rejects.toMatchObject({
          retriable: true,
          message: expect.stringContaining('TimeoutError'),
        });
        expect(Date.now() - startedAt, operation).toBeLessThan(5000);
      }
      // The next attempts, as the sweep makes them, go through.
      expect(await revoke()).toEqual({ changed: false });
      const answered = (operation: string) =>
        aws.calls.filter((c) => c.operation === operation).map((c) => c.status);
      expect(answered('AssumeRole')).toEqual([0, 200]);
      expect(answered('ListGroupsForUser')).toEqual([0, 200]);
    } finally {
      impatient.destroy();
    }
  });

  it('adds and removes a member-account user through the cross-account role, idempotently', async () => {
    const resource = readOnly(MEMBER_ACCOUNT);
    expect(await provisioner.grant(resource, 'dave@example.com')).toEqual({
      principalId: 'dave',
      changed: true,
    });
    expect(aws.iam.isMember(MEMBER_ACCOUNT, 'ReadOnly', 'dave')).toBe(true);
    expect(await provisioner.grant(resource, 'dave@example.com')).toEqual({
      principalId: 'dave',
      changed: false,
    });
    expect(await provisioner.holders(resource)).toEqual(['dave']);

    expect(await provisioner.revoke(resource, 'dave')).toEqual({ changed: true });
    expect(aws.iam.isMember(MEMBER_ACCOUNT, 'ReadOnly', 'dave')).toBe(false);
    expect(await provisioner.revoke(resource, 'dave')).toEqual({ changed: false });

    const assumed = aws.calls.filter((c) => c.operation === 'AssumeRole');
    expect(assumed).toHaveLength(1);
    expect(assumed[0]?.input).toMatchObject({
      RoleArn: `arn:aws:iam::${MEMBER_ACCOUNT}:role/${ROLE_NAME}`,
      ExternalId: EXTERNAL_ID,
    });
    const iamCalls = aws.calls.filter((c) => c.service === 'iam');
    expect(new Set(iamCalls.map((c) => c.account))).toEqual(new Set([MEMBER_ACCOUNT]));
  });

  it('uses the default credentials, without AssumeRole, in its own account', async () => {
    const resource = readOnly(aws.accountId);
    expect(await provisioner.grant(resource, 'alice@example.com')).toMatchObject({
      principalId: 'alice@example.com',
    });
    expect(aws.iam.isMember(aws.accountId, 'ReadOnly', 'alice@example.com')).toBe(true);
    expect(aws.calls.some((c) => c.operation === 'AssumeRole')).toBe(false);
    await provisioner.revoke(resource, 'alice@example.com');
  });

  it('matches the email tag before a user named after the email, then the local part', async () => {
    const resource = readOnly(MEMBER_ACCOUNT);
    expect((await provisioner.grant(resource, 'carol@example.com')).principalId).toBe('carol.tagged');
    expect((await provisioner.grant(resource, 'erin@example.com')).principalId).toBe('Erin.Tag');
    await provisioner.revoke(resource, 'carol.tagged');
    await provisioner.revoke(resource, 'Erin.Tag');
  });

  it('refuses an email no IAM user matches, and two users tagged with one email', async () => {
    const resource = readOnly(MEMBER_ACCOUNT);
    const unknown = await provisioner.grant(resource, 'zed@example.com').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ProvisioningError);
    expect(unknown).toMatchObject({ retriable: false, message: expect.stringContaining(MEMBER_ACCOUNT) });

    aws.iam.addUser(MEMBER_ACCOUNT, { userName: 'frank-1', tags: { email: 'frank@example.com' } });
    aws.iam.addUser(MEMBER_ACCOUNT, { userName: 'frank-2', tags: { Email: 'frank@example.com' } });
    await expect(provisioner.grant(resource, 'frank@example.com')).rejects.toThrow(/frank-1, frank-2/);
    expect(aws.iam.membersOf(MEMBER_ACCOUNT, 'ReadOnly')).toEqual([]);
  });

  it('never assumes a role without an ExternalId, and says which account a wrong one fails in', async () => {
    const noExternalId = new AwsProvisioner({ region: 'us-east-1', role: ROLE_NAME });
    const missing = await noExternalId
      .grant(readOnly(MEMBER_ACCOUNT), 'dave@example.com')
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ retriable: false, message: expect.stringContaining('aws.external_id') });
    noExternalId.destroy();

    const wrong = new AwsProvisioner({ region: 'us-east-1', role: ROLE_NAME, externalId: 'not-the-one' });
    const denied = await wrong.grant(readOnly(MEMBER_ACCOUNT), 'dave@example.com').catch((e: unknown) => e);
    expect(denied).toMatchObject({
      retriable: false,
      message: expect.stringMatching(new RegExp(`cannot assume .*${ROLE_NAME} in account ${MEMBER_ACCOUNT}`)),
    });
    wrong.destroy();
    expect(
      aws.calls
        .filter((c) => c.operation === 'AssumeRole')
        .map((c) => (c.input as { ExternalId?: string }).ExternalId),
    ).toEqual(['not-the-one']);
  });

  it('names the IAM action Latch lacks when AWS denies it', async () => {
    aws.failNext('AddUserToGroup', { status: 403, type: 'AccessDenied', service: 'iam' });
    const error = await provisioner
      .grant(readOnly(MEMBER_ACCOUNT), 'dave@example.com')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      retriable: false,
      message: expect.stringContaining('iam:AddUserToGroup was denied'),
    });
  });
});

describe('one member account reached by several operations at once', () => {
  it('assumes the role once and shares the client', async () => {
    const aws = await startLocalAws();
    addMemberAccount(aws);
    for (const groupName of ['ReadOnly', 'Billing', 'Auditors'])
      aws.iam.addGroup(MEMBER_ACCOUNT, { groupName });
    for (const userName of ['dave', 'erin', 'frank', 'grace']) aws.iam.addUser(MEMBER_ACCOUNT, { userName });
    aws.iam.addToGroup(MEMBER_ACCOUNT, 'Auditors', 'grace');
    const provisioner = new AwsProvisioner({ region: 'us-east-1', role: ROLE_NAME, externalId: EXTERNAL_ID });
    const group = (groupName: string): Resource => ({
      ...readOnly(MEMBER_ACCOUNT),
      id: groupName,
      groupName,
    });
    try {
      const [dave, erin, frank, auditors] = await Promise.all([
        provisioner.grant(group('ReadOnly'), 'dave@example.com'),
        provisioner.grant(group('ReadOnly'), 'erin@example.com'),
        provisioner.grant(group('Billing'), 'frank@example.com'),
        provisioner.holders(group('Auditors')),
      ]);
      expect([dave, erin, frank].map((r) => r.changed)).toEqual([true, true, true]);
      expect(aws.iam.membersOf(MEMBER_ACCOUNT, 'ReadOnly').sort()).toEqual(['dave', 'erin']);
      expect(aws.iam.membersOf(MEMBER_ACCOUNT, 'Billing')).toEqual(['frank']);
      expect(auditors).toEqual(['grace']);
      expect(aws.calls.filter((c) => c.operation === 'AssumeRole')).toHaveLength(1);
    } finally {
      provisioner.destroy();
      await aws.close();
    }
  });
});

describe('cross-account credentials', () => {
  it('keeps them while they last, and renews them shortly before they expire', async () => {
    const aws = await startLocalAws();
    aws.organizations.addAccount({ id: '333333333333', name: 'long' });
    aws.organizations.addAccount({ id: '444444444444', name: 'short' });
    // 20 minutes left: reused. 2 minutes left: inside the SDK's 5-minute renewal window, so renewed.
    aws.addRole({
      arn: `arn:aws:iam::333333333333:role/${ROLE_NAME}`,
      externalId: EXTERNAL_ID,
      credentialsExpireInSeconds: 1200,
    });
    aws.addRole({
      arn: `arn:aws:iam::444444444444:role/${ROLE_NAME}`,
      externalId: EXTERNAL_ID,
      credentialsExpireInSeconds: 120,
    });
    const provisioner = new AwsProvisioner({ region: 'us-east-1', role: ROLE_NAME, externalId: EXTERNAL_ID });
    try {
      for (const account of ['333333333333', '444444444444']) {
        aws.iam.addGroup(account, { groupName: 'ReadOnly' });
        for (let i = 0; i < 3; i += 1) await provisioner.holders(readOnly(account));
      }
      const assumedIn = (account: string) =>
        aws.calls.filter(
          (c) =>
            c.operation === 'AssumeRole' &&
            String((c.input as { RoleArn: string }).RoleArn).includes(account),
        ).length;
      const iamCallsIn = (account: string) =>
        aws.calls.filter((c) => c.service === 'iam' && c.account === account).length;
      expect(iamCallsIn('333333333333')).toBeGreaterThanOrEqual(3);
      expect(assumedIn('333333333333')).toBe(1);
      // Inside the renewal window, every command gets fresh credentials first.
      expect(assumedIn('444444444444')).toBeGreaterThanOrEqual(iamCallsIn('444444444444'));
    } finally {
      provisioner.destroy();
      await aws.close();
    }
  });
});

/**
 * AWS publishes no IAM rate (PLATFORM.md B9); the local AWS throttles IAM above 20 calls a second,
 * as in the benchmarks, and the SDK may not retry (AWS_MAX_ATTEMPTS=1), so a throttled call fails
 * the grant it belongs to.
 */
describe('IAM calls paced like every other AWS service (real SDK, local AWS)', { timeout: 30_000 }, () => {
  it('grants eight people an IAM group at once, in a member account and in its own, without a call throttled', async () => {
    const aws = await startLocalAws();
    addMemberAccount(aws);
    const people = Array.from({ length: 4 }, (_, i) => `pat${i}`);
    for (const account of [aws.accountId, MEMBER_ACCOUNT]) {
      aws.iam.addGroup(account, { groupName: 'ReadOnly' });
      for (const userName of people) aws.iam.addUser(account, { userName });
    }
    aws.setRateLimit(20, 'iam');
    const provisioner = new AwsProvisioner({
      region: 'us-east-1',
      role: ROLE_NAME,
      externalId: EXTERNAL_ID,
      callLimits: { callRate: new MemoryCallRate(), assignmentSlots: new MemorySlots() },
    });
    try {
      // The four grants in an account share one read of its users (ListUsers and each user's tags:
      // 5 calls), then each checks and adds (2 calls): 26 calls, more than AWS allows in a second.
      const results = await Promise.all(
        [aws.accountId, MEMBER_ACCOUNT].flatMap((account) =>
          people.map((name) => provisioner.grant(readOnly(account), `${name}@example.com`)),
        ),
      );

      expect(results.map((r) => r.changed)).toEqual(Array(8).fill(true));
      for (const account of [aws.accountId, MEMBER_ACCOUNT]) {
        expect(aws.iam.membersOf(account, 'ReadOnly').sort()).toEqual(people);
      }
      const iam = aws.calls.filter((c) => c.service === 'iam');
      expect(iam.filter((c) => c.operation === 'ListUsers')).toHaveLength(2);
      expect(iam).toHaveLength(26);
      expect(iam.filter((c) => c.status !== 200)).toEqual([]);
    } finally {
      provisioner.destroy();
      await aws.close();
    }
  });

  it('reads the account again for a grant that joined a read begun before its user was made', async () => {
    const aws = await startLocalAws();
    aws.iam.addGroup(aws.accountId, { groupName: 'ReadOnly' });
    for (const userName of ['ann', 'ben', 'cy', 'di']) aws.iam.addUser(aws.accountId, { userName });
    aws.setLatency(100);
    const provisioner = new AwsProvisioner({
      region: 'us-east-1',
      callLimits: { callRate: new MemoryCallRate(), assignmentSlots: new MemorySlots() },
    });
    try {
      const first = provisioner.grant(readOnly(aws.accountId), 'ann@example.com');
      // Ann's grant has listed the users and is reading their tags when Eve is made and asks.
      await aws.waitForCall('ListUsers', () => true);
      aws.iam.addUser(aws.accountId, { userName: 'eve' });
      const second = provisioner.grant(readOnly(aws.accountId), 'eve@example.com');

      expect((await Promise.all([first, second])).map((r) => r.principalId)).toEqual(['ann', 'eve']);
      expect(aws.calls.filter((c) => c.operation === 'ListUsers')).toHaveLength(2);
    } finally {
      provisioner.destroy();
      await aws.close();
    }
  });

  it('takes every IAM and AssumeRole call of a grant and a revocation from the limits it is given', async () => {
    const aws = await startLocalAws();
    addMemberAccount(aws);
    for (const account of [aws.accountId, MEMBER_ACCOUNT]) {
      aws.iam.addGroup(account, { groupName: 'ReadOnly' });
      aws.iam.addUser(account, { userName: 'dave' });
    }
    const taken: string[] = [];
    const provisioner = new AwsProvisioner({
      region: 'us-east-1',
      role: ROLE_NAME,
      externalId: EXTERNAL_ID,
      callLimits: {
        callRate: { take: async (bucket) => void taken.push(bucket.name) },
        assignmentSlots: new MemorySlots(),
      },
    });
    try {
      for (const account of [aws.accountId, MEMBER_ACCOUNT]) {
        await provisioner.grant(readOnly(account), 'dave@example.com');
        await provisioner.revoke(readOnly(account), 'dave');
      }
    } finally {
      provisioner.destroy();
      await aws.close();
    }

    const sent = (service: string) => aws.calls.filter((c) => c.service === service).length;
    // GetCallerIdentity (which account is Latch's own) is the one call left unpaced.
    expect(sent('sts')).toBe(2);
    expect(taken.filter((name) => name === 'sts')).toHaveLength(1);
    expect(taken.filter((name) => name === 'iam')).toHaveLength(sent('iam'));
    expect(sent('iam')).toBeGreaterThanOrEqual(10);
    expect(new Set(taken)).toEqual(new Set(['iam', 'sts']));
  });
});
