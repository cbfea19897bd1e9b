import { describe, expect, it } from 'vitest';
import { canApply, changeAction } from './change-action.js';
import type { StoredInsightRun } from './insight-run.js';
import { insightsView } from './insights-view.js';
import type { Recommendation, RecommendedChange } from './recommendations.js';

const DEV = '222222222222';
const PROD = '111111111111';
const reason = (message: string, evidence = {}) => ({
  code: 'policy' as const,
  message,
  evidence,
  points: 10,
});
const rec = (id: string, change: RecommendedChange, evidence = {}): Recommendation => ({
  id,
  kind: 'remove_standing_access',
  title: id,
  risk: 10,
  evidence,
  change,
});
const run: StoredInsightRun = {
  id: 7,
  readAt: new Date('2026-11-21T09:00:00Z'),
  failures: [
    { accountId: '333333333333', step: 'sts:AssumeRole', error: 'x' },
    { step: 'identity_center', error: 'y' },
  ],
  scores: [
    {
      subjectKind: 'account',
      subjectId: DEV,
      accountId: DEV,
      label: `dev (${DEV})`,
      score: 40,
      reasons: [reason('a')],
    },
    {
      subjectKind: 'account',
      subjectId: PROD,
      accountId: PROD,
      label: `prod (${PROD})`,
      score: 0,
      reasons: [],
    },
    {
      subjectKind: 'principal',
      subjectId: 'iam',
      accountId: DEV,
      label: 'user dave',
      score: 40,
      reasons: [reason('one'), reason('two'), reason('three')],
    },
    {
      subjectKind: 'principal',
      subjectId: 'sso',
      label: 'Identity Center user ann',
      score: 20,
      reasons: [reason('holds it', { resource: `admin-${PROD}`, account: PROD })],
    },
    { subjectKind: 'policy', subjectId: 'p', accountId: DEV, label: 'p', score: 90, reasons: [] },
  ],
  recommendations: [
    rec('key', { action: 'deactivate_access_key', accountId: DEV, userName: 'dave', accessKeyId: 'K' }),
    rec('sso', { action: 'remove_sso_group_member', groupId: 'g', userId: 'u' }, { via: `group in ${PROD}` }),
    rec('max', { action: 'set_max_duration', resourceId: 'r', fromSeconds: 3600, toSeconds: 1800 }),
    rec('done', { action: 'delete_login_profile', accountId: DEV, userName: 'dave' }),
  ],
};
const allowed = new Set(['identitystore:DeleteGroupMembership']);

describe('insightsView', () => {
  it('lists scored principals and accounts (no policies, no zeros), top two reasons, without applied changes', () => {
    const view = insightsView(run, { allowedActions: allowed, applied: new Set(['done']) });
    expect(view.accounts.map((a) => a.label)).toEqual([`dev (${DEV})`]);
    expect(view.principals).toEqual([
      { label: 'user dave', score: 40, reasons: ['one', 'two'] },
      { label: 'Identity Center user ann', score: 20, reasons: ['holds it'] },
    ]);
    expect(view.recommendations.map((r) => [r.id, r.action, r.canApply])).toEqual([
      ['key', 'iam:UpdateAccessKey', false],
      ['sso', 'identitystore:DeleteGroupMembership', true],
      ['max', undefined, false],
    ]);
  });

  it('narrows to one account: its IAM users, and what names it in its evidence', () => {
    const view = insightsView(run, { accountId: PROD, allowedActions: allowed, applied: new Set() });
    expect(view.account).toEqual({ label: `prod (${PROD})`, score: 0, reasons: [] });
    expect(view.principals.map((p) => p.label)).toEqual(['Identity Center user ann']);
    expect(view.recommendations.map((r) => r.id)).toEqual(['sso']);
    expect(view.failures).toEqual([{ step: 'identity_center', error: 'y' }]);
  });
});

describe('changeAction', () => {
  it.each([
    [
      { action: 'remove_iam_group_member', accountId: DEV, groupName: 'g', userName: 'u' },
      'iam:RemoveUserFromGroup',
    ],
    [{ action: 'remove_sso_group_member', groupId: 'g', userId: 'u' }, 'identitystore:DeleteGroupMembership'],
    [
      {
        action: 'delete_account_assignment',
        accountId: DEV,
        permissionSetArn: 'a',
        principalType: 'GROUP',
        principalId: 'g',
      },
      'sso:DeleteAccountAssignment',
    ],
    [
      { action: 'deactivate_access_key', accountId: DEV, userName: 'u', accessKeyId: 'K' },
      'iam:UpdateAccessKey',
    ],
    [{ action: 'delete_login_profile', accountId: DEV, userName: 'u' }, 'iam:DeleteLoginProfile'],
    [{ action: 'set_max_duration', resourceId: 'r', fromSeconds: 2, toSeconds: 1 }, undefined],
  ] as Array<[RecommendedChange, string | undefined]>)('%o is made with %s', (change, action) => {
    expect(changeAction(change)).toBe(action);
    expect(canApply(change, new Set(action ? [action] : []))).toBe(action !== undefined);
    expect(canApply(change, new Set())).toBe(false);
  });
});
