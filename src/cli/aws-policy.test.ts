import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../config/policy.js';
import { awsPolicy, partitionOf } from './aws-policy.js';

const admins = ['admin@example.com'];
const ssoGroup = { id: 'oncall', kind: 'sso_group', group_id: 'g-1', tier: 'low' };

describe('awsPolicy', () => {
  it('grants the four Identity Store calls on the policy store, and GetCallerIdentity', () => {
    const loaded = parsePolicy({
      admins,
      aws: { region: 'eu-west-1', identity_center: { identity_store_id: 'd-1234567890' } },
      resources: [ssoGroup],
    });
    const { document, notes } = awsPolicy(loaded, { accountId: '111122223333' });
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'LatchCallerIdentity', Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: '*' },
        {
          Sid: 'LatchIdentityCenterGroupMembership',
          Effect: 'Allow',
          Action: [
            'identitystore:CreateGroupMembership',
            'identitystore:DeleteGroupMembership',
            'identitystore:GetGroupMembershipId',
            'identitystore:GetUserId',
          ],
          Resource: [
            'arn:aws:identitystore::111122223333:identitystore/d-1234567890',
            'arn:aws:identitystore:::user/*',
            'arn:aws:identitystore:::group/*',
            'arn:aws:identitystore:::membership/*',
          ],
        },
      ],
    });
    expect(notes).toEqual([]);
  });

  it('leaves out Identity Store permissions when no resource is an Identity Center group', () => {
    const loaded = parsePolicy({
      admins,
      resources: [
        { id: 'ro', kind: 'iam_group', account_id: '222222222222', group_name: 'ReadOnly', tier: 'low' },
      ],
    });
    const { document, notes } = awsPolicy(loaded);
    expect(document.Statement.map((s) => s.Sid)).toEqual(['LatchCallerIdentity']);
    expect(notes).toEqual([expect.stringContaining('iam_group are not provisioned yet (issue 3)')]);
  });

  it('says so when it must use a wildcard for the account or the store', () => {
    const { document, notes } = awsPolicy(parsePolicy({ admins, resources: [ssoGroup] }));
    expect(document.Statement[1]?.Resource).toContain('arn:aws:identitystore::*:identitystore/*');
    expect(notes).toHaveLength(2);
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
