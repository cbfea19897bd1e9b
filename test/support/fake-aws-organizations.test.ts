import {
  AccessDeniedException,
  AWSOrganizationsNotInUseException,
  DescribeOrganizationCommand,
  InvalidInputException,
  ListAccountsCommand,
  OrganizationsClient,
  paginateListAccounts,
  TooManyRequestsException,
} from '@aws-sdk/client-organizations';
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
const OUTSIDER = '999999999999';

let server: FakeAwsServer;
let orgs: OrganizationsClient;

function client(creds = credentials, maxAttempts = 1): OrganizationsClient {
  return new OrganizationsClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: creds,
    maxAttempts,
  });
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

/** An Organizations client with credentials AssumeRole issued for a role in `account`. */
async function clientIn(account: string): Promise<OrganizationsClient> {
  const roleArn = `arn:aws:iam::${account}:role/LatchAccess`;
  server.addRole({ arn: roleArn, externalId: 'ext-1' });
  const sts = new STSClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1 });
  try {
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'latch', ExternalId: 'ext-1' }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) throw new Error('no credentials');
    return client({
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
    });
  } finally {
    sts.destroy();
  }
}

beforeAll(async () => {
  server = await startFakeAwsServer({ pageSize: 2 });
  orgs = client();
  server.organizations.addAccount({ id: MEMBER, name: 'workloads', email: 'workloads@example.com' });
  server.organizations.addAccount({ name: 'sandbox' });
  server.organizations.addAccount({ name: 'old', status: 'SUSPENDED' });
  server.organizations.addAccount({ name: 'closing', status: 'PENDING_CLOSURE', joinedMethod: 'INVITED' });
});

afterEach(() => server.reset());

afterAll(async () => {
  orgs.destroy();
  await server.close();
});

describe('Organizations fixtures', () => {
  it('starts with the management account and makes unique 12-digit ids', () => {
    const accounts = server.organizations.accounts();
    expect(accounts[0]).toMatchObject({ id: server.accountId, name: 'management', status: 'ACTIVE' });
    expect(accounts.map((a) => a.id)).toEqual([...new Set(accounts.map((a) => a.id))]);
    for (const a of accounts) expect(a.id).toMatch(/^\d{12}$/);
    expect(() => server.organizations.addAccount({ id: MEMBER, name: 'again' })).toThrow(/already/);
    expect(() => server.organizations.addAccount({ id: '12', name: 'short' })).toThrow(/12-digit/);
  });
});

