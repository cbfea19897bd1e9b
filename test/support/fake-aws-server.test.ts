import {
  ConflictException,
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupMembershipIdCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  ListGroupMembershipsCommand,
  ListGroupMembershipsForMemberCommand,
  ListUsersCommand,
  paginateListUsers,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-identitystore';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAwsServer, startFakeAwsServer } from './fake-aws-server.js';

const credentials = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
const ROLE = 'arn:aws:iam::210987654321:role/latch/LatchProvisioner';

let server: FakeAwsServer;
let identity: IdentitystoreClient;
let sts: STSClient;
let alice: string;
let bob: string;
let admins: string;

beforeAll(async () => {
  server = await startFakeAwsServer();
  identity = new IdentitystoreClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials,
    maxAttempts: 1,
  });
  sts = new STSClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1 });
  alice = server.addUser({ userName: 'alice', email: 'alice@example.com', displayName: 'Alice' });
  bob = server.addUser({ userName: 'bob' });
  admins = server.addGroup({ displayName: 'Admins' });
  server.addRole({ arn: ROLE, externalId: 'latch-ext-1' });
});

afterEach(() => server.reset());

afterAll(async () => {
  identity.destroy();
  sts.destroy();
  await server.close();
});

const storeId = () => server.identityStoreId;

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

