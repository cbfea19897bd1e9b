import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemorySlots } from '../../src/aws/call-limits.js';
import { type DiscoverySettings, discoverCatalog } from '../../src/aws/catalog-discovery.js';
import type { CatalogDiscovery } from '../../src/core/model.js';
import type { FakeAwsServer } from '../support/fake-aws-server.js';
import { addMemberAccount, EXTERNAL_ID, ROLE_NAME, startLocalAws } from './aws-env.js';

const PAGE = 2;
const pages = (items: number) => Math.max(1, Math.ceil(items / PAGE));

/** A member account whose role trusts another ExternalId, and one with no role at all. */
const WRONG_EXTERNAL_ID = '399999999991';
const NO_ROLE = '399999999992';
const SUSPENDED = '399999999993';

const settings: DiscoverySettings = { region: 'us-east-1', role: ROLE_NAME, externalId: EXTERNAL_ID };

/**
 * What the fake organization holds, kept alongside it so the test knows every resource discovery
 * should find and what each listing costs.
 */
class Organization {
  /** Active accounts, the management account first, as ListAccounts lists them. */
  readonly accounts: Array<{ id: string; name: string }> = [];
  /** IAM group names per account. */
  readonly iamGroups = new Map<string, string[]>();
  /** Permission set ARN → accounts it is provisioned to. */
  readonly provisioned = new Map<string, string[]>();
  readonly storeGroups: string[] = [];
  /** Every account in the organization, suspended ones too. */
  listed = 1;

  constructor(private readonly aws: FakeAwsServer) {
    this.accounts.push({ id: aws.accountId, name: 'management' });
    this.addIamGroups(aws.accountId, ['Admins', 'Developers', 'Auditors']);
  }

  /** A reachable member account with `groups` IAM groups. */
  addAccount(index: number, groups: number): string {
    const id = String(300_000_000_000 + index);
    const name = `workload-${index}`;
    addMemberAccount(this.aws, id, name);
    this.accounts.push({ id, name });
    this.listed += 1;
    this.addIamGroups(
      id,
      Array.from({ length: groups }, (_, k) => `team-${index}-${k}`),
    );
    return id;
  }

  addIamGroups(account: string, names: string[]): void {
    for (const groupName of names) this.aws.iam.addGroup(account, { groupName });
    this.iamGroups.set(account, [...(this.iamGroups.get(account) ?? []), ...names]);
  }

  addPermissionSet(name: string, accounts: string[]): string {
    const arn = this.aws.ssoAdmin.addPermissionSet({ name });
    for (const account of accounts) this.aws.ssoAdmin.provision(arn, account);
    this.provisioned.set(arn, accounts);
    return arn;
  }

  addStoreGroup(displayName: string): void {
    this.storeGroups.push(this.aws.addGroup({ displayName }));
  }

  /** Keys of every resource a sync should find in the accounts it can reach. */
  expectedKeys(unreachable: string[] = []): string[] {
    const keys: string[] = [];
    for (const [account, names] of this.iamGroups) {
      if (unreachable.includes(account)) continue;
      for (const name of names) keys.push(`iam_group:${account}:${name}`);
    }
    for (const [arn, accounts] of this.provisioned) {
      for (const account of accounts) keys.push(`sso_permission_set:${account}:${arn}`);
    }
    for (const groupId of this.storeGroups) keys.push(`sso_group:${groupId}`);
    return keys.sort();
  }

  /** The calls a sync makes, by IAM action, when every listing is read `PAGE` items at a time. */
  expectedCalls(unreachable: string[]): Record<string, number> {
    const members = this.accounts.filter((a) => a.id !== this.aws.accountId);
    const reachable = this.accounts.filter((a) => !unreachable.includes(a.id));
    const provisionedPages = [...this.provisioned.values()].reduce((sum, a) => sum + pages(a.length), 0);
    return {
      'organizations:ListAccounts': pages(this.listed),
      'sts:GetCallerIdentity': 1,
      'sts:AssumeRole': members.length,
      'sso:ListInstances': 1,
      'sso:ListPermissionSets': pages(this.provisioned.size),
      'sso:DescribePermissionSet': this.provisioned.size,
      'sso:ListAccountsForProvisionedPermissionSet': provisionedPages,
      'identitystore:ListGroups': pages(this.storeGroups.length),
      'iam:ListGroups': reachable.reduce((sum, a) => sum + pages(this.iamGroups.get(a.id)?.length ?? 0), 0),
    };
  }
}

