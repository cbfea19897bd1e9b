import {
  CloudTrailClient,
  InvalidEventCategoryException,
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
  LookupEventsCommand,
  type LookupEventsCommandInput,
  paginateLookupEvents,
  ThrottlingException,
} from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAwsServer, startFakeAwsServer } from './fake-aws-server.js';

const credentials = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
const MEMBER = '222222222222';
const MEMBER_ROLE = `arn:aws:iam::${MEMBER}:role/LatchAccess`;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let server: FakeAwsServer;
let trail: CloudTrailClient;

function client(region: string, creds: typeof credentials & { sessionToken?: string } = credentials) {
  return new CloudTrailClient({ region, endpoint: server.url, credentials: creds, maxAttempts: 1 });
}

beforeAll(async () => {
  server = await startFakeAwsServer({ pageSize: 2 });
  trail = client('us-east-1');
});

afterEach(() => {
  server.cloudTrail.setLookupRate(2);
  server.reset();
});

afterAll(async () => {
  trail.destroy();
  await server.close();
});

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

const ago = (ms: number) => new Date(Date.now() - ms);

describe('CloudTrail LookupEvents', () => {
  it('finds a user’s events newest first within a time window, with the record as JSON', async () => {
    server.cloudTrail.setLookupRate(undefined);
    const user = 'alice@example.com';
    const old = server.cloudTrail.addEvent({
      username: user,
      eventName: 'ListUsers',
      eventTime: ago(50 * MINUTE),
      readOnly: true,
    });
    const denied = server.cloudTrail.addEvent({
      username: user,
      eventName: 'CreateUser',
      eventSource: 'iam.amazonaws.com',
      eventTime: ago(20 * MINUTE),
      readOnly: false,
      errorCode: 'AccessDenied',
      errorMessage: 'User is not authorized to perform: iam:CreateUser',
      accessKeyId: 'ASIAEXAMPLEKEY000001',
      resources: [{ resourceType: 'AWS::IAM::User', resourceName: 'mallory' }],
    });
    const recent = server.cloudTrail.addEvent({
      username: user,
      eventName: 'GetCallerIdentity',
      eventSource: 'sts.amazonaws.com',
      eventTime: ago(5 * MINUTE),
      readOnly: true,
    });
    server.cloudTrail.addEvent({
      username: 'bob@example.com',
      eventName: 'DeleteBucket',
      eventTime: ago(10 * MINUTE),
      readOnly: false,
    });

    const all = await trail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: user }],
        MaxResults: 50,
      }),
    );
    expect(all.Events?.map((e) => e.EventId)).toEqual([recent, denied, old]);
    expect(all.NextToken).toBeUndefined();

    const window = await trail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: user }],
        StartTime: ago(30 * MINUTE),
        EndTime: ago(15 * MINUTE),
      }),
    );
    expect(window.Events).toHaveLength(1);
    const event = window.Events?.[0];
    expect(event).toMatchObject({
      EventId: denied,
      EventName: 'CreateUser',
      ReadOnly: 'false',
      AccessKeyId: 'ASIAEXAMPLEKEY000001',
      EventSource: 'iam.amazonaws.com',
      Username: user,
      Resources: [{ ResourceType: 'AWS::IAM::User', ResourceName: 'mallory' }],
    });
    expect(event?.EventTime).toBeInstanceOf(Date);
    expect(Math.abs((event?.EventTime?.getTime() ?? 0) - ago(20 * MINUTE).getTime())).toBeLessThan(2000);
    // errorCode lives only inside the record, as in AWS.
    expect(event).not.toHaveProperty('ErrorCode');
    expect(JSON.parse(event?.CloudTrailEvent ?? '{}')).toMatchObject({
      eventVersion: expect.any(String),
      userIdentity: { type: 'IAMUser', userName: user, accountId: server.accountId },
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateUser',
      awsRegion: 'us-east-1',
      errorCode: 'AccessDenied',
      errorMessage: 'User is not authorized to perform: iam:CreateUser',
      readOnly: false,
      eventID: denied,
      recipientAccountId: server.accountId,
    });
    const okRecord = JSON.parse(all.Events?.[0]?.CloudTrailEvent ?? '{}');
    expect(okRecord).not.toHaveProperty('errorCode');
    expect(okRecord.readOnly).toBe(true);
  });

  it('filters on the other lookup attributes', async () => {
    server.cloudTrail.setLookupRate(undefined);
    const region = 'us-west-2';
    const west = client(region);
    try {
      const a = server.cloudTrail.addEvent({
        region,
        username: 'carol',
        eventName: 'AttachRolePolicy',
        eventTime: ago(3 * MINUTE),
        readOnly: false,
        accessKeyId: 'ASIAWESTKEY000000001',
        resources: [{ resourceType: 'AWS::IAM::Role', resourceName: 'arn:aws:iam::123456789012:role/Ops' }],
      });
      const b = server.cloudTrail.addEvent({
        region,
        username: 'carol',
        eventName: 'DescribeInstances',
        eventSource: 'ec2.amazonaws.com',
        eventTime: ago(2 * MINUTE),
        readOnly: true,
      });
      const lookup = async (AttributeKey: string, AttributeValue: string) => {
        const out = await west.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: AttributeKey as 'EventId', AttributeValue }],
          }),
        );
        return out.Events?.map((e) => e.EventId);
      };
      expect(await lookup('EventId', a)).toEqual([a]);
      expect(await lookup('EventName', 'DescribeInstances')).toEqual([b]);
      expect(await lookup('ReadOnly', 'true')).toEqual([b]);
      expect(await lookup('ReadOnly', 'false')).toEqual([a]);
      expect(await lookup('EventSource', 'ec2.amazonaws.com')).toEqual([b]);
      expect(await lookup('AccessKeyId', 'ASIAWESTKEY000000001')).toEqual([a]);
      expect(await lookup('ResourceType', 'AWS::IAM::Role')).toEqual([a]);
      expect(await lookup('ResourceName', 'arn:aws:iam::123456789012:role/Ops')).toEqual([a]);
      const record = JSON.parse(
        server.cloudTrail.events(server.accountId, region)[1]?.cloudTrailEvent ?? '{}',
      );
      expect(record.resources).toEqual([
        { ARN: 'arn:aws:iam::123456789012:role/Ops', accountId: server.accountId, type: 'AWS::IAM::Role' },
      ]);
    } finally {
      west.destroy();
    }
  });

  it('walks pages with paginateLookupEvents', async () => {
    server.cloudTrail.setLookupRate(undefined);
    const region = 'eu-central-1';
    const central = client(region);
    try {
      const ids = [1, 2, 3, 4, 5].map((i) =>
        server.cloudTrail.addEvent({
          region,
          username: 'pager',
          eventName: `Call${i}`,
          eventTime: ago((10 - i) * MINUTE),
          readOnly: true,
        }),
      );
      const pages: string[][] = [];
      for await (const p of paginateLookupEvents(
        { client: central },
        {
          LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'pager' }],
          StartTime: ago(DAY),
          EndTime: new Date(),
        },
      )) {
        pages.push((p.Events ?? []).map((e) => e.EventId ?? ''));
      }
      const newestFirst = [...ids].reverse();
      expect(pages).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
      expect(server.calls.map((c) => c.operation)).toEqual(['LookupEvents', 'LookupEvents', 'LookupEvents']);
    } finally {
      central.destroy();
    }
  });

  it('only searches the last 90 days', async () => {
    server.cloudTrail.setLookupRate(undefined);
    const region = 'ca-central-1';
    const canada = client(region);
    try {
      server.cloudTrail.addEvent({
        region,
        username: 'x',
        eventName: 'Old',
        eventTime: ago(91 * DAY),
        readOnly: true,
      });
      const kept = server.cloudTrail.addEvent({
        region,
        username: 'x',
        eventName: 'Kept',
        eventTime: ago(89 * DAY),
        readOnly: true,
      });
      const out = await canada.send(new LookupEventsCommand({ StartTime: ago(365 * DAY) }));
      expect(out.Events?.map((e) => e.EventId)).toEqual([kept]);
      expect(server.cloudTrail.events(server.accountId, region)).toHaveLength(2);
    } finally {
      canada.destroy();
    }
  });

  it('keeps events per account and region', async () => {
    server.cloudTrail.setLookupRate(undefined);
    const ireland = client('eu-west-1');
    const inEast = server.cloudTrail.addEvent({
      username: 'sep',
      eventName: 'East',
      eventTime: ago(MINUTE),
      readOnly: true,
    });
    const inWest = server.cloudTrail.addEvent({
      region: 'eu-west-1',
      username: 'sep',
      eventName: 'Ireland',
      eventTime: ago(MINUTE),
      readOnly: true,
    });
    const inMember = server.cloudTrail.addEvent({
      account: MEMBER,
      username: 'sep',
      eventName: 'Member',
      eventTime: ago(MINUTE),
      readOnly: true,
    });
    server.addRole({ arn: MEMBER_ROLE, externalId: 'ext-1' });
    const sts = new STSClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1 });
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: MEMBER_ROLE, RoleSessionName: 'latch', ExternalId: 'ext-1' }),
    );
    sts.destroy();
    const { AccessKeyId = '', SecretAccessKey = '', SessionToken } = assumed.Credentials ?? {};
    const member = client('us-east-1', {
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretAccessKey,
      ...(SessionToken ? { sessionToken: SessionToken } : {}),
    });
    const bySep = { LookupAttributes: [{ AttributeKey: 'Username' as const, AttributeValue: 'sep' }] };
    try {
      expect((await trail.send(new LookupEventsCommand(bySep))).Events?.map((e) => e.EventId)).toEqual([
        inEast,
      ]);
      expect((await ireland.send(new LookupEventsCommand(bySep))).Events?.map((e) => e.EventId)).toEqual([
        inWest,
      ]);
      expect((await member.send(new LookupEventsCommand(bySep))).Events?.map((e) => e.EventId)).toEqual([
        inMember,
      ]);
      expect(server.cloudTrail.events(MEMBER, 'us-east-1').map((e) => e.eventId)).toEqual([inMember]);
    } finally {
      ireland.destroy();
      member.destroy();
    }
  });

  it('throttles the third lookup within a second, per account and region', async () => {
    const region = 'ap-southeast-2';
    const sydney = client(region);
    const tokyo = client('ap-northeast-1');
    try {
      await sydney.send(new LookupEventsCommand({}));
      await sydney.send(new LookupEventsCommand({}));
      const throttled = await errorOf(sydney.send(new LookupEventsCommand({})));
      expect(throttled).toBeInstanceOf(ThrottlingException);
      expect(throttled).toMatchObject({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
      // Another region has its own budget.
      await tokyo.send(new LookupEventsCommand({}));

      server.cloudTrail.setLookupRate(undefined);
      for (let i = 0; i < 5; i++) await sydney.send(new LookupEventsCommand({}));
      expect(server.calls.map((c) => c.status)).toEqual([200, 200, 400, 200, 200, 200, 200, 200, 200]);
    } finally {
      sydney.destroy();
      tokyo.destroy();
    }
  });

  it('answers bad requests with CloudTrail’s modelled exceptions', async () => {
    server.cloudTrail.setLookupRate(undefined);
    const cases: Array<[LookupEventsCommandInput, unknown]> = [
      [
        {
          LookupAttributes: [
            { AttributeKey: 'Username', AttributeValue: 'a' },
            { AttributeKey: 'EventName', AttributeValue: 'b' },
          ],
        },
        InvalidLookupAttributesException,
      ],
      [
        { LookupAttributes: [{ AttributeKey: 'ErrorCode' as 'Username', AttributeValue: 'AccessDenied' }] },
        InvalidLookupAttributesException,
      ],
      [
        { LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: '' }] },
        InvalidLookupAttributesException,
      ],
      [{ StartTime: ago(MINUTE), EndTime: ago(2 * MINUTE) }, InvalidTimeRangeException],
      [{ MaxResults: 0 }, InvalidMaxResultsException],
      [{ MaxResults: 51 }, InvalidMaxResultsException],
      [{ NextToken: 'junk' }, InvalidNextTokenException],
      [{ EventCategory: 'management' as 'insight' }, InvalidEventCategoryException],
    ];
    for (const [input, type] of cases) {
      const error = await errorOf(trail.send(new LookupEventsCommand(input)));
      expect(error, JSON.stringify(input)).toBeInstanceOf(type);
      expect(error).toMatchObject({ $metadata: { httpStatusCode: 400 } });
    }

    // A token is only good with the parameters that produced it.
    for (let i = 0; i < 3; i++) {
      server.cloudTrail.addEvent({
        username: 'tok',
        eventName: 'E',
        eventTime: ago(i * MINUTE),
        readOnly: true,
      });
    }
    const byTok = { LookupAttributes: [{ AttributeKey: 'Username' as const, AttributeValue: 'tok' }] };
    const first = await trail.send(new LookupEventsCommand(byTok));
    expect(first.NextToken).toBeDefined();
    const second = await trail.send(new LookupEventsCommand({ ...byTok, NextToken: first.NextToken }));
    expect(second.Events).toHaveLength(1);
    expect(
      await errorOf(
        trail.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'other' }],
            NextToken: first.NextToken,
          }),
        ),
      ),
    ).toBeInstanceOf(InvalidNextTokenException);

    const insights = await trail.send(new LookupEventsCommand({ EventCategory: 'insight' }));
    expect(insights.Events).toEqual([]);
  });

  it('answers the long X-Amz-Target form too', async () => {
    server.cloudTrail.setLookupRate(undefined);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAFAKE/20260101/us-east-1/cloudtrail/aws4_request, ' +
          'SignedHeaders=host, Signature=0000',
      },
      body: JSON.stringify({ MaxResults: 1 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('Events');
  });
});