describe('Identity Store users', () => {
  it('finds a user id by email and by user name', async () => {
    const byEmail = await identity.send(
      new GetUserIdCommand({
        IdentityStoreId: storeId(),
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: 'alice@example.com' },
        },
      }),
    );
    const byName = await identity.send(
      new GetUserIdCommand({
        IdentityStoreId: storeId(),
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'bob' } },
      }),
    );
    expect(byEmail).toMatchObject({ UserId: alice, IdentityStoreId: storeId() });
    expect(byName.UserId).toBe(bob);
    expect(server.calls.map((c) => [c.service, c.operation, c.status, c.accessKeyId])).toEqual([
      ['identitystore', 'GetUserId', 200, 'AKIAFAKE'],
      ['identitystore', 'GetUserId', 200, 'AKIAFAKE'],
    ]);
  });

  it('answers an unknown user with ResourceNotFoundException (USER)', async () => {
    const error = await errorOf(
      identity.send(
        new GetUserIdCommand({
          IdentityStoreId: storeId(),
          AlternateIdentifier: {
            UniqueAttribute: { AttributePath: 'emails.value', AttributeValue: 'nobody@example.com' },
          },
        }),
      ),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({ ResourceType: 'USER', $metadata: { httpStatusCode: 400 } });
    expect((error as ResourceNotFoundException).$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('describes a user with the shapes the SDK parses', async () => {
    const user = await identity.send(new DescribeUserCommand({ IdentityStoreId: storeId(), UserId: alice }));
    expect(user).toMatchObject({
      UserName: 'alice',
      DisplayName: 'Alice',
      Emails: [{ Value: 'alice@example.com' }],
    });
    expect(user.CreatedAt).toBeInstanceOf(Date);
  });

  it('pages ListUsers with the SDK paginator', async () => {
    const extra = ['carol', 'dave', 'erin'].map((userName) => server.addUser({ userName }));
    const pages: string[][] = [];
    for await (const page of paginateListUsers(
      { client: identity, pageSize: 2 },
      { IdentityStoreId: storeId() },
    )) {
      pages.push((page.Users ?? []).map((u) => u.UserName ?? ''));
    }
    expect(pages).toEqual([['alice', 'bob'], ['carol', 'dave'], ['erin']]);
    expect(server.calls.map((c) => (c.input as { MaxResults?: number }).MaxResults)).toEqual([2, 2, 2]);
    expect(extra).toHaveLength(3);
  });

  it('filters ListUsers by UserName and rejects foreign tokens and bad page sizes', async () => {
    const filtered = await identity.send(
      new ListUsersCommand({
        IdentityStoreId: storeId(),
        Filters: [{ AttributePath: 'UserName', AttributeValue: 'bob' }],
      }),
    );
    expect(filtered.Users?.map((u) => u.UserId)).toEqual([bob]);
    expect(
      await errorOf(identity.send(new ListUsersCommand({ IdentityStoreId: storeId(), NextToken: 'junk' }))),
    ).toBeInstanceOf(ValidationException);
    expect(
      await errorOf(identity.send(new ListUsersCommand({ IdentityStoreId: storeId(), MaxResults: 101 }))),
    ).toBeInstanceOf(ValidationException);
  });

  it('rejects an identity store it does not know', async () => {
    const error = await errorOf(
      identity.send(new DescribeUserCommand({ IdentityStoreId: 'd-0000000000', UserId: alice })),
    );
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error).toMatchObject({ ResourceType: 'IDENTITY_STORE' });
  });
});

describe('Identity Store group memberships', () => {
  it('creates a membership once, then answers ConflictException', async () => {
    const input = { IdentityStoreId: storeId(), GroupId: admins, MemberId: { UserId: bob } };
    const created = await identity.send(new CreateGroupMembershipCommand(input));
    expect(created.MembershipId).toBeTruthy();
    expect(server.isMember(admins, bob)).toBe(true);

    const error = await errorOf(identity.send(new CreateGroupMembershipCommand(input)));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION' });
    server.removeMembership(admins, bob);
  });

  it('rejects a membership for an unknown group', async () => {
    const error = await errorOf(
      identity.send(
        new CreateGroupMembershipCommand({
          IdentityStoreId: storeId(),
          GroupId: '0123456789-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
          MemberId: { UserId: alice },
        }),
      ),
    );
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'GROUP' });
  });

  it('round-trips GetGroupMembershipId and DeleteGroupMembership', async () => {
    const membershipId = server.addMembership(admins, alice);
    const input = { IdentityStoreId: storeId(), GroupId: admins, MemberId: { UserId: alice } };
    const found = await identity.send(new GetGroupMembershipIdCommand(input));
    expect(found.MembershipId).toBe(membershipId);

    const listed = await identity.send(
      new ListGroupMembershipsCommand({ IdentityStoreId: storeId(), GroupId: admins }),
    );
    expect(listed.GroupMemberships).toEqual([
      {
        IdentityStoreId: storeId(),
        MembershipId: membershipId,
        GroupId: admins,
        MemberId: { UserId: alice },
      },
    ]);

    const forAlice = await identity.send(
      new ListGroupMembershipsForMemberCommand({ IdentityStoreId: storeId(), MemberId: { UserId: alice } }),
    );
    expect(forAlice.GroupMemberships?.map((m) => m.GroupId)).toEqual([admins]);

    await identity.send(
      new DeleteGroupMembershipCommand({ IdentityStoreId: storeId(), MembershipId: membershipId }),
    );
    expect(server.membersOf(admins)).toEqual([]);

    const missing = await errorOf(identity.send(new GetGroupMembershipIdCommand(input)));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing).toMatchObject({ ResourceType: 'GROUP_MEMBERSHIP' });
    const gone = await errorOf(
      identity.send(
        new DeleteGroupMembershipCommand({ IdentityStoreId: storeId(), MembershipId: membershipId }),
      ),
    );
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('faults, auth and routing', () => {
  it('lets the SDK retry an injected ThrottlingException', async () => {
    const retrying = new IdentitystoreClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials,
      maxAttempts: 3,
    });
    try {
      server.failNext('GetUserId', {
        status: 400,
        type: 'ThrottlingException',
        message: 'Rate exceeded',
        times: 1,
      });
      const found = await retrying.send(
        new GetUserIdCommand({
          IdentityStoreId: storeId(),
          AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'alice' } },
        }),
      );
      expect(found.UserId).toBe(alice);
      expect(found.$metadata.attempts).toBe(2);
      expect(server.calls.map((c) => c.status)).toEqual([400, 200]);
    } finally {
      retrying.destroy();
    }
  });

  it('surfaces a fault as the modelled exception when retries are off', async () => {
    server.failNext('DescribeUser', { status: 400, type: 'ThrottlingException' });
    const error = await errorOf(
      identity.send(new DescribeUserCommand({ IdentityStoreId: storeId(), UserId: alice })),
    );
    expect(error).toBeInstanceOf(ThrottlingException);
    // The fault is used up: the next call runs.
    await identity.send(new DescribeUserCommand({ IdentityStoreId: storeId(), UserId: alice }));
  });

  it('throttles above the rate limit', async () => {
    server.setRateLimit(1);
    const describe = () =>
      identity.send(new DescribeUserCommand({ IdentityStoreId: storeId(), UserId: alice }));
    await describe();
    expect(await errorOf(describe())).toBeInstanceOf(ThrottlingException);
  });

  it('waits for a call that has not happened yet, through added latency', async () => {
    server.setLatency(50);
    const waiting = server.waitForCall('DescribeGroup', (input) => input.GroupId === admins);
    const started = Date.now();
    const group = await identity.send(
      new DescribeGroupCommand({ IdentityStoreId: storeId(), GroupId: admins }),
    );
    expect(group.DisplayName).toBe('Admins');
    expect((await waiting).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('refuses unsigned requests and unknown operations', async () => {
    const unsigned = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSIdentityStore.ListUsers' },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-requestid')).toBeTruthy();

    const unknown = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSIdentityStore.Nope',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAFAKE/20261121/us-east-1/identitystore/aws4_request, SignedHeaders=host, Signature=00',
      },
      body: '{}',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toMatch(/^UnknownOperationException/);
  });

  it('is reached through AWS_ENDPOINT_URL_IDENTITYSTORE without an explicit endpoint', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_IDENTITYSTORE;
    process.env.AWS_ENDPOINT_URL_IDENTITYSTORE = server.url;
    const fromEnv = new IdentitystoreClient({ region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      const user = await fromEnv.send(new DescribeUserCommand({ IdentityStoreId: storeId(), UserId: bob }));
      expect(user.UserName).toBe('bob');
      await server.waitForCall('DescribeUser', (input) => input.UserId === bob, 1000);
    } finally {
      fromEnv.destroy();
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_IDENTITYSTORE;
      else process.env.AWS_ENDPOINT_URL_IDENTITYSTORE = saved;
    }
  });
});

