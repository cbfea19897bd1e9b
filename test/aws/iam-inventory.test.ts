import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInventory } from '../../src/aws/read-inventory.js';
import type { Inventory } from '../../src/insights/inventory.js';
import { recommendations } from '../../src/insights/recommendations.js';
import { type InventoryScores, scoreInventory } from '../../src/insights/score-inventory.js';
import type { FakeAwsServer } from '../support/fake-aws-server.js';
import { addMemberAccount, EXTERNAL_ID, MEMBER_ACCOUNT, ROLE_NAME, startLocalAws } from './aws-env.js';

const PROD = MEMBER_ACCOUNT;
const DEV = '444444444444';
const UNREACHABLE = '333333333333';
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
const managed = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../src/insights/fixtures/${name}.json`, import.meta.url), 'utf8'));
const assumeAny = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};
const reportsOnly = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Reports', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::reports/*' },
  ],
};

/**
 * An organization read the way Latch reads it: two pages at a time everywhere, a risky member
 * account, a clean one, and one whose cross-account role does not exist.
 */
describe('the standing-access inventory', () => {
  let aws: FakeAwsServer;
  let inventory: Inventory;
  let scores: InventoryScores;
  const keys: Record<string, string> = {};
  let adminPs: string;
  let oncall: string;
  let ops: string;
  let erinSso: string;

  beforeAll(async () => {
    aws = await startLocalAws({ pageSize: 2 });
    addMemberAccount(aws, PROD, 'prod');
    addMemberAccount(aws, DEV, 'dev');
    aws.organizations.addAccount({ id: UNREACHABLE, name: 'no-role' });
    const access = aws.iam.access;
    const [admin, power, readOnly] = ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess'].map(
      (name) => access.createPolicy('aws', name, managed(name)),
    ) as [string, string, string];

    // prod: an admin group, a power-user group with an inline AssumeRole on *, idle credentials.
    aws.iam.addGroup(PROD, { groupName: 'Admins' });
    aws.iam.addGroup(PROD, { groupName: 'Developers' });
    aws.iam.addGroup(PROD, { groupName: 'Auditors' });
    access.attachGroupPolicy(PROD, 'Admins', admin);
    access.attachGroupPolicy(PROD, 'Developers', power);
    access.putGroupPolicy(PROD, 'Developers', 'assume-any', assumeAny);
    for (const userName of ['bob', 'carol', 'dave', 'erin', 'ci-bot']) {
      aws.iam.addUser(PROD, { userName, createdAt: daysAgo(400) });
    }
    aws.iam.addToGroup(PROD, 'Admins', 'bob');
    access.addLoginProfile(PROD, 'bob', { passwordLastUsedAt: daysAgo(3) });
    access.addLoginProfile(PROD, 'carol', { passwordLastUsedAt: daysAgo(120) });
    access.attachUserPolicy(PROD, 'carol', readOnly);
    keys.daveOld = access.addAccessKey(PROD, 'dave', { createdAt: daysAgo(200), lastUsedAt: daysAgo(143) });
    keys.daveOff = access.addAccessKey(PROD, 'dave', { createdAt: daysAgo(500), status: 'Inactive' });
    aws.iam.addToGroup(PROD, 'Developers', 'erin');
    aws.iam.addToGroup(PROD, 'Auditors', 'erin');
    const escalate = access.createPolicy(PROD, 'EscalateViaVersions', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:CreatePolicyVersion', Resource: '*' }],
    });
    const passRole = access.createPolicy(PROD, 'PassAnyRole', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }],
    });
    for (const arn of [readOnly, escalate, passRole]) access.attachUserPolicy(PROD, 'erin', arn);
    keys.ci = access.addAccessKey(PROD, 'ci-bot', { createdAt: daysAgo(10), lastUsedAt: daysAgo(1) });
    for (const roleName of ['deploy', 'audit', 'break-glass']) access.addRole(PROD, { roleName });

    // dev: clean. One service user reading one bucket, with a fresh key in use.
    aws.iam.addUser(DEV, { userName: 'svc-reports', createdAt: daysAgo(30) });
    access.putUserPolicy(DEV, 'svc-reports', 'reports', reportsOnly);
    keys.reports = access.addAccessKey(DEV, 'svc-reports', { createdAt: daysAgo(5), lastUsedAt: daysAgo(1) });

    // Identity Center: erin in oncall, the ops group assigned Admin in prod.
    erinSso = aws.addUser({ userName: 'erin', email: 'erin@example.com' });
    aws.addUser({ userName: 'frank', email: 'frank@example.com' });
    aws.addUser({ userName: 'gina', email: 'gina@example.com' });
    oncall = aws.addGroup({ displayName: 'oncall' });
    ops = aws.addGroup({ displayName: 'ops' });
    aws.addGroup({ displayName: 'readers' });
    aws.addMembership(oncall, erinSso);
    adminPs = aws.ssoAdmin.addPermissionSet({ name: 'Admin' });
    aws.ssoAdmin.assign(PROD, adminPs, ops, 'GROUP');

    inventory = await readInventory({
      region: 'us-east-1',
      identityStoreId: aws.identityStoreId,
      role: ROLE_NAME,
      externalId: EXTERNAL_ID,
    });
    const resources = [
      {
        id: 'prod-admin',
        name: 'Admins',
        kind: 'iam_group' as const,
        tier: 'high',
        accountId: PROD,
        groupName: 'Admins',
      },
      { id: 'oncall', name: 'oncall', kind: 'sso_group' as const, tier: 'low', groupId: oncall },
      {
        id: 'prod-ps-admin',
        name: 'Admin',
        kind: 'sso_permission_set' as const,
        tier: 'high',
        accountId: PROD,
        permissionSetArn: adminPs,
      },
    ];
    scores = scoreInventory(inventory, resources, [], new Date());
  });
  afterAll(async () => {
    await aws.close();
  });

  const account = (id: string) => inventory.accounts.find((a) => a.accountId === id);
  const user = (accountId: string, name: string) =>
    account(accountId)?.users.find((u) => u.userName === name);

  it('reports the account whose role cannot be assumed, and reads every other one', () => {
    expect(inventory.failures).toEqual([
      {
        accountId: UNREACHABLE,
        step: 'sts:AssumeRole',
        error: expect.stringContaining(`cannot assume arn:aws:iam::${UNREACHABLE}:role/${ROLE_NAME}`),
      },
    ]);
    expect(inventory.accounts.map((a) => a.accountId).sort()).toEqual([aws.accountId, PROD, DEV].sort());
  });

  it('reads every user, group and role of an account across pages', () => {
    const prod = account(PROD);
    expect(prod?.users.map((u) => u.userName)).toEqual(['bob', 'carol', 'dave', 'erin', 'ci-bot']);
    expect(prod?.groups.map((g) => g.groupName)).toEqual(['Admins', 'Developers', 'Auditors']);
    expect(prod?.roles.map((r) => r.roleName)).toEqual(['deploy', 'audit', 'break-glass']);
    expect(user(PROD, 'erin')?.groups).toEqual(['Developers', 'Auditors']);
    expect(user(PROD, 'erin')?.attachedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      `arn:aws:iam::${PROD}:policy/EscalateViaVersions`,
      `arn:aws:iam::${PROD}:policy/PassAnyRole`,
    ]);
    expect(account(DEV)?.users.map((u) => u.userName)).toEqual(['svc-reports']);
    expect(account(aws.accountId)?.users).toEqual([]);
  });

  it('reads console passwords, and each access key with when it was last used', () => {
    expect(user(PROD, 'bob')).toMatchObject({ hasConsole: true, passwordLastUsedAt: expect.any(Date) });
    expect(user(PROD, 'dave')?.hasConsole).toBe(false);
    expect(user(PROD, 'dave')?.accessKeys).toEqual([
      {
        accessKeyId: keys.daveOld,
        status: 'Active',
        createdAt: expect.any(Date),
        lastUsedAt: expect.any(Date),
        lastUsedService: 's3',
      },
      { accessKeyId: keys.daveOff, status: 'Inactive', createdAt: expect.any(Date) },
    ]);
    const lastUsed = user(PROD, 'dave')?.accessKeys[0]?.lastUsedAt?.getTime() ?? 0;
    expect(Math.round((Date.now() - lastUsed) / DAY_MS)).toBe(143);
  });

  it('decodes the policy documents IAM returns URL-encoded', () => {
    expect(account(PROD)?.groups.find((g) => g.groupName === 'Developers')?.inlinePolicies).toEqual([
      { name: 'assume-any', document: assumeAny },
    ]);
    expect(user(DEV, 'svc-reports')?.inlinePolicies).toEqual([{ name: 'reports', document: reportsOnly }]);
    expect(account(PROD)?.policies.find((p) => p.name === 'PowerUserAccess')).toEqual({
      arn: 'arn:aws:iam::aws:policy/PowerUserAccess',
      name: 'PowerUserAccess',
      defaultVersionId: 'v1',
      document: managed('PowerUserAccess'),
    });
    expect(
      account(PROD)
        ?.policies.map((p) => p.name)
        .sort(),
    ).toEqual([
      'AdministratorAccess',
      'EscalateViaVersions',
      'PassAnyRole',
      'PowerUserAccess',
      'ReadOnlyAccess',
    ]);
  });

  it('reads Identity Center users, groups, memberships and assignments across pages', () => {
    const ic = inventory.identityCenter;
    expect(ic?.users.map((u) => [u.userName, u.email])).toEqual([
      ['erin', 'erin@example.com'],
      ['frank', 'frank@example.com'],
      ['gina', 'gina@example.com'],
    ]);
    expect(ic?.groups.map((g) => g.displayName)).toEqual(['oncall', 'ops', 'readers']);
    expect(ic?.memberships).toEqual([{ groupId: oncall, userId: erinSso }]);
    expect(ic?.assignments).toEqual([
      {
        accountId: PROD,
        permissionSetArn: adminPs,
        permissionSetName: 'Admin',
        principalType: 'GROUP',
        principalId: ops,
      },
    ]);
  });

  it('scores what it read: a fixed table of principals and accounts', () => {
    const table = scores.principals.map((p) => [
      p.principal.kind,
      p.principal.name,
      p.score,
      p.reasons.map((r) => `${r.code}:${r.points}`).join(' '),
    ]);
    expect(table).toEqual([
      ['iam_user', 'bob', 100, 'policy:100 standing_managed_access:20'],
      ['iam_user', 'erin', 80, 'policy:80'],
      ['iam_user', 'carol', 45, 'policy:30 console_unused:15'],
      ['iam_user', 'dave', 25, 'access_key_unused:15 access_key_old:10'],
      ['sso_group', 'ops', 20, 'standing_managed_access:20'],
      ['sso_user', 'erin', 20, 'standing_managed_access:20'],
      ['sso_group', 'oncall', 0, ''],
      ['sso_group', 'readers', 0, ''],
      ['sso_user', 'frank', 0, ''],
      ['sso_user', 'gina', 0, ''],
      ['iam_user', 'ci-bot', 0, ''],
      ['iam_user', 'svc-reports', 0, ''],
    ]);
    expect(scores.principals[1]?.reasons[0]?.evidence).toMatchObject({
      policy: 'PowerUserAccess',
      via: 'group Developers',
    });
    const accountScores = new Map(scores.accounts.map((a) => [a.accountId, a.score]));
    expect(Object.fromEntries(accountScores)).toEqual({ [PROD]: 100, [DEV]: 0, [aws.accountId]: 0 });
    expect(scores.accounts[0]?.reasons.map((r) => [r.code, r.points, r.evidence])).toEqual([
      ['riskiest_principal', 100, { principal: `user bob (${PROD})`, score: 100 }],
      ['more_high_risk_principals', 5, { principals: [`user erin (${PROD})`] }],
    ]);
  });

  it('reads again, after the rest, an account whose AssumeRole AWS throttled past the SDK’s retries', {
    timeout: 30_000,
  }, async () => {
    aws.failNext('AssumeRole', { status: 400, type: 'Throttling', service: 'sts' });
    const again = await readInventory({
      region: 'us-east-1',
      identityStoreId: aws.identityStoreId,
      role: ROLE_NAME,
      externalId: EXTERNAL_ID,
    });
    expect(again.failures.map((f) => [f.accountId, f.step])).toEqual([[UNREACHABLE, 'sts:AssumeRole']]);
    // Whichever account was throttled was read again: what is left is the missing role, not the throttle.
    expect(again.failures[0]?.error).toContain('AccessDenied');
    expect(again.accounts.map((a) => a.accountId).sort()).toEqual([aws.accountId, PROD, DEV].sort());
    expect(aws.calls.filter((c) => c.operation === 'AssumeRole' && c.status === 400)).toHaveLength(1);
  });

  it('recommends the changes, riskiest first', () => {
    const found = recommendations({ inventory, scores, resources: [], grantHistory: [], now: new Date() });
    expect(found.map((r) => r.title)).toEqual([
      `remove bob's standing membership in Admins (${PROD}); it stays requestable through Latch as prod-admin, tier high`,
      `user carol (${PROD}) has not signed in for 120 days: remove the console password`,
      `deactivate access key ${keys.daveOld} of dave (${PROD}), unused for 143 days`,
      `remove ops's standing assignment in Admin (${PROD}); it stays requestable through Latch as prod-ps-admin, tier high`,
      "remove erin's standing membership in oncall; it stays requestable through Latch as oncall, tier low",
    ]);
  });
});
