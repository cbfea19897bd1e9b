import { describe, expect, it } from 'vitest';
import type { StoredInsightRun } from '../db/queries/insights.js';
import { insightsReport } from './insights-report.js';

const reason = (message: string, points: number) => ({
  code: 'policy' as const,
  message,
  evidence: {},
  points,
});

const run: StoredInsightRun = {
  id: 7,
  readAt: new Date('2026-11-22T02:00:00Z'),
  failures: [{ accountId: '333333333333', step: 'sts:AssumeRole', error: 'cannot assume LatchAccess' }],
  scores: [
    {
      subjectKind: 'account',
      subjectId: '2',
      label: 'prod (2)',
      score: 100,
      reasons: [reason('user bob (2) scores 100', 100)],
    },
    { subjectKind: 'account', subjectId: '4', label: 'dev (4)', score: 0, reasons: [] },
    {
      subjectKind: 'principal',
      subjectId: 'iam_user:2:bob',
      label: 'user bob (2)',
      score: 100,
      reasons: [
        reason('policy AdministratorAccess (via group Admins) scores 100', 100),
        reason('holds prod-admin', 20),
        reason('third', 5),
      ],
    },
    {
      subjectKind: 'principal',
      subjectId: 'iam_user:2:carol',
      label: 'user carol (2)',
      score: 45,
      reasons: [reason('policy ReadOnlyAccess scores 30', 30)],
    },
    { subjectKind: 'policy', subjectId: 'aws', label: 'AdministratorAccess', score: 100, reasons: [] },
  ],
  recommendations: [
    {
      id: 'a',
      kind: 'remove_standing_access',
      title: "remove bob's standing membership in Admins (2)",
      risk: 100,
      evidence: {},
      change: { action: 'remove_iam_group_member', accountId: '2', groupName: 'Admins', userName: 'bob' },
    },
    {
      id: 'b',
      kind: 'remove_unused_console',
      title: 'user carol (2) has not signed in for 120 days: remove the console password',
      risk: 45,
      evidence: {},
      change: { action: 'delete_login_profile', accountId: '2', userName: 'carol' },
    },
  ],
};

describe('insightsReport', () => {
  it('prints what could not be read, the riskiest first with two reasons each, and the top recommendations', () => {
    expect(insightsReport(run, 1)).toEqual([
      'standing access read 2026-11-22T02:00:00.000Z: 2 account(s), 1 part(s) could not be read',
      'could not read account 333333333333 (sts:AssumeRole): cannot assume LatchAccess',
      'riskiest accounts:',
      '  100  prod (2)  user bob (2) scores 100',
      'riskiest principals:',
      '  100  user bob (2)  policy AdministratorAccess (via group Admins) scores 100; holds prod-admin',
      'recommendations (1 of 2):',
      "  100  remove bob's standing membership in Admins (2)",
    ]);
  });

  it('says so when nothing is risky', () => {
    const clean: StoredInsightRun = {
      ...run,
      failures: [],
      scores: run.scores.map((s) => ({ ...s, score: 0 })),
      recommendations: [],
    };
    expect(insightsReport(clean, 10)).toEqual([
      'standing access read 2026-11-22T02:00:00.000Z: 2 account(s)',
      'riskiest accounts: none scores above 0',
      'riskiest principals: none scores above 0',
      'recommendations: none',
    ]);
  });
});
