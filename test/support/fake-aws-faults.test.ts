import { GetGroupCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  DescribeUserCommand,
  IdentitystoreClient,
  IdentitystoreServiceException,
  ThrottlingException,
} from '@aws-sdk/client-identitystore';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  CreateAccountAssignmentCommand,
  ListAccountAssignmentsCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RandomFaultSource } from './fake-aws-faults.js';
import { type FakeAwsServer, startFakeAwsServer } from './fake-aws-server.js';

const credentials = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
const ACCOUNT = '333333333333';

let server: FakeAwsServer;
let alice: string;
const clients = {
  identity: (maxAttempts = 1) =>
    new IdentitystoreClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts }),
  sts: () => new STSClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1 }),
  iam: () => new IAMClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1 }),
  organizations: () =>
    new OrganizationsClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1 }),
  sso: () => new SSOAdminClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1 }),
};

beforeAll(async () => {
  server = await startFakeAwsServer();
  alice = server.addUser({ userName: 'alice', email: 'alice@example.com' });
  server.iam.addGroup(server.accountId, { groupName: 'ReadOnly' });
  server.organizations.addAccount({ id: ACCOUNT, name: 'member' });
});

afterEach(() => server.reset());
afterAll(() => server.close());

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

describe('random faults', () => {
  it('throttle each service with its own throttling error, as the SDK knows it', async () => {
    server.setRandomFaults({ seed: 1, throttleRate: 1 });
    const identity = clients.identity();
    const sts = clients.sts();
    const organizations = clients.organizations();
    try {
      const throttled = await errorOf(
        identity.send(new DescribeUserCommand({ IdentityStoreId: server.identityStoreId, UserId: alice })),
      );
      expect(throttled).toBeInstanceOf(ThrottlingException);
      expect(await errorOf(sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
        name: 'Throttling',
        Error: { Type: 'Sender' },
        $metadata: { httpStatusCode: 400 },
      });
      expect(await errorOf(organizations.send(new ListAccountsCommand({})))).toMatchObject({
        name: 'TooManyRequestsException',
        Type: 'TooManyRequests',
      });
      expect(server.calls.map((c) => c.randomFault)).toEqual(['throttle', 'throttle', 'throttle']);
      expect(server.randomFaultCounts).toMatchObject({ calls: 3, throttled: 3, internalFailures: 0 });
    } finally {
      for (const client of [identity, sts, organizations]) client.destroy();
    }
  });

  it('answer InternalFailure with HTTP 500 in each protocol, a server fault the SDK retries', async () => {
    server.setRandomFaults({ seed: 2, internalFailureRate: 1 });
    const identity = clients.identity();
    const iam = clients.iam();
    try {
      const json = await errorOf(
        identity.send(new DescribeUserCommand({ IdentityStoreId: server.identityStoreId, UserId: alice })),
      );
      expect(json).toBeInstanceOf(IdentitystoreServiceException);
      expect(json).toMatchObject({
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      });
      const query = await errorOf(iam.send(new GetGroupCommand({ GroupName: 'ReadOnly' })));
      expect(query).toMatchObject({
        name: 'InternalFailure',
        $fault: 'server',
        Error: { Type: 'Receiver' },
        $metadata: { httpStatusCode: 500 },
      });
    } finally {
      identity.destroy();
      iam.destroy();
    }
    // With retries on, the SDK treats it as transient: three attempts, then the error.
    const retrying = clients.identity(3);
    try {
      const error = await errorOf(
        retrying.send(new DescribeUserCommand({ IdentityStoreId: server.identityStoreId, UserId: alice })),
      );
      expect(error).toMatchObject({ name: 'InternalFailure', $metadata: { attempts: 3 } });
    } finally {
      retrying.destroy();
    }
  });

  it('fail about the share asked for, and the same seed fails the same calls', async () => {
    const statuses = async (seed: number) => {
      server.reset();
      server.setRandomFaults({ seed, throttleRate: 0.3, internalFailureRate: 0.05 });
      const identity = clients.identity();
      try {
        for (let i = 0; i < 120; i++) {
          await identity
            .send(new DescribeUserCommand({ IdentityStoreId: server.identityStoreId, UserId: alice }))
            .catch(() => undefined);
        }
      } finally {
        identity.destroy();
      }
      return server.calls.map((c) => c.status);
    };
    const first = await statuses(42);
    const counts = server.randomFaultCounts;
    expect(counts.calls).toBe(120);
    expect(counts.throttled).toBeGreaterThan(20);
    expect(counts.throttled).toBeLessThan(52);
    expect(counts.internalFailures).toBeGreaterThan(0);
    expect(counts.internalFailures).toBeLessThan(16);
    expect(first.filter((s) => s === 400)).toHaveLength(counts.throttled);
    expect(first.filter((s) => s === 500)).toHaveLength(counts.internalFailures);
    expect(await statuses(42)).toEqual(first);
    expect(await statuses(43)).not.toEqual(first);
  });

  it('hold a share of calls for a latency spike, then serve them', async () => {
    server.setRandomFaults({ seed: 3, latencySpikeRate: 1, latencySpikeMs: 300 });
    const identity = clients.identity();
    try {
      const started = Date.now();
      const user = await identity.send(
        new DescribeUserCommand({ IdentityStoreId: server.identityStoreId, UserId: alice }),
      );
      expect(user.UserName).toBe('alice');
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(server.randomFaultCounts.delayed).toBe(1);
    } finally {
      identity.destroy();
    }
  });

  it('touch only the services named', async () => {
    server.setRandomFaults({ seed: 4, throttleRate: 1, services: ['sts'] });
    const identity = clients.identity();
    try {
      await identity.send(
        new DescribeUserCommand({ IdentityStoreId: server.identityStoreId, UserId: alice }),
      );
      expect(server.calls.map((c) => c.status)).toEqual([200]);
    } finally {
      identity.destroy();
    }
  });

  it('refuse rates that are not shares', () => {
    expect(() => new RandomFaultSource({ seed: 1, throttleRate: 1.5 })).toThrow(/between 0 and 1/);
    expect(() => new RandomFaultSource({ seed: 1, throttleRate: 0.7, internalFailureRate: 0.4 })).toThrow(
      /more than 1/,
    );
  });
});