describe('Organizations from the management account', () => {
  it('describes the organization', async () => {
    const { Organization } = await orgs.send(new DescribeOrganizationCommand({}));
    expect(Organization).toMatchObject({
      FeatureSet: 'ALL',
      MasterAccountId: server.accountId,
      MasterAccountEmail: `aws+${server.accountId}@example.com`,
    });
    expect(Organization?.Id).toMatch(/^o-[a-z0-9]{10,32}$/);
    expect(Organization?.Arn).toBe(
      `arn:aws:organizations::${server.accountId}:organization/${Organization?.Id}`,
    );
    expect(Organization?.MasterAccountArn).toBe(
      `arn:aws:organizations::${server.accountId}:account/${Organization?.Id}/${server.accountId}`,
    );
  });

  it('walks ListAccounts over several pages to the end', async () => {
    const pages = [];
    for await (const p of paginateListAccounts({ client: orgs }, {})) pages.push(p);
    expect(pages.map((p) => p.Accounts?.length)).toEqual([2, 2, 1]);
    expect(pages.at(-1)?.NextToken).toBeUndefined();
    const accounts = pages.flatMap((p) => p.Accounts ?? []);
    expect(accounts.map((a) => a.Name)).toEqual(['management', 'workloads', 'sandbox', 'old', 'closing']);
    expect(accounts[1]).toMatchObject({
      Id: MEMBER,
      Email: 'workloads@example.com',
      Status: 'ACTIVE',
      State: 'ACTIVE',
      JoinedMethod: 'CREATED',
    });
    expect(accounts[1]?.Arn).toMatch(
      new RegExp(`^arn:aws:organizations::${server.accountId}:account/o-[a-z0-9]+/${MEMBER}$`),
    );
    expect(accounts[1]?.JoinedTimestamp).toBeInstanceOf(Date);
    expect(Math.abs((accounts[1]?.JoinedTimestamp?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(accounts[3]).toMatchObject({ Status: 'SUSPENDED', State: 'SUSPENDED' });
    expect(accounts[4]).toMatchObject({ Status: 'PENDING_CLOSURE', JoinedMethod: 'INVITED' });

    const big = await orgs.send(new ListAccountsCommand({ MaxResults: 20 }));
    expect(big.Accounts).toHaveLength(5);
    expect(big.NextToken).toBeUndefined();
  });

  it('refuses a bad token or page size with InvalidInputException', async () => {
    const badToken = await errorOf(orgs.send(new ListAccountsCommand({ NextToken: 'not-ours' })));
    expect(badToken).toBeInstanceOf(InvalidInputException);
    expect(badToken).toMatchObject({
      Reason: 'INVALID_PAGINATION_TOKEN',
      $metadata: { httpStatusCode: 400 },
    });
    const tooBig = await errorOf(orgs.send(new ListAccountsCommand({ MaxResults: 21 })));
    expect(tooBig).toMatchObject({ name: 'InvalidInputException', Reason: 'MAX_VALUE_EXCEEDED' });
  });

  it('lets the SDK retry an injected TooManyRequestsException', async () => {
    const retrying = client(credentials, 2);
    try {
      server.failNext('ListAccounts', {
        status: 400,
        type: 'TooManyRequestsException',
        fields: { Type: 'TooManyRequests' },
      });
      const out = await retrying.send(new ListAccountsCommand({}));
      expect(out.Accounts).toHaveLength(2);
      expect(out.$metadata.attempts).toBe(2);
      expect(server.calls.map((c) => c.status)).toEqual([400, 200]);

      server.failNext('ListAccounts', { status: 400, type: 'TooManyRequestsException' });
      const error = await errorOf(orgs.send(new ListAccountsCommand({})));
      expect(error).toBeInstanceOf(TooManyRequestsException);
    } finally {
      retrying.destroy();
    }
  });
});

describe('Organizations from other accounts', () => {
  it('denies ListAccounts to a member account but lets it describe the organization', async () => {
    const member = await clientIn(MEMBER);
    try {
      const denied = await errorOf(member.send(new ListAccountsCommand({})));
      expect(denied).toBeInstanceOf(AccessDeniedException);
      expect(denied).toMatchObject({
        message: "You don't have permissions to access this resource.",
        $metadata: { httpStatusCode: 403 },
      });
      expect(server.calls.at(-1)).toMatchObject({ operation: 'ListAccounts', account: MEMBER, status: 403 });
      const { Organization } = await member.send(new DescribeOrganizationCommand({}));
      expect(Organization?.MasterAccountId).toBe(server.accountId);
    } finally {
      member.destroy();
    }
  });

  it('lets a delegated administrator list accounts', async () => {
    const id = server.organizations.addAccount({ name: 'security' });
    server.organizations.registerDelegatedAdministrator(id);
    const delegated = await clientIn(id);
    try {
      const { Accounts } = await delegated.send(new ListAccountsCommand({ MaxResults: 10 }));
      expect(Accounts?.map((a) => a.Id)).toContain(id);
    } finally {
      delegated.destroy();
    }
  });

  it('tells an account outside the organization that it is not in use', async () => {
    const outsider = await clientIn(OUTSIDER);
    try {
      const error = await errorOf(outsider.send(new DescribeOrganizationCommand({})));
      expect(error).toBeInstanceOf(AWSOrganizationsNotInUseException);
    } finally {
      outsider.destroy();
    }
  });
});
