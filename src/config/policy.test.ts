import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePolicy } from './policy.js';

const base = {
  admins: ['admin@example.com'],
  approvers: { managers: { 'alice@example.com': 'bob@example.com' } },
  aws: { identity_center: { identity_store_id: 'd-1234567890' } },
  resources: [{ id: 'oncall', kind: 'sso_group', group_id: 'g-1', tier: 'medium' }],
};

function errorOf(raw: unknown): string {
  try {
    parsePolicy(raw);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the policy to be refused');
}

describe('parsePolicy', () => {
  it('fills in the default tiers and top-level timings', () => {
    const { policy } = parsePolicy(base);
    expect(policy.tiers.medium).toMatchObject({
      maxDurationSeconds: 8 * 3600,
      warnBeforeSeconds: 900,
      steps: [{ kind: 'manager' }],
    });
    expect(policy.tiers.critical?.approvalValiditySeconds).toBe(0);
    expect(policy.requestTtlSeconds).toBe(86_400);
    expect(policy.approvers.fallback).toEqual(['admin@example.com']);
  });

  it('lets a tier override only the keys it sets', () => {
    const { policy } = parsePolicy({
      ...base,
      warn_before: '5m',
      tiers: { high: { max_duration: '2h', min_duration: '10s' } },
    });
    expect(policy.tiers.high).toMatchObject({
      maxDurationSeconds: 7200,
      minDurationSeconds: 10,
      warnBeforeSeconds: 300,
    });
    expect(policy.tiers.high?.steps.map((s) => s.kind)).toEqual(['manager', 'owner']);
  });

  it('reads the example in DESIGN §4', () => {
    const { policy, aws } = parsePolicy(
      parse(`
admins: [admin@example.com]
audit_channel: C0123AUDIT
allowed_email_domains: [example.com]
warn_before: 15m
aws:
  region: us-east-1
  identity_center: { instance_arn: "arn:aws:sso:::instance/ssoins-1234", identity_store_id: d-1234567890 }
  cross_account_role: LatchAccess
  external_id: 3f6a
tiers:
  critical:
    steps: [manager, owner, { group: executive, count: 1 }]
    max_duration: 1h
    approval_validity: 0s
    break_glass: true
approvers:
  managers: { alice@example.com: bob@example.com }
  groups: { executive: [cto@example.com] }
  fallback: admins
resources:
  - { id: prod-admin, kind: sso_permission_set, account_id: "111111111111", permission_set_arn: "arn:aws:sso:::permissionSet/ssoins-1234/ps-abcd", tier: critical, owners: [carol@example.com], enforce: true }
  - { id: dev-readonly, kind: iam_group, account_id: "222222222222", group_name: ReadOnly, tier: low }
  - { id: oncall, kind: sso_group, group_id: 9067b5e4-0000-0000-0000-000000000000, tier: medium }
`),
    );
    expect(policy.resources.map((r) => r.id)).toEqual(['prod-admin', 'dev-readonly', 'oncall']);
    expect(policy.tiers.critical?.steps[2]).toEqual({ kind: 'group', group: 'executive', count: 1 });
    expect(aws.external_id).toBe('3f6a');
  });

  it.each([
    [
      'an unknown tier',
      { ...base, resources: [{ ...base.resources[0], tier: 'hihg' }] },
      'resources[0].tier: unknown tier "hihg"',
    ],
    [
      'a kind without its fields',
      { ...base, resources: [{ id: 'x', kind: 'iam_group', tier: 'low' }] },
      'resources[0].account_id: is required for kind iam_group',
    ],
    ['a bad duration', { ...base, warn_before: 'soon' }, 'warn_before: "soon" is not a duration'],
    [
      'a minimum below 10s',
      { ...base, tiers: { low: { min_duration: '5s' } } },
      'tiers.low.min_duration: "5s" is shorter than the least allowed, 10s',
    ],
    ['no admins', { ...base, admins: [] }, 'admins: needs at least one admin'],
    [
      'an admin that is not a person',
      { ...base, admins: ['bob'] },
      'admins[0]: "bob" is neither an email nor a Slack user id',
    ],
    ['an unknown key', { ...base, approver: {} }, '(top level)'],
    [
      'a duplicate resource id',
      { ...base, resources: [base.resources[0], base.resources[0]] },
      'resources[1].id: "oncall" is listed twice',
    ],
    [
      'an unknown approver group',
      { ...base, tiers: { high: { steps: [{ group: 'security' }] } } },
      'tiers.high.steps[0]: unknown approver group "security"',
    ],
    [
      'an unquoted account id',
      {
        ...base,
        resources: [{ id: 'x', kind: 'iam_group', account_id: 222222222222, group_name: 'R', tier: 'low' }],
      },
      'resources[0].account_id',
    ],
  ])('refuses %s, naming the key', (_, raw, want) => {
    expect(errorOf(raw)).toContain(want);
  });
});