const keysOf = (result: CatalogDiscovery) => result.resources.map((r) => r.key).sort();

describe('catalog discovery across an organization (real SDK, local AWS)', () => {
  let aws: FakeAwsServer;
  let org: Organization;
  type Run = { result: CatalogDiscovery; serverCalls: number; accounts: number; listed: number };
  let half: Run;
  let full: Run;
  let added: string[];
  let readOnlyAccess: string;
  const unreachable = [WRONG_EXTERNAL_ID, NO_ROLE];

  beforeAll(async () => {
    aws = await startLocalAws({ pageSize: PAGE });
    org = new Organization(aws);

    // First half of the organization: 25 reachable accounts with 0–4 IAM groups each, two that
    // cannot be reached and one suspended.
    const first = Array.from({ length: 25 }, (_, i) => org.addAccount(i, i % 5));
    aws.organizations.addAccount({ id: WRONG_EXTERNAL_ID, name: 'wrong-external-id' });
    aws.addRole({ arn: `arn:aws:iam::${WRONG_EXTERNAL_ID}:role/${ROLE_NAME}`, externalId: 'someone-else' });
    aws.organizations.addAccount({ id: NO_ROLE, name: 'no-role' });
    aws.organizations.addAccount({ id: SUSPENDED, name: 'suspended', status: 'SUSPENDED' });
    aws.addRole({ arn: `arn:aws:iam::${SUSPENDED}:role/${ROLE_NAME}`, externalId: EXTERNAL_ID });
    org.accounts.push({ id: WRONG_EXTERNAL_ID, name: 'wrong-external-id' }, { id: NO_ROLE, name: 'no-role' });
    org.listed += 3;
    org.addIamGroups(WRONG_EXTERNAL_ID, ['Hidden']);
    aws.iam.addGroup(SUSPENDED, { groupName: 'Gone' });

    // Permission sets provisioned to some accounts each, one to none; Identity Center groups.
    org.addPermissionSet('AdministratorAccess', [aws.accountId, ...first.slice(0, 7)]);
    readOnlyAccess = org.addPermissionSet(
      'ReadOnlyAccess',
      first.filter((_, i) => i % 3 === 0),
    );
    org.addPermissionSet('Billing', [aws.accountId]);
    org.addPermissionSet('Unused', []);
    org.addPermissionSet('NetworkAdmin', first.slice(10, 15));
    for (const name of ['oncall', 'platform', 'security', 'data', 'finance']) org.addStoreGroup(name);

    const sync = async () => {
      aws.reset();
      const result = await discoverCatalog(settings);
      return { result, serverCalls: aws.calls.length, accounts: org.accounts.length, listed: org.listed };
    };
    half = await sync();
    // Double the organization: 25 more accounts, each with one IAM group and no permission set.
    added = Array.from({ length: 25 }, (_, i) => org.addAccount(100 + i, 1));
    full = await sync();
  });
  afterAll(async () => {
    await aws.close();
  });
  beforeEach(() => aws.reset());

  it('finds every account, permission-set assignment target, Identity Center group and IAM group', () => {
    expect(full.accounts).toBeGreaterThanOrEqual(50);
    expect(full.result.accounts).toEqual(org.accounts);
    expect(keysOf(full.result)).toEqual(org.expectedKeys(unreachable));
    expect(full.result.resources).toContainEqual({
      key: `iam_group:${added[0]}:team-100-0`,
      kind: 'iam_group',
      name: 'team-100-0',
      accountId: added[0],
      accountName: 'workload-100',
      groupName: 'team-100-0',
    });
    const [admin] = org.provisioned.keys();
    expect(full.result.resources).toContainEqual({
      key: `sso_permission_set:${aws.accountId}:${admin}`,
      kind: 'sso_permission_set',
      name: 'AdministratorAccess',
      accountId: aws.accountId,
      accountName: 'management',
      permissionSetArn: admin,
    });
    expect(full.result.resources.filter((r) => r.kind === 'sso_group').map((r) => r.name)).toEqual([
      'oncall',
      'platform',
      'security',
      'data',
      'finance',
    ]);
    // Suspended accounts are neither listed nor entered.
    expect(full.result.accounts.map((a) => a.id)).not.toContain(SUSPENDED);
  });

  it('reports the accounts it could not enter, with AWS’s error, and reads all the others', () => {
    const failures = [...full.result.failures].sort((a, b) =>
      (a.accountId ?? '').localeCompare(b.accountId ?? ''),
    );
    expect(failures).toEqual([
      {
        accountId: WRONG_EXTERNAL_ID,
        step: 'iam:ListGroups',
        error: expect.stringMatching(
          new RegExp(`cannot assume arn:aws:iam::${WRONG_EXTERNAL_ID}:role/${ROLE_NAME} .*AccessDenied`),
        ),
      },
      {
        accountId: NO_ROLE,
        step: 'iam:ListGroups',
        error: expect.stringMatching(new RegExp(`account ${NO_ROLE}: AccessDenied`)),
      },
    ]);
    for (const failure of failures) expect(failure.error).toContain('expects aws.external_id');
  });

  it('counts exactly the calls AWS saw, AssumeRole included', () => {
    expect(full.result.callsByAction).toEqual(org.expectedCalls(unreachable));
    for (const run of [half, full]) {
      expect(run.result.calls).toBe(Object.values(run.result.callsByAction).reduce((a, b) => a + b, 0));
      expect(run.result.calls).toBe(run.serverCalls);
    }
  });

  it('grows by the cost of each account added, not with accounts times permission sets', () => {
    const grown = full.result.calls - half.result.calls;
    const accountsAdded = full.accounts - half.accounts;
    expect(accountsAdded).toBe(25);
    // Each new account costs one AssumeRole and one ListGroups page; ListAccounts reads more pages.
    const listAccountsPages = pages(full.listed) - pages(half.listed);
    expect(grown).toBe(accountsAdded * 2 + listAccountsPages);
    // Permission-set and Identity Center listings do not depend on the number of accounts.
    for (const action of [
      'sso:ListPermissionSets',
      'sso:DescribePermissionSet',
      'sso:ListAccountsForProvisionedPermissionSet',
      'identitystore:ListGroups',
    ]) {
      expect(full.result.callsByAction[action], action).toBe(half.result.callsByAction[action]);
    }
  });

  it('reads again, after the rest, an account whose AssumeRole AWS throttled past the SDK’s retries', {
    timeout: 30_000,
  }, async () => {
    aws.failNext('AssumeRole', { status: 400, type: 'Throttling', service: 'sts' });
    const result = await discoverCatalog(settings);
    expect(result.failures.map((f) => f.accountId).sort()).toEqual([WRONG_EXTERNAL_ID, NO_ROLE].sort());
    expect(keysOf(result)).toEqual(org.expectedKeys(unreachable));
    expect(aws.calls.filter((c) => c.operation === 'AssumeRole' && c.status === 400)).toHaveLength(1);
  });

  it('reads again, after the rest, a permission set whose description AWS throttled past the SDK’s retries', {
    timeout: 30_000,
  }, async () => {
    aws.failNext('DescribePermissionSet', { status: 400, type: 'ThrottlingException' });
    const result = await discoverCatalog(settings);
    expect(result.failures.map((f) => f.accountId).sort()).toEqual([WRONG_EXTERNAL_ID, NO_ROLE].sort());
    expect(keysOf(result)).toEqual(org.expectedKeys(unreachable));
    expect(aws.calls.filter((c) => c.operation === 'DescribePermissionSet' && c.status === 400)).toHaveLength(
      1,
    );
  });

  it('reports a permission set AWS throttled on its second read too, and keeps every other resource', {
    timeout: 30_000,
  }, async () => {
    aws.failNext('DescribePermissionSet', {
      status: 400,
      type: 'ThrottlingException',
      times: 2,
      when: (input) => input.PermissionSetArn === readOnlyAccess,
    });
    const result = await discoverCatalog(settings);
    expect(result.failures.filter((f) => f.step === 'sso:DescribePermissionSet')).toEqual([
      { step: 'sso:DescribePermissionSet', error: expect.stringContaining('ThrottlingException') },
    ]);
    // Only that permission set's assignments are missing; every other resource is found.
    expect(keysOf(result)).toEqual(
      org.expectedKeys(unreachable).filter((k) => !k.endsWith(`:${readOnlyAccess}`)),
    );
    expect(keysOf(result).length).toBeLessThan(org.expectedKeys(unreachable).length);
  });

  it('keeps and reads the accounts listed before ListAccounts failed part-way', async () => {
    // The first page is answered; the second is refused.
    void aws
      .waitForCall('ListAccounts')
      .then(() => aws.failNext('ListAccounts', { status: 403, type: 'AccessDeniedException' }));
    const result = await discoverCatalog(settings);
    expect(result.failures).toEqual([
      { step: 'organizations:ListAccounts', error: expect.stringContaining('AccessDeniedException') },
    ]);
    // Latch's own account was on the first page, so it is not added twice.
    const firstPage = org.accounts.slice(0, PAGE);
    expect(result.accounts).toEqual(firstPage);
    expect(
      result.resources
        .filter((r) => r.kind === 'iam_group')
        .map((r) => r.key)
        .sort(),
    ).toEqual(org.expectedKeys().filter((k) => firstPage.some((a) => k.startsWith(`iam_group:${a.id}:`))));
  });

  it('paces AssumeRole and ListGroups into member accounts at 19 calls a second each', async () => {
    await discoverCatalog(settings);
    for (const operation of ['AssumeRole', 'ListGroups']) {
      const times = aws.calls
        .filter((c) => c.operation === operation && (c.service === 'sts' || c.service === 'iam'))
        .map((c) => c.at);
      expect(times.length, operation).toBeGreaterThan(40);
      const spanMs = Math.max(...times) - Math.min(...times);
      // Unpaced, 8 accounts at a time against a local AWS take well under a second.
      expect(spanMs, operation).toBeGreaterThanOrEqual(((times.length - 1) / 19) * 1000 - 100);
    }
  });

  it('takes every STS AssumeRole, IAM and Organizations call from the limits it is given, which replicas share', async () => {
    const taken: string[] = [];
    await discoverCatalog({
      ...settings,
      callLimits: {
        callRate: { take: async (bucket) => void taken.push(bucket.name) },
        assignmentSlots: new MemorySlots(),
      },
    });
    const count = (names: string[]) => taken.filter((n) => names.includes(n)).length;
    const calls = (services: string[]) => aws.calls.filter((c) => services.includes(c.service)).length;
    // Latch's own account is read with its own credentials, no AssumeRole; its IAM is paced all the same.
    const ownIam = aws.calls.filter((c) => c.service === 'iam' && c.account === aws.accountId).length;
    expect(ownIam).toBeGreaterThan(0);
    expect(count(['sts'])).toBe(aws.calls.filter((c) => c.operation === 'AssumeRole').length);
    expect(count(['iam'])).toBe(calls(['iam']));
    expect(count(['identity-center'])).toBe(calls(['sso', 'identitystore']));
    expect(count(['organizations'])).toBe(calls(['organizations']));
    expect(count(['organizations'])).toBeGreaterThan(1);
    expect(count(['sts'])).toBeGreaterThan(40);
  });

  it('without Organizations access, says so and reads Latch’s own account', async () => {
    aws.failNext('ListAccounts', { status: 403, type: 'AccessDeniedException', service: 'organizations' });
    const result = await discoverCatalog(settings);
    expect(result.failures).toEqual([
      { step: 'organizations:ListAccounts', error: expect.stringContaining('AccessDeniedException') },
    ]);
    expect(result.accounts).toEqual([{ id: aws.accountId, name: aws.accountId }]);
    expect(result.resources.filter((r) => r.kind === 'iam_group').map((r) => r.key)).toEqual(
      ['Admins', 'Developers', 'Auditors'].map((g) => `iam_group:${aws.accountId}:${g}`),
    );
    // Identity Center is still read in full; its accounts are named by id for want of their names.
    expect(
      result.resources
        .filter((r) => r.kind !== 'iam_group')
        .map((r) => r.key)
        .sort(),
    ).toEqual(org.expectedKeys().filter((k) => !k.startsWith('iam_group:')));
    expect(aws.calls.filter((c) => c.operation === 'AssumeRole')).toEqual([]);
    expect(result.calls).toBe(aws.calls.length);
  });
});
