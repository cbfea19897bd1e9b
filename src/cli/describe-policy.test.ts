import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../config/policy.js';
import { describePolicy } from './describe-policy.js';

const loaded = parsePolicy({
  admins: ['admin@example.com'],
  approvers: {
    managers: { 'alice@example.com': 'bob@example.com' },
    groups: { executive: ['cto@example.com'] },
  },
  tiers: { critical: { break_glass: true } },
  resources: [
    { id: 'oncall', name: 'On-call', kind: 'sso_group', group_id: 'g-1', tier: 'medium' },
    { id: 'readonly', kind: 'sso_group', group_id: 'g-2', tier: 'low' },
    {
      id: 'prod-admin',
      kind: 'sso_permission_set',
      account_id: '111111111111',
      permission_set_arn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
      tier: 'critical',
      owners: ['carol@example.com'],
    },
    { id: 'db', kind: 'iam_group', account_id: '222222222222', group_name: 'Db', tier: 'high' },
  ],
});

describe('describePolicy', () => {
  const lines = describePolicy(loaded);

  it('shows each tier with its steps, durations and validity', () => {
    expect(lines).toContain('  low       auto-approve; 5m to 8h; approval valid 7d; warn 15m before the end');
    expect(lines).toContain(
      '  critical  manager, then owner, then executive; 5m to 1h; every activation approved; ' +
        'warn 15m before the end; break glass for up to 1h',
    );
  });

  it('shows who approves each step of each resource, and where a step falls back', () => {
    const from = (id: string) => lines.slice(lines.findIndex((line) => line.startsWith(`  ${id}`)));
    expect(from('oncall')[0]).toBe('  oncall (On-call): sso_group group g-1, tier medium');
    expect(from('readonly')[1]).toBe('    auto-approved');
    expect(from('prod-admin').slice(1, 4)).toEqual([
      "    step 1, manager: the requester's manager from approvers.managers (1 listed); " +
        'fallback: admins (admin@example.com) when none is listed',
      '    step 2, owner: carol@example.com; fallback: admins (admin@example.com) when the owner is the requester',
      '    step 3, executive: 1 of cto@example.com',
    ]);
    expect(from('db')[2]).toBe(
      '    step 2, owner: no owners listed, so fallback: admins (admin@example.com)',
    );
  });

  it('names an explicit fallback list instead of admins', () => {
    const custom = parsePolicy({
      admins: ['admin@example.com'],
      approvers: { fallback: ['sec@example.com'] },
      resources: [{ id: 'x', kind: 'sso_group', group_id: 'g', tier: 'high' }],
    });
    expect(describePolicy(custom)).toContain('fallback approvers: sec@example.com');
  });
});
