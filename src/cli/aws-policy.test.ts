import { describe, expect, it } from 'vitest';
import { AWS_OPERATIONS } from '../aws/aws-operations.js';
import { parsePolicy } from '../config/policy.js';
import { awsPolicy, partitionOf } from './aws-policy.js';

const admins = ['admin@example.com'];
const ssoGroup = { id: 'oncall', kind: 'sso_group', group_id: 'g-1', tier: 'low' };
const iamGroup = {
  id: 'ro',
  kind: 'iam_group',
  account_id: '222222222222',
  group_name: 'ReadOnly',
  tier: 'low',
};
const aws = {
  region: 'eu-west-1',
  identity_center: { identity_store_id: 'd-1234567890' },
  cross_account_role: 'LatchAccess',
  external_id: 'ext-42',
};

const actionsOf = (statements: Array<{ Action: string[] }>) => statements.flatMap((s) => s.Action);

describe('awsPolicy', () => {
  it('covers every operation Latch sends when every kind is in use and credential changes are opted in', () => {
    const loaded = parsePolicy({
      admins,
      aws: { ...aws, apply_credential_changes: true },
      resources: [
        ssoGroup,
        iamGroup,
        {
          id: 'ps',
          kind: 'sso_permission_set',
          account_id: '222222222222',
          permission_set_arn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
          tier: 'low',
        },
      ],
    });
    const { document, crossAccount } = awsPolicy(loaded, { accountId: '111122223333' });
    const home = new Set(actionsOf(document.Statement));
    const member = new Set(actionsOf(crossAccount?.permissions.Statement ?? []));
    for (const op of AWS_OPERATIONS) {
      if (op.scopes.includes('home')) expect(home, op.action).toContain(op.action);
      if (op.scopes.includes('member')) expect(member, op.action).toContain(op.action);
    }
    expect(member.has('sso:CreateAccountAssignment')).toBe(false);
  });

  it('leaves out the writes of kinds the policy does not use', () => {
    const { document, crossAccount } = awsPolicy(parsePolicy({ admins, aws, resources: [ssoGroup] }));
    const actions = actionsOf(document.Statement);
    expect(actions).toContain('identitystore:CreateGroupMembership');
    expect(actions).not.toContain('sso:CreateAccountAssignment');
    expect(actions).not.toContain('iam:AddUserToGroup');
    expect(actionsOf(crossAccount?.permissions.Statement ?? [])).not.toContain('iam:RemoveUserFromGroup');
  });

  it('allows changing IAM users’ credentials only when aws.apply_credential_changes opts in', () => {
    const credentialWrites = ['iam:DeleteLoginProfile', 'iam:UpdateAccessKey'];
    const off = awsPolicy(parsePolicy({ admins, aws, resources: [iamGroup] }));
    const on = awsPolicy(
      parsePolicy({ admins, aws: { ...aws, apply_credential_changes: true }, resources: [] }),
    );
    for (const printed of [off, on]) {
      const all = [printed.document, printed.crossAccount?.permissions].flatMap((d) =>
        actionsOf(d?.Statement ?? []),
      );
      const found = credentialWrites.filter((a) => all.includes(a));
      expect(found).toEqual(printed === on ? credentialWrites : []);
    }
    // On user ARNs only, in Latch's account and through the member role.
    const statement = on.document.Statement.find((s) => s.Action.includes('iam:UpdateAccessKey'));
    expect(statement?.Resource).toContain('arn:aws:iam::*:user/*');
    expect(actionsOf(on.crossAccount?.permissions.Statement ?? [])).toContain('iam:DeleteLoginProfile');
  });

  it('always allows the standing-access reads, whatever kinds the policy uses, and only reads', () => {
    const { document, crossAccount } = awsPolicy(parsePolicy({ admins, aws, resources: [ssoGroup] }));
    const home = actionsOf(document.Statement);
    for (const action of [
      'sso:ListAccountAssignments',
      'identitystore:ListUsers',
      'iam:GetAccessKeyLastUsed',
    ]) {
      expect(home).toContain(action);
    }
    const reads = [document, crossAccount?.permissions].map(
      (d) => d?.Statement.find((s) => s.Sid === 'LatchStandingAccessReads')?.Action ?? [],
    );
    for (const actions of reads) {
      expect(actions).toContain('iam:GetPolicyVersion');
      expect(actions.filter((a) => !/^iam:(Get|List)/.test(a))).toEqual([]);
    }
  });

  it('lets only Latch assume the member role, and only with the ExternalId', () => {
    const { document, crossAccount } = awsPolicy(parsePolicy({ admins, aws, resources: [iamGroup] }), {
      accountId: '111122223333',
    });
    expect(crossAccount?.trust.Statement).toEqual([
      {
        Sid: 'LatchAssumesWithExternalId',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: ['sts:AssumeRole'],
        Condition: { StringEquals: { 'sts:ExternalId': 'ext-42' } },
      },
    ]);
    expect(document.Statement.find((s) => s.Sid === 'LatchAssumeCrossAccountRole')).toMatchObject({
      Action: ['sts:AssumeRole'],
      Resource: 'arn:aws:iam::*:role/LatchAccess',
    });
  });

  it('says so when it must use a wildcard for the account or the store, or has no role', () => {
    const { document, crossAccount, notes } = awsPolicy(
      parsePolicy({ admins, resources: [ssoGroup, iamGroup] }),
    );
    expect(document.Statement.find((s) => s.Sid === 'LatchIdentityStore')?.Resource).toContain(
      'arn:aws:identitystore::*:identitystore/*',
    );
    expect(crossAccount).toBeUndefined();
    expect(notes).toEqual([
      expect.stringContaining('no --account'),
      expect.stringContaining('identity_store_id'),
      expect.stringContaining('cross_account_role'),
    ]);
  });

  it.each([
    ['us-east-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    [undefined, 'aws'],
  ])('puts region %s in partition %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});