describe('arrivals', () => {
  it('resolve when a request arrives, before the service has acted on it', async () => {
    server.setLatency(200);
    const identity = clients.identity();
    try {
      const arrived = server.waitForArrival('DescribeUser', (input) => input.UserId === alice);
      const answer = identity.send(
        new DescribeUserCommand({ IdentityStoreId: server.identityStoreId, UserId: alice }),
      );
      const arrival = await arrived;
      expect(arrival).toMatchObject({ service: 'identitystore', operation: 'DescribeUser' });
      expect(server.calls).toHaveLength(0);
      await answer;
      expect(server.calls).toHaveLength(1);
      expect((server.calls[0]?.at ?? 0) - arrival.at).toBeLessThan(50);
    } finally {
      identity.destroy();
    }
  });
});

describe('Identity Center account assignments', () => {
  it('finish on their own once AWS has had the time, polled or not', async () => {
    const permissionSet = server.ssoAdmin.addPermissionSet({ name: 'Operator' });
    const sso = clients.sso();
    const instanceArn = server.ssoAdmin.instanceArn;
    try {
      server.ssoAdmin.setCompletesAfterMs(150);
      const created = await sso.send(
        new CreateAccountAssignmentCommand({
          InstanceArn: instanceArn,
          TargetId: ACCOUNT,
          TargetType: 'AWS_ACCOUNT',
          PermissionSetArn: permissionSet,
          PrincipalType: 'USER',
          PrincipalId: alice,
        }),
      );
      expect(created.AccountAssignmentCreationStatus?.Status).toBe('IN_PROGRESS');
      const list = () =>
        sso.send(
          new ListAccountAssignmentsCommand({
            InstanceArn: instanceArn,
            AccountId: ACCOUNT,
            PermissionSetArn: permissionSet,
          }),
        );
      expect((await list()).AccountAssignments).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await list()).AccountAssignments?.map((a) => a.PrincipalId)).toEqual([alice]);
    } finally {
      server.ssoAdmin.setCompletesAfterMs(undefined);
      sso.destroy();
    }
  });
});