describe('STS', () => {
  it('returns the caller identity', async () => {
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/fake-caller' });
    expect(me.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it('assumes a role with the right ExternalId, and the session is who GetCallerIdentity reports', async () => {
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'latch-test', ExternalId: 'latch-ext-1' }),
    );
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(assumed.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(assumed.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(assumed.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::210987654321:assumed-role/LatchProvisioner/latch-test',
    );
    expect(server.calls[0]?.input).toMatchObject({ RoleArn: ROLE, ExternalId: 'latch-ext-1' });

    const { AccessKeyId = '', SecretAccessKey = '', SessionToken } = assumed.Credentials ?? {};
    const asRole = new STSClient({
      region: 'us-east-1',
      endpoint: server.url,
      credentials: { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken },
      maxAttempts: 1,
    });
    try {
      const me = await asRole.send(new GetCallerIdentityCommand({}));
      expect(me).toMatchObject({ Account: '210987654321', Arn: assumed.AssumedRoleUser?.Arn });
    } finally {
      asRole.destroy();
    }
  });

  it('denies AssumeRole without or with the wrong ExternalId, and for unknown roles', async () => {
    const attempts = [
      { RoleArn: ROLE, RoleSessionName: 'latch-test' },
      { RoleArn: ROLE, RoleSessionName: 'latch-test', ExternalId: 'wrong-id' },
      { RoleArn: 'arn:aws:iam::210987654321:role/Unknown', RoleSessionName: 'latch-test' },
    ];
    for (const input of attempts) {
      const error = await errorOf(sts.send(new AssumeRoleCommand(input)));
      expect(error).toBeInstanceOf(STSServiceException);
      expect(error).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    }
    expect(server.calls.map((c) => c.status)).toEqual([403, 403, 403]);
  });

  it('renders injected STS faults as awsQuery errors', async () => {
    server.failNext('AssumeRole', { status: 400, type: 'Throttling', message: 'Rate exceeded' });
    const error = await errorOf(
      sts.send(
        new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'latch-test', ExternalId: 'latch-ext-1' }),
      ),
    );
    expect(error).toMatchObject({ name: 'Throttling', message: 'Rate exceeded', Error: { Type: 'Sender' } });
  });
});
