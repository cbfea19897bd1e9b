import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_OPERATIONS } from '../../src/aws/aws-operations.js';
import { AwsProvisioner } from '../../src/aws/aws-provisioner.js';
import { awsSettingsFrom } from '../../src/aws/aws-settings.js';
import { discoverCatalog } from '../../src/aws/catalog-discovery.js';
import { readInventory } from '../../src/aws/read-inventory.js';
import { AwsStandingAccessChanger } from '../../src/aws/standing-access-changer.js';
import { type AwsPolicyResult, awsPolicy, type IamPolicyDocument } from '../../src/cli/aws-policy.js';
import { type LoadedPolicy, parsePolicy } from '../../src/config/policy.js';
import type { Resource } from '../../src/core/model.js';
import type { FakeAwsCall, FakeAwsServer } from '../support/fake-aws-server.js';
import { addMemberAccount, EXTERNAL_ID, MEMBER_ACCOUNT, ROLE_NAME, startLocalAws } from './aws-env.js';

const actionOf = (call: FakeAwsCall) => `${call.service}:${call.operation}`;
const actionsIn = (document: IamPolicyDocument | undefined) =>
  new Set((document?.Statement ?? []).flatMap((s) => s.Action));

/** IAM's wildcard match of one ARN pattern (`*` any run of characters, `?` one). */
function arnMatches(pattern: string, arn: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(arn);
}

/**
 * Every path through the adapters, run against one local AWS; then every call AWS saw is checked
 * against the policies `latch aws-policy` prints for a policy file using all three kinds.
 */
