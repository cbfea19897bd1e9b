import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { accountRisk } from './account-risk.js';
import type { AccountInventory, IamUserFacts } from './inventory.js';
import { parsePolicyDocument } from './policy-document.js';
import { iamUserRisk, identityCenterPrincipalRisk } from './principal-risk.js';
import type { StandingAccess } from './standing-access.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const ACCOUNT = '222222222222';
const managedPolicy = (name: string) => ({
  arn: `arn:aws:iam::aws:policy/${name}`,
  name,
  defaultVersionId: 'v1',
  document: parsePolicyDocument(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')),
});

function account(users: IamUserFacts[]): AccountInventory {
  return {
    accountId: ACCOUNT,
    accountName: 'prod',
    readAt: NOW,
    users,
    groups: [
      {
        accountId: ACCOUNT,
        groupName: 'Admins',
        arn: `arn:aws:iam::${ACCOUNT}:group/Admins`,
        attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
        inlinePolicies: [],
      },
    ],
    roles: [],
    policies: [managedPolicy('AdministratorAccess'), managedPolicy('ReadOnlyAccess')],
  };
}

function user(overrides: Partial<IamUserFacts>): IamUserFacts {
  return {
    accountId: ACCOUNT,
    userName: 'carol',
    userId: 'AIDACAROL',
    arn: `arn:aws:iam::${ACCOUNT}:user/carol`,
    createdAt: daysAgo(400),
    hasConsole: false,
    accessKeys: [],
    groups: [],
    attachedPolicyArns: [],
    inlinePolicies: [],
    ...overrides,
  };
}

describe('iamUserRisk', () => {
  it.each<{ name: string; facts: Partial<IamUserFacts>; score: number; codes: string[] }>([
    { name: 'a user with nothing attached and no credentials', facts: {}, score: 0, codes: [] },
    {
      name: 'ReadOnlyAccess attached directly',
      facts: { attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
      score: 30,
      codes: ['policy'],
    },
    {
      name: 'admin through the Admins group, the riskiest policy counts once',
      facts: { groups: ['admins'], attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] },
      score: 100,
      codes: ['policy'],
    },
    {
      name: 'console password last used 120 days ago',
      facts: { hasConsole: true, passwordLastUsedAt: daysAgo(120) },
      score: 15,
      codes: ['console_unused'],
    },
    {
      name: 'console password used 89 days ago is not idle',
      facts: { hasConsole: true, passwordLastUsedAt: daysAgo(89) },
      score: 0,
      codes: [],
    },
    {
      name: 'console password never used since a creation 90 days ago',
      facts: { hasConsole: true, createdAt: daysAgo(90) },
      score: 15,
      codes: ['console_unused'],
    },
    {
      name: 'an active key 143 days old, unused for 143 days',
      facts: {
        accessKeys: [
          { accessKeyId: 'AKIAOLDKEY', status: 'Active', createdAt: daysAgo(200), lastUsedAt: daysAgo(143) },
        ],
      },
      score: 25,
      codes: ['access_key_unused', 'access_key_old'],
    },
    {
      name: 'an old key used yesterday is only old',
      facts: {
        accessKeys: [
          { accessKeyId: 'AKIABUSYKEY', status: 'Active', createdAt: daysAgo(365), lastUsedAt: daysAgo(1) },
        ],
      },
      score: 10,
      codes: ['access_key_old'],
    },
    {
      name: 'an inactive key is no risk however old',
      facts: { accessKeys: [{ accessKeyId: 'AKIAOFFKEY', status: 'Inactive', createdAt: daysAgo(900) }] },
      score: 0,
      codes: [],
    },
    {
      name: 'a new key never used yet is no risk',
      facts: { accessKeys: [{ accessKeyId: 'AKIANEWKEY', status: 'Active', createdAt: daysAgo(3) }] },
      score: 0,
      codes: [],
    },
  ])('$name scores $score', ({ facts, score, codes }) => {
    const u = user(facts);
    const risk = iamUserRisk(u, account([u]), [], NOW);
    expect(risk.score).toBe(score);
    expect(risk.reasons.map((r) => r.code)).toEqual(codes);
  });

  it('names the key and the day it was last used', () => {
    const u = user({
      accessKeys: [
        { accessKeyId: 'AKIAOLDKEY', status: 'Active', createdAt: daysAgo(200), lastUsedAt: daysAgo(143) },
      ],
    });
    expect(iamUserRisk(u, account([u]), [], NOW).reasons[0]).toEqual({
      code: 'access_key_unused',
      message: 'active access key AKIAOLDKEY unused for 143 days',
      evidence: { accessKeyId: 'AKIAOLDKEY', lastUsed: '2026-07-02', days: 143 },
      points: 15,
    });
  });

  it('adds standing access to a Latch-managed resource, and caps the score at 100', () => {
    const u = user({ groups: ['Admins'], hasConsole: true, passwordLastUsedAt: daysAgo(100) });
    const standing: StandingAccess = {
      principal: { kind: 'iam_user', accountId: ACCOUNT, id: u.userId, name: u.userName },
      resource: {
        id: 'prod-admin',
        name: 'Admins',
        kind: 'iam_group',
        tier: 'high',
        accountId: ACCOUNT,
        groupName: 'Admins',
      },
      via: 'IAM group Admins',
    };
    const risk = iamUserRisk(u, account([u]), [standing], NOW);
    expect(risk.score).toBe(100);
    expect(risk.reasons.map((r) => [r.code, r.points])).toEqual([
      ['policy', 100],
      ['standing_managed_access', 20],
      ['console_unused', 15],
    ]);
    expect(risk.reasons[0]?.evidence).toMatchObject({ policy: 'AdministratorAccess', via: 'group Admins' });
  });
});

describe('identityCenterPrincipalRisk', () => {
  it('scores 20 for each standing access to a managed resource', () => {
    const resource = {
      id: 'oncall',
      name: 'oncall',
      kind: 'sso_group' as const,
      tier: 'low',
      groupId: 'g-1',
    };
    const principal = { kind: 'sso_user' as const, id: 'u-1', name: 'bob' };
    expect(identityCenterPrincipalRisk([]).score).toBe(0);
    expect(
      identityCenterPrincipalRisk([
        { principal, resource, via: 'Identity Center group oncall' },
        { principal, resource: { ...resource, id: 'oncall-2' }, via: 'Identity Center group oncall-2' },
      ]).score,
    ).toBe(40);
  });
});

describe('accountRisk', () => {
  it.each([
    { name: 'no principals', principals: [], score: 0 },
    { name: 'one clean user', principals: [{ label: 'user a', score: 0 }], score: 0 },
    {
      name: 'the riskiest principal sets the score',
      principals: [
        { label: 'user a', score: 30 },
        { label: 'user b', score: 45 },
      ],
      score: 45,
    },
    {
      name: 'each further principal at 70+ adds 5',
      principals: [
        { label: 'a', score: 80 },
        { label: 'b', score: 70 },
        { label: 'c', score: 75 },
        { label: 'd', score: 69 },
      ],
      score: 90,
    },
    {
      name: 'the extra is capped at 20 and the score at 100',
      principals: Array.from({ length: 8 }, (_, i) => ({ label: `u${i}`, score: 90 })),
      score: 100,
    },
  ])('$name: $score', ({ principals, score }) => {
    expect(accountRisk(principals).score).toBe(score);
  });

  it('names the riskiest principal and the other high-risk ones', () => {
    const risk = accountRisk([
      { label: 'user bob (222222222222)', score: 95 },
      { label: 'user alice (222222222222)', score: 95 },
      { label: 'user ci (222222222222)', score: 10 },
    ]);
    expect(risk.reasons).toEqual([
      {
        code: 'riskiest_principal',
        message: 'user alice (222222222222) scores 95',
        evidence: { principal: 'user alice (222222222222)', score: 95 },
        points: 95,
      },
      {
        code: 'more_high_risk_principals',
        message: '1 more principal(s) score 70 or more',
        evidence: { principals: ['user bob (222222222222)'] },
        points: 5,
      },
    ]);
  });
});
