import {
  AddUserToGroupCommand,
  GetGroupCommand,
  GetUserCommand,
  IAMClient,
  IAMServiceException,
  LimitExceededException,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  NoSuchEntityException,
  paginateGetGroup,
  paginateListGroups,
  paginateListGroupsForUser,
  paginateListUsers,
  paginateListUserTags,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAwsServer, startFakeAwsServer } from './fake-aws-server.js';

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const credentials: Credentials = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
const MEMBER = '222222222222';
const ROLE = `arn:aws:iam::${MEMBER}:role/LatchAccess`;

let server: FakeAwsServer;
let iam: IAMClient;
let mgmt: string;

function client(creds = credentials, maxAttempts = 1): IAMClient {
  return new IAMClient({ region: 'us-east-1', endpoint: server.url, credentials: creds, maxAttempts });
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const p of pages) out.push(p);
  return out;
}

beforeAll(async () => {
  server = await startFakeAwsServer({ pageSize: 2 });
  mgmt = server.accountId;
  iam = client();
  const { iam: state } = server;
  state.addUser(mgmt, { userName: 'alice', tags: { team: 'payments', 'slack-id': 'U123', oncall: 'yes' } });
  state.addUser(mgmt, { userName: 'bob' });
  state.addUser(mgmt, { userName: 'carol', path: '/contractors/' });
  state.addUser(mgmt, { userName: 'dave' });
  state.addUser(mgmt, { userName: 'erin' });
  state.addGroup(mgmt, { groupName: 'jit-admins' });
  state.addGroup(mgmt, { groupName: 'jit-readonly' });
  state.addGroup(mgmt, { groupName: 'jit-billing', path: '/finance/' });
  state.addGroup(mgmt, { groupName: 'everyone' });
  for (const user of ['alice', 'bob', 'carol', 'dave', 'erin']) state.addToGroup(mgmt, 'everyone', user);
  state.addGroup(MEMBER, { groupName: 'member-admins' });
  state.addUser(MEMBER, { userName: 'bob' });
  server.addRole({ arn: ROLE, externalId: 'ext-1' });
});

afterEach(() => server.reset());

afterAll(async () => {
  iam.destroy();
  await server.close();
});

