import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsProvisioner } from '../../src/aws/aws-provisioner.js';
import { type CallLimits, MemoryCallRate, MemorySlots } from '../../src/aws/call-limits.js';
import type { Resource } from '../../src/core/model.js';
import { sharedCallLimits } from '../../src/db/shared-limits.js';
import type { FakeAwsCall, FakeAwsServer } from '../support/fake-aws-server.js';
import { anotherReplica, createTestDatabase, DIALECT } from '../support/test-database.js';
import { addMemberAccount, EXTERNAL_ID, MEMBER_ACCOUNT, ROLE_NAME, startLocalAws } from './aws-env.js';

const OTHER_ACCOUNT = '333333333333';
const HOUR = 60 * 60 * 1000;

const readOnlyGroup: Resource = {
  id: 'member-readonly',
  name: 'ReadOnly',
  kind: 'iam_group',
  accountId: MEMBER_ACCOUNT,
  groupName: 'ReadOnly',
  tier: 'low',
  owners: [],
  enforce: false,
};

const permissionSet = (accountId: string): Resource => ({
  id: `admin-${accountId}`,
  name: 'Admin',
  kind: 'sso_permission_set',
  accountId,
  permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef',
  tier: 'high',
  owners: [],
  enforce: false,
});

/** Every LookupEvents call, grouped by the account and region it read. */
function lookupsByScope(calls: ReadonlyArray<FakeAwsCall>): Map<string, FakeAwsCall[]> {
  const byScope = new Map<string, FakeAwsCall[]>();
  for (const call of calls.filter((c) => c.operation === 'LookupEvents')) {
    const key = `${call.account}/${call.region}`;
    byScope.set(key, [...(byScope.get(key) ?? []), call]);
  }
  for (const list of byScope.values()) list.sort((a, b) => a.at - b.at);
  return byScope;
}

/** CloudTrail's quota: never a third LookupEvents within one second for one account and region. */
function expectWithinLookupRate(calls: ReadonlyArray<FakeAwsCall>): void {
  const lookups = calls.filter((c) => c.operation === 'LookupEvents');
  expect(lookups.map((c) => c.status).filter((s) => s !== 200)).toEqual([]);
  for (const [scope, list] of lookupsByScope(calls)) {
    for (let i = 2; i < list.length; i++) {
      const span = (list[i]?.at ?? 0) - (list[i - 2]?.at ?? 0);
      expect(span, `${scope}: calls ${i - 2}..${i}`).toBeGreaterThanOrEqual(1000);
    }
  }
}

