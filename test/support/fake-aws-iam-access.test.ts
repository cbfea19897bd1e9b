import {
  DeleteLoginProfileCommand,
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListUsersCommand,
  NoSuchEntityException,
  paginateListAttachedUserPolicies,
  paginateListRoles,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAwsServer, startFakeAwsServer } from './fake-aws-server.js';

let server: FakeAwsServer;
let iam: IAMClient;
let account: string;
const doc = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::a b/(x)!' }],
};

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  server = await startFakeAwsServer({ pageSize: 2 });
  account = server.accountId;
  iam = new IAMClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
    maxAttempts: 1,
  });
  server.iam.addUser(account, { userName: 'alice' });
  server.iam.addUser(account, { userName: 'bob' });
  server.iam.access.addLoginProfile(account, 'alice', {
    passwordLastUsedAt: new Date('2026-01-02T03:04:05Z'),
  });
  for (const name of ['p1', 'p2', 'p3']) {
    server.iam.access.attachUserPolicy(account, 'alice', server.iam.access.createPolicy(account, name, doc));
  }
  server.iam.access.putUserPolicy(account, 'alice', 'inline', doc);
  for (const roleName of ['r1', 'r2', 'r3']) server.iam.access.addRole(account, { roleName });
});
afterAll(async () => {
  iam.destroy();
  await server.close();
});

describe('fake IAM: credentials and policies', () => {
  it('answers GetLoginProfile for a user without a password with NoSuchEntity, as IAM does', async () => {
    const error = await errorOf(iam.send(new GetLoginProfileCommand({ UserName: 'bob' })));
    expect(error).toBeInstanceOf(NoSuchEntityException);
    expect((error as Error).message).toBe('Login Profile for User bob cannot be found.');
    const found = await iam.send(new GetLoginProfileCommand({ UserName: 'alice' }));
    expect(found.LoginProfile?.UserName).toBe('alice');
  });

  it('shows PasswordLastUsed on the user in ListUsers', async () => {
    const { Users } = await iam.send(new ListUsersCommand({}));
    expect(Users?.map((u) => [u.UserName, u.PasswordLastUsed?.toISOString()])).toEqual([
      ['alice', '2026-01-02T03:04:05.000Z'],
      ['bob', undefined],
    ]);
  });

  it('pages attached policies and roles with Marker and IsTruncated', async () => {
    const first = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'alice', MaxItems: 2 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['p1', 'p2']);
    const pages = [];
    for await (const page of paginateListAttachedUserPolicies({ client: iam }, { UserName: 'alice' }))
      pages.push(page);
    expect(pages.map((p) => p.AttachedPolicies?.length)).toEqual([2, 1]);
    const roles = [];
    for await (const page of paginateListRoles({ client: iam }, {})) roles.push(...(page.Roles ?? []));
    expect(roles.map((r) => r.RoleName)).toEqual(['r1', 'r2', 'r3']);
  });

  it('returns documents URL-encoded per RFC 3986, as IAM does', async () => {
    const inline = await iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'inline' }));
    expect(inline.PolicyDocument).toMatch(/^%7B%22Version%22/);
    expect(inline.PolicyDocument).toContain('%28x%29%21');
    expect(JSON.parse(decodeURIComponent(inline.PolicyDocument ?? ''))).toEqual(doc);
    const version = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: `arn:aws:iam::${account}:policy/p1`, VersionId: 'v1' }),
    );
    expect(JSON.parse(decodeURIComponent(version.PolicyVersion?.Document ?? ''))).toEqual(doc);
    const missing = await errorOf(
      iam.send(
        new GetPolicyVersionCommand({ PolicyArn: `arn:aws:iam::${account}:policy/p1`, VersionId: 'v9' }),
      ),
    );
    expect(missing).toBeInstanceOf(NoSuchEntityException);
  });

  it('reports a never-used key as N/A, and a used one with its date and service', async () => {
    const unused = server.iam.access.addAccessKey(account, 'bob');
    const used = server.iam.access.addAccessKey(account, 'bob', {
      lastUsedAt: new Date('2026-03-01T00:00:00Z'),
      service: 'ec2',
    });
    const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({ UserName: 'bob' }));
    expect(AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status])).toEqual([
      [unused, 'Active'],
      [used, 'Active'],
    ]);
    expect(unused).toMatch(/^AKIA[A-Z2-7]{16}$/);
    const never = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: unused }));
    expect(never.AccessKeyLastUsed).toEqual({ ServiceName: 'N/A', Region: 'N/A' });
    const last = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: used }));
    expect(last).toMatchObject({
      UserName: 'bob',
      AccessKeyLastUsed: { LastUsedDate: new Date('2026-03-01T00:00:00Z'), ServiceName: 'ec2' },
    });
  });

  it('deactivates a key with UpdateAccessKey, and answers NoSuchEntity for a key the user does not have', async () => {
    server.iam.addUser(account, { userName: 'carol' });
    const key = server.iam.access.addAccessKey(account, 'carol');
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'carol', AccessKeyId: key, Status: 'Inactive' }));
    const { AccessKeyMetadata } = await iam.send(new ListAccessKeysCommand({ UserName: 'carol' }));
    expect(AccessKeyMetadata?.map((k) => k.Status)).toEqual(['Inactive']);
    const missing = await errorOf(
      iam.send(new UpdateAccessKeyCommand({ UserName: 'alice', AccessKeyId: key, Status: 'Inactive' })),
    );
    expect(missing).toBeInstanceOf(NoSuchEntityException);
  });

  it('deletes a console password once; the second DeleteLoginProfile answers NoSuchEntity', async () => {
    server.iam.addUser(account, { userName: 'dave' });
    server.iam.access.addLoginProfile(account, 'dave');
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'dave' }));
    expect(await errorOf(iam.send(new GetLoginProfileCommand({ UserName: 'dave' })))).toBeInstanceOf(
      NoSuchEntityException,
    );
    expect(await errorOf(iam.send(new DeleteLoginProfileCommand({ UserName: 'dave' })))).toBeInstanceOf(
      NoSuchEntityException,
    );
  });
});