describe('IAM fixtures', () => {
  it('makes IAM-shaped ids and ARNs', () => {
    const user = server.iam.addUser('333333333333', { userName: 'frank', path: '/ops/' });
    expect(user.userId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(user.arn).toBe('arn:aws:iam::333333333333:user/ops/frank');
    const group = server.iam.addGroup('333333333333', { groupName: 'ops' });
    expect(group.groupId).toMatch(/^AGPA[A-Z2-7]{17}$/);
    expect(group.arn).toBe('arn:aws:iam::333333333333:group/ops');
    expect(server.iam.accounts()).toEqual(expect.arrayContaining([mgmt, MEMBER, '333333333333']));
    expect(() => server.iam.addUser('333333333333', { userName: 'FRANK' })).toThrow(/already exists/);
    expect(() => server.iam.addToGroup('333333333333', 'ops', 'nobody')).toThrow(/no IAM user/);
  });

  it('reports out-of-band membership changes', () => {
    expect(server.iam.addToGroup(mgmt, 'jit-readonly', 'dave')).toBe(true);
    expect(server.iam.addToGroup(mgmt, 'jit-readonly', 'dave')).toBe(false);
    expect(server.iam.isMember(mgmt, 'jit-readonly', 'dave')).toBe(true);
    expect(server.iam.groupsOf(mgmt, 'dave')).toEqual(['everyone', 'jit-readonly']);
    expect(server.iam.removeFromGroup(mgmt, 'jit-readonly', 'dave')).toBe(true);
    expect(server.iam.removeFromGroup(mgmt, 'jit-readonly', 'dave')).toBe(false);
    expect(server.iam.membersOf(mgmt, 'jit-readonly')).toEqual([]);
  });
});

describe('IAM group membership', () => {
  it('adds and removes a user, idempotently both ways', async () => {
    const add = new AddUserToGroupCommand({ GroupName: 'jit-admins', UserName: 'bob' });
    await iam.send(add);
    expect(server.iam.isMember(mgmt, 'jit-admins', 'bob')).toBe(true);
    await iam.send(add); // already a member: still success
    expect(server.iam.membersOf(mgmt, 'jit-admins')).toEqual(['bob']);

    const group = await iam.send(new GetGroupCommand({ GroupName: 'jit-admins' }));
    expect(group.Group).toMatchObject({ GroupName: 'jit-admins', Path: '/' });
    expect(group.Group?.CreateDate).toBeInstanceOf(Date);
    expect(group.Users?.map((u) => u.UserName)).toEqual(['bob']);
    expect(group.IsTruncated).toBe(false);
    expect(group.Marker).toBeUndefined();
    const forUser = await iam.send(new ListGroupsForUserCommand({ UserName: 'bob' }));
    expect(forUser.Groups?.map((g) => g.GroupName)).toEqual(['everyone', 'jit-admins']);

    const remove = new RemoveUserFromGroupCommand({ GroupName: 'jit-admins', UserName: 'bob' });
    await iam.send(remove);
    expect(server.iam.isMember(mgmt, 'jit-admins', 'bob')).toBe(false);
    await iam.send(remove); // not a member: still success
    expect(server.calls.map((c) => [c.operation, c.status])).toEqual([
      ['AddUserToGroup', 200],
      ['AddUserToGroup', 200],
      ['GetGroup', 200],
      ['ListGroupsForUser', 200],
      ['RemoveUserFromGroup', 200],
      ['RemoveUserFromGroup', 200],
    ]);
  });

  it('answers NoSuchEntity (404) for a missing user or group', async () => {
    const noUser = await errorOf(
      iam.send(new AddUserToGroupCommand({ GroupName: 'jit-admins', UserName: 'zed' })),
    );
    expect(noUser).toBeInstanceOf(NoSuchEntityException);
    expect(noUser).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The user with name zed cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
    const noGroup = await errorOf(
      iam.send(new RemoveUserFromGroupCommand({ GroupName: 'nope', UserName: 'bob' })),
    );
    expect(noGroup).toMatchObject({
      name: 'NoSuchEntityException',
      message: 'The group with name nope cannot be found.',
      $metadata: { httpStatusCode: 404 },
    });
    for (const command of [
      new GetGroupCommand({ GroupName: 'nope' }),
      new GetUserCommand({ UserName: 'zed' }),
      new ListUserTagsCommand({ UserName: 'zed' }),
      new ListGroupsForUserCommand({ UserName: 'zed' }),
    ]) {
      // biome-ignore lint/suspicious/noExplicitAny: the commands differ only in input and output
      expect(await errorOf(iam.send(command as any))).toBeInstanceOf(NoSuchEntityException);
    }
  });

  it('refuses an eleventh group with LimitExceeded (409)', async () => {
    server.iam.addUser(mgmt, { userName: 'joiner' });
    for (let i = 1; i <= 10; i++) {
      server.iam.addGroup(mgmt, { groupName: `limit-${i}` });
      await iam.send(new AddUserToGroupCommand({ GroupName: `limit-${i}`, UserName: 'joiner' }));
    }
    server.iam.addGroup(mgmt, { groupName: 'limit-11' });
    const error = await errorOf(
      iam.send(new AddUserToGroupCommand({ GroupName: 'limit-11', UserName: 'joiner' })),
    );
    expect(error).toBeInstanceOf(LimitExceededException);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 409 } });
    expect(server.iam.groupsOf(mgmt, 'joiner')).toHaveLength(10);
    // Re-adding to a group the user is already in is not a new membership.
    await iam.send(new AddUserToGroupCommand({ GroupName: 'limit-1', UserName: 'joiner' }));
  });

  it('validates required parameters with ValidationError', async () => {
    const error = await errorOf(
      iam.send(new AddUserToGroupCommand({ GroupName: 'jit-admins', UserName: '' })),
    );
    expect(error).toBeInstanceOf(IAMServiceException);
    expect(error).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
    const bad = await errorOf(iam.send(new GetUserCommand({ UserName: 'no spaces' })));
    expect((bad as Error).message).toMatch(/failed to satisfy constraint/);
  });
});