describe('activity from CloudTrail (real SDK, local AWS)', () => {
  let aws: FakeAwsServer;
  let provisioner: AwsProvisioner;
  const end = new Date();
  const start = new Date(end.getTime() - 4 * HOUR);
  const at = (hoursAgo: number) => new Date(end.getTime() - hoursAgo * HOUR);

  beforeAll(async () => {
    aws = await startLocalAws({ pageSize: 2 });
    addMemberAccount(aws);
    addMemberAccount(aws, OTHER_ACCOUNT, 'other');

    // dave works in the member account as the IAM user `dave` (his iam_group grant)…
    const dave = (
      eventName: string,
      hoursAgo: number,
      extra: { readOnly?: boolean; errorCode?: string } = {},
    ) =>
      aws.cloudTrail.addEvent({
        account: MEMBER_ACCOUNT,
        username: 'dave',
        eventName,
        eventTime: at(hoursAgo),
        readOnly: extra.readOnly ?? false,
        ...(extra.errorCode ? { errorCode: extra.errorCode, errorMessage: `${eventName} refused` } : {}),
      });
    dave('GetUser', 1, { readOnly: true });
    dave('GetUser', 1.5, { readOnly: true });
    dave('GetUser', 2, { readOnly: true });
    dave('CreateAccessKey', 2.5);
    dave('CreateAccessKey', 3);
    dave('DeleteUser', 3.2, { errorCode: 'AccessDenied' });
    dave('PutUserPolicy', 3.5, { errorCode: 'AccessDenied' });
    dave('AttachUserPolicy', 3.6, { errorCode: 'NoSuchEntityException' });
    // …outside the window, by someone else, or in another region: not his activity now.
    dave('DeleteRole', 5);
    aws.cloudTrail.addEvent({
      account: MEMBER_ACCOUNT,
      username: 'erin',
      eventName: 'DeleteRole',
      eventTime: at(1),
      readOnly: false,
    });
    aws.cloudTrail.addEvent({
      account: MEMBER_ACCOUNT,
      region: 'eu-west-1',
      username: 'dave',
      eventName: 'DeleteBucket',
      eventTime: at(1),
      readOnly: false,
    });

    // …and as alice@example.com through a permission set: the session name is her sign-in name.
    for (const [account, names] of [
      [MEMBER_ACCOUNT, ['ListBuckets', 'ListBuckets', 'GetObject', 'PutObject', 'TerminateInstances']],
      [OTHER_ACCOUNT, ['DescribeInstances', 'DescribeInstances', 'StopInstances']],
    ] as const) {
      for (const [i, eventName] of names.entries()) {
        aws.cloudTrail.addEvent({
          account,
          username: 'alice@example.com',
          eventName,
          eventSource: 'ec2.amazonaws.com',
          eventTime: at(0.5 + i * 0.25),
          readOnly:
            eventName.startsWith('List') || eventName.startsWith('Get') || eventName.startsWith('Describe'),
          ...(eventName === 'TerminateInstances' ? { errorCode: 'Client.UnauthorizedOperation' } : {}),
        });
      }
    }

    provisioner = new AwsProvisioner({ region: 'us-east-1', role: ROLE_NAME, externalId: EXTERNAL_ID });
  });
  afterAll(async () => {
    provisioner.destroy();
    await aws.close();
  });
  beforeEach(() => aws.reset());

  it('summarises an IAM user’s events in a member account, read through the role page by page', async () => {
    const summary = await provisioner.activity(readOnlyGroup, {
      principalId: 'dave',
      email: 'dave@example.com',
      start,
      end,
    });
    expect(summary).toEqual({
      events: 8,
      eventNames: [
        { name: 'GetUser', count: 3 },
        { name: 'CreateAccessKey', count: 2 },
        { name: 'AttachUserPolicy', count: 1 },
        { name: 'DeleteUser', count: 1 },
        { name: 'PutUserPolicy', count: 1 },
      ],
      writeEvents: 5,
      errors: [
        { code: 'AccessDenied', count: 2 },
        { code: 'NoSuchEntityException', count: 1 },
      ],
    });

    const lookups = aws.calls.filter((c) => c.operation === 'LookupEvents');
    // Eight events two to a page: four pages, read with the member account's credentials.
    expect(lookups).toHaveLength(4);
    expect(new Set(lookups.map((c) => `${c.account}/${c.region}`))).toEqual(
      new Set([`${MEMBER_ACCOUNT}/us-east-1`]),
    );
    expect(lookups[0]?.input).toMatchObject({
      LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'dave' }],
      StartTime: start.getTime() / 1000,
      EndTime: end.getTime() / 1000,
    });
    expect(aws.calls.filter((c) => c.operation === 'AssumeRole')).toEqual([
      expect.objectContaining({ status: 200, input: expect.objectContaining({ ExternalId: EXTERNAL_ID }) }),
    ]);
    expectWithinLookupRate(aws.calls);
  });

  it('summarises a permission-set user’s session events under the email, in the permission set’s account', async () => {
    const summary = await provisioner.activity(permissionSet(OTHER_ACCOUNT), {
      principalId: '0123456789-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      email: 'alice@example.com',
      start,
      end,
    });
    expect(summary).toEqual({
      events: 3,
      eventNames: [
        { name: 'DescribeInstances', count: 2 },
        { name: 'StopInstances', count: 1 },
      ],
      writeEvents: 1,
      errors: [],
    });
    const lookups = aws.calls.filter((c) => c.operation === 'LookupEvents');
    expect(lookups.map((c) => c.account)).toEqual([OTHER_ACCOUNT, OTHER_ACCOUNT]);
    expect(lookups[0]?.input).toMatchObject({
      LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'alice@example.com' }],
    });
  });

  it('keeps to two lookups a second per account and region while several summaries run at once', async () => {
    const window = { start, end };
    const started = Date.now();
    const [daveSummary, aliceHere, aliceThere] = await Promise.all([
      provisioner.activity(readOnlyGroup, { principalId: 'dave', email: 'dave@example.com', ...window }),
      provisioner.activity(permissionSet(MEMBER_ACCOUNT), {
        principalId: 'x',
        email: 'alice@example.com',
        ...window,
      }),
      provisioner.activity(permissionSet(OTHER_ACCOUNT), {
        principalId: 'x',
        email: 'alice@example.com',
        ...window,
      }),
    ]);
    const elapsed = Date.now() - started;

    expect(daveSummary.events).toBe(8);
    expect(aliceHere).toMatchObject({
      events: 5,
      writeEvents: 2,
      errors: [{ code: 'Client.UnauthorizedOperation', count: 1 }],
    });
    expect(aliceThere.events).toBe(3);

    // 4 + 3 lookups in the member account, 2 in the other; none refused by CloudTrail.
    const byScope = lookupsByScope(aws.calls);
    expect(byScope.get(`${MEMBER_ACCOUNT}/us-east-1`)).toHaveLength(7);
    expect(byScope.get(`${OTHER_ACCOUNT}/us-east-1`)).toHaveLength(2);
    expectWithinLookupRate(aws.calls);
    // 7 lookups at 2/s take at least 3 s in one account; the other account did not queue behind them.
    expect(elapsed).toBeGreaterThanOrEqual(3000);
    const member = byScope.get(`${MEMBER_ACCOUNT}/us-east-1`) ?? [];
    const other = byScope.get(`${OTHER_ACCOUNT}/us-east-1`) ?? [];
    expect(other.at(-1)?.at ?? Number.POSITIVE_INFINITY).toBeLessThan(member[4]?.at ?? 0);
  });

  /** Two replicas each summarise alice's 5 events in the member account (3 pages each) at once. */
  async function summarizeFromTwoReplicas(limits: [CallLimits, CallLimits]): Promise<void> {
    const replicas = limits.map(
      (callLimits) =>
        new AwsProvisioner({ region: 'us-east-1', role: ROLE_NAME, externalId: EXTERNAL_ID, callLimits }),
    );
    try {
      const summaries = await Promise.all(
        replicas.map((replica) =>
          replica.activity(permissionSet(MEMBER_ACCOUNT), {
            principalId: 'x',
            email: 'alice@example.com',
            start,
            end,
          }),
        ),
      );
      for (const summary of summaries) expect(summary.events).toBe(5);
    } finally {
      for (const replica of replicas) replica.destroy();
    }
  }

  it(`keeps two replicas together to two lookups a second when they share the database's limits (${DIALECT})`, {
    timeout: 30_000,
  }, async () => {
    const db = await createTestDatabase();
    const other = anotherReplica(db.database);
    try {
      await summarizeFromTwoReplicas([sharedCallLimits(db.database.db), sharedCallLimits(other.db)]);
    } finally {
      if (other !== db.database) await other.close();
      await db.destroy();
    }

    expect(lookupsByScope(aws.calls).get(`${MEMBER_ACCOUNT}/us-east-1`)).toHaveLength(6);
    expectWithinLookupRate(aws.calls);
  });

  it('goes over it when each replica keeps its own limits', { timeout: 20_000 }, async () => {
    const own = (): CallLimits => ({ callRate: new MemoryCallRate(), assignmentSlots: new MemorySlots() });

    await expect(summarizeFromTwoReplicas([own(), own()])).rejects.toThrow(/ThrottlingException/);

    const refused = aws.calls.filter((c) => c.operation === 'LookupEvents' && c.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
  });
});