describe('the IAM policies `latch aws-policy` prints allow every call Latch makes', () => {
  let aws: FakeAwsServer;
  let loaded: LoadedPolicy;
  let printed: AwsPolicyResult;
  const counted: string[] = [];

  beforeAll(async () => {
    aws = await startLocalAws({ pageSize: 2 });
    addMemberAccount(aws);
    aws.addUser({ userName: 'alice', email: 'alice@example.com' });
    aws.addUser({ userName: 'bob@example.com' });
    const oncall = aws.addGroup({ displayName: 'oncall' });
    const admin = aws.ssoAdmin.addPermissionSet({ name: 'Admin' });
    for (const account of [aws.accountId, MEMBER_ACCOUNT]) {
      aws.iam.addGroup(account, { groupName: 'ReadOnly' });
      aws.iam.addUser(account, { userName: 'ci-bot' });
      aws.iam.addUser(account, { userName: 'alice-iam', tags: { email: 'alice@example.com' } });
      aws.cloudTrail.addEvent({
        account,
        username: 'alice-iam',
        eventName: 'ListRoles',
        eventTime: new Date(Date.now() - 60_000),
        readOnly: true,
      });
    }

    loaded = parsePolicy({
      admins: ['admin@example.com'],
      aws: {
        region: 'us-east-1',
        identity_center: { identity_store_id: aws.identityStoreId },
        cross_account_role: ROLE_NAME,
        external_id: EXTERNAL_ID,
        apply_credential_changes: true,
      },
      resources: [
        { id: 'oncall', kind: 'sso_group', group_id: oncall, tier: 'low' },
        ...[aws.accountId, MEMBER_ACCOUNT].flatMap((account) => [
          {
            id: `admin-${account}`,
            kind: 'sso_permission_set',
            account_id: account,
            permission_set_arn: admin,
            tier: 'high',
          },
          {
            id: `ro-${account}`,
            kind: 'iam_group',
            account_id: account,
            group_name: 'ReadOnly',
            tier: 'low',
          },
        ]),
      ],
    });
    printed = awsPolicy(loaded, { accountId: aws.accountId });

    // Latch configured from the same policy file; no instance ARN, so it finds the instance itself.
    const settings = { ...awsSettingsFrom(loaded), onCall: (action: string) => counted.push(action) };
    const provisioner = new AwsProvisioner({
      ...settings,
      poll: { firstDelayMs: 5, maxDelayMs: 20, timeoutMs: 5_000 },
    });
    const window = { start: new Date(Date.now() - 3_600_000), end: new Date() };
    try {
      await provisioner.callerIdentity();
      for (const resource of loaded.policy.resources) {
        const email = resource.kind === 'sso_group' ? 'bob@example.com' : 'alice@example.com';
        const { principalId } = await provisioner.grant(resource, email);
        // Granting again and revoking twice take the already-done paths.
        expect(await provisioner.grant(resource, email)).toMatchObject({ changed: false });
        expect(await provisioner.holders(resource)).toEqual([principalId]);
        await provisioner.activity(resource, { principalId, email, ...window });
        expect(await provisioner.revoke(resource, principalId)).toEqual({ changed: true });
        expect(await provisioner.revoke(resource, principalId)).toEqual({ changed: false });
      }
    } finally {
      provisioner.destroy();
    }
    const catalog = await discoverCatalog({ ...settings });
    expect(catalog.failures).toEqual([]);

    // The standing-access inventory, with something of every kind to read in both accounts.
    const document = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    };
    for (const account of [aws.accountId, MEMBER_ACCOUNT]) {
      const deploy = aws.iam.access.createPolicy(account, 'Deploy', document);
      aws.iam.access.attachUserPolicy(account, 'ci-bot', deploy);
      aws.iam.access.putUserPolicy(account, 'ci-bot', 'extra', document);
      aws.iam.access.attachGroupPolicy(account, 'ReadOnly', deploy);
      aws.iam.access.putGroupPolicy(account, 'ReadOnly', 'extra', document);
      aws.iam.access.addLoginProfile(account, 'alice-iam');
      aws.iam.access.addAccessKey(account, 'ci-bot');
      aws.iam.access.addRole(account, { roleName: 'deploy' });
    }
    const inventory = await readInventory({ ...settings });
    expect(inventory.failures).toEqual([]);
    expect(inventory.accounts.map((a) => a.accountId).sort()).toEqual([aws.accountId, MEMBER_ACCOUNT].sort());

    // Applying the credential recommendations (opted in above), in both accounts.
    const changes = new AwsProvisioner(settings);
    try {
      const changer = new AwsStandingAccessChanger(changes);
      for (const account of [aws.accountId, MEMBER_ACCOUNT]) {
        const accessKeyId = aws.iam.access.addAccessKey(account, 'alice-iam');
        const userName = 'alice-iam';
        const key = { action: 'deactivate_access_key', accountId: account, userName, accessKeyId } as const;
        expect(await changer.apply(key)).toEqual({ changed: true });
        const console = { action: 'delete_login_profile', accountId: account, userName } as const;
        expect(await changer.apply(console)).toEqual({ changed: true });
        // Applied again (a second click): nothing left to change.
        expect(await changer.apply(key)).toEqual({ changed: false });
        expect(await changer.apply(console)).toEqual({ changed: false });
        expect(aws.iam.access.accessKeys(account, 'alice-iam').map((k) => k.status)).toEqual(['Inactive']);
        expect(aws.iam.access.loginProfile(account, 'alice-iam')).toBeUndefined();
      }
    } finally {
      changes.destroy();
    }
  });
  afterAll(async () => {
    await aws.close();
  });

  const resourceOf = (kind: Resource['kind']) => loaded.policy.resources.filter((r) => r.kind === kind);

  it('ran every path: all three kinds in both accounts, activity, discovery and instance lookup', () => {
    expect(resourceOf('iam_group').map((r) => r.accountId)).toEqual([aws.accountId, MEMBER_ACCOUNT]);
    expect(resourceOf('sso_permission_set').map((r) => r.accountId)).toEqual([aws.accountId, MEMBER_ACCOUNT]);
    // Only the answers the already-done paths expect: no user with bob's email (once: the second
    // grant remembers his user id), the membership exists, it is gone. Nothing was denied or throttled.
    expect(aws.calls.filter((c) => c.status !== 200).map(actionOf)).toEqual([
      'identitystore:GetUserId',
      'identitystore:CreateGroupMembership',
      'identitystore:GetGroupMembershipId',
      // ci-bot has no console password, in either account.
      'iam:GetLoginProfile',
      'iam:GetLoginProfile',
      // alice-iam's password was already removed by the first apply, in each account.
      'iam:DeleteLoginProfile',
      'iam:DeleteLoginProfile',
    ]);
    const seen = new Set(
      aws.calls.map((c) => `${actionOf(c)}@${c.account === aws.accountId ? 'home' : 'member'}`),
    );
    // Every operation the adapters declare was used, in every account it is declared for.
    const declared = AWS_OPERATIONS.flatMap((op) => op.scopes.map((scope) => `${op.action}@${scope}`));
    expect([...seen].sort()).toEqual([...new Set(declared)].sort());
  });

  it('allows every call made with Latch’s own credentials in the policy for Latch', () => {
    const allowed = actionsIn(printed.document);
    const home = aws.calls.filter((c) => c.account === aws.accountId);
    expect(home.length).toBeGreaterThan(0);
    expect([...new Set(home.map(actionOf))].filter((a) => !allowed.has(a))).toEqual([]);
  });

  it('allows every call made in a member account in the cross-account role’s policy', () => {
    const allowed = actionsIn(printed.crossAccount?.permissions);
    const member = aws.calls.filter((c) => c.account !== aws.accountId);
    expect(new Set(member.map((c) => c.account))).toEqual(new Set([MEMBER_ACCOUNT]));
    expect([...new Set(member.map(actionOf))].filter((a) => !allowed.has(a))).toEqual([]);
    // Nothing that changes Identity Center is ever done with the member role.
    expect(member.filter((c) => c.service !== 'iam' && c.service !== 'cloudtrail')).toEqual([]);
  });

  it('assumes only the role the policy names, always with the ExternalId its trust policy requires', () => {
    const assumed = aws.calls.filter((c) => c.operation === 'AssumeRole');
    expect(assumed.length).toBeGreaterThanOrEqual(2);
    const statement = printed.document.Statement.find((s) => s.Action.includes('sts:AssumeRole'));
    const patterns = [statement?.Resource ?? []].flat();
    const trust = printed.crossAccount?.trust.Statement[0];
    expect(trust?.Principal).toEqual({ AWS: `arn:aws:iam::${aws.accountId}:root` });
    for (const call of assumed) {
      const input = call.input as { RoleArn?: string; ExternalId?: string };
      expect(call.account).toBe(aws.accountId);
      expect(input.ExternalId).toBe(EXTERNAL_ID);
      expect(trust?.Condition).toEqual({ StringEquals: { 'sts:ExternalId': input.ExternalId } });
      expect(input.RoleArn).toBe(`arn:aws:iam::${MEMBER_ACCOUNT}:role/${ROLE_NAME}`);
      expect(patterns.some((p) => arnMatches(p, input.RoleArn ?? ''))).toBe(true);
    }
  });

  it('names each call, for the metrics, by the IAM action AWS checks', () => {
    expect([...counted].sort()).toEqual(aws.calls.map(actionOf).sort());
  });
});