describe('IAM listings', () => {
  it('walks GetGroup members over several pages', async () => {
    const pages = await all(paginateGetGroup({ client: iam }, { GroupName: 'everyone' }));
    expect(pages.map((p) => p.Users?.map((u) => u.UserName))).toEqual([
      ['alice', 'bob'],
      ['carol', 'dave'],
      ['erin'],
    ]);
    expect(pages.map((p) => p.IsTruncated)).toEqual([true, true, false]);
    expect(pages.every((p) => p.Group?.GroupName === 'everyone')).toBe(true);
  });

  it('walks ListGroups and ListUsers, honouring PathPrefix and MaxItems', async () => {
    const groups = await all(paginateListGroups({ client: iam }, {}));
    expect(groups.length).toBeGreaterThanOrEqual(2);
    const names = groups.flatMap((p) => p.Groups?.map((g) => g.GroupName) ?? []);
    expect(names.slice(0, 4)).toEqual(['jit-admins', 'jit-readonly', 'jit-billing', 'everyone']);
    const finance = await iam.send(new ListGroupsCommand({ PathPrefix: '/finance/' }));
    expect(finance.Groups?.map((g) => g.Arn)).toEqual([`arn:aws:iam::${mgmt}:group/finance/jit-billing`]);

    const users = await all(paginateListUsers({ client: iam, pageSize: 3 }, {}));
    expect(users[0]?.Users).toHaveLength(3);
    const all5 = users.flatMap((p) => p.Users ?? []).slice(0, 5);
    expect(all5.map((u) => u.UserName)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(all5[0]?.Tags).toBeUndefined(); // ListUsers leaves tags out, as IAM does
    expect(all5[0]?.UserId).toMatch(/^AIDA/);
    const contractors = await iam.send(new ListUsersCommand({ PathPrefix: '/contractors/' }));
    expect(contractors.Users?.map((u) => u.UserName)).toEqual(['carol']);
  });

  it('walks ListGroupsForUser', async () => {
    server.iam.addToGroup(mgmt, 'jit-admins', 'erin');
    server.iam.addToGroup(mgmt, 'jit-billing', 'erin');
    const pages = await all(paginateListGroupsForUser({ client: iam }, { UserName: 'erin' }));
    expect(pages.map((p) => p.Groups?.map((g) => g.GroupName))).toEqual([
      ['everyone', 'jit-admins'],
      ['jit-billing'],
    ]);
    server.iam.removeFromGroup(mgmt, 'jit-admins', 'erin');
    server.iam.removeFromGroup(mgmt, 'jit-billing', 'erin');
  });

  it('refuses a marker that is not its own', async () => {
    const first = await iam.send(new ListUsersCommand({}));
    expect(first.IsTruncated).toBe(true);
    const wrong = await errorOf(iam.send(new ListGroupsCommand({ Marker: first.Marker })));
    expect(wrong).toMatchObject({ name: 'ValidationError', message: 'Invalid Marker.' });
    const junk = await errorOf(iam.send(new ListUsersCommand({ Marker: 'junk' })));
    expect(junk).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
    const tooMany = await errorOf(iam.send(new ListUsersCommand({ MaxItems: 1001 })));
    expect(tooMany).toMatchObject({ name: 'ValidationError' });
  });

  it('returns tags from ListUserTags (paged) and GetUser', async () => {
    const pages = await all(paginateListUserTags({ client: iam }, { UserName: 'alice' }));
    expect(pages).toHaveLength(2);
    expect(pages.flatMap((p) => p.Tags ?? [])).toEqual([
      { Key: 'team', Value: 'payments' },
      { Key: 'slack-id', Value: 'U123' },
      { Key: 'oncall', Value: 'yes' },
    ]);
    const { User } = await iam.send(new GetUserCommand({ UserName: 'alice' }));
    expect(User).toMatchObject({ UserName: 'alice', Arn: `arn:aws:iam::${mgmt}:user/alice`, Path: '/' });
    expect(User?.Tags).toHaveLength(3);
    const untagged = await iam.send(new ListUserTagsCommand({ UserName: 'bob' }));
    expect(untagged.Tags ?? []).toEqual([]);
    expect(untagged.IsTruncated).toBe(false);
  });
});

describe('IAM per account', () => {
  it('acts on the IAM of the account an assumed role belongs to', async () => {
    const sts = new STSClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1 });
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'latch', ExternalId: 'ext-1' }),
    );
    sts.destroy();
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) throw new Error('no credentials');
    const member = client({
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
    });
    try {
      const groups = await member.send(new ListGroupsCommand({}));
      expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['member-admins']);
      expect(groups.Groups?.[0]?.Arn).toBe(`arn:aws:iam::${MEMBER}:group/member-admins`);
      // The management account's group does not exist here.
      const missing = await errorOf(
        member.send(new AddUserToGroupCommand({ GroupName: 'jit-admins', UserName: 'bob' })),
      );
      expect(missing).toBeInstanceOf(NoSuchEntityException);

      await member.send(new AddUserToGroupCommand({ GroupName: 'member-admins', UserName: 'bob' }));
      expect(server.iam.membersOf(MEMBER, 'member-admins')).toEqual(['bob']);
      expect(server.iam.isMember(mgmt, 'member-admins', 'bob')).toBe(false);
      expect(server.iam.groupsOf(mgmt, 'bob')).not.toContain('member-admins');
      expect(server.calls.at(-1)?.account).toBe(MEMBER);

      const mine = await all(paginateListGroups({ client: iam }, {}));
      expect(mine.flatMap((p) => p.Groups?.map((g) => g.GroupName) ?? [])).not.toContain('member-admins');
    } finally {
      member.destroy();
    }
  });
});
