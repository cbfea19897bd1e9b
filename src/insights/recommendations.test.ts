import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IamUserFacts, Inventory } from './inventory.js';
import { parsePolicyDocument } from './policy-document.js';
import { type GrantHistoryEntry, recommendations } from './recommendations.js';
import { scoreInventory } from './score-inventory.js';
import type { ActiveGrantRef } from './standing-access.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const PROD = '222222222222';
const ADMIN_PS = 'arn:aws:sso:::permissionSet/ssoins-1/ps-admin';
const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';

function user(userName: string, facts: Partial<IamUserFacts> = {}): IamUserFacts {
  return {
    accountId: PROD,
    userName,
    userId: `AIDA${userName.toUpperCase()}`,
    arn: `arn:aws:iam::${PROD}:user/${userName}`,
    createdAt: daysAgo(400),
    hasConsole: false,
    accessKeys: [],
    groups: [],
    attachedPolicyArns: [],
    inlinePolicies: [],
    ...facts,
  };
}

function inventory(): Inventory {
  return {
    readAt: NOW,
    failures: [],
    accounts: [
      {
        accountId: PROD,
        accountName: 'prod',
        readAt: NOW,
        users: [
          user('bob', { groups: ['Admins'] }),
          user('alice', { groups: ['Admins'] }),
          user('carol', { hasConsole: true, passwordLastUsedAt: daysAgo(120) }),
          user('dave', {
            accessKeys: [
              {
                accessKeyId: 'AKIADAVEOLD',
                status: 'Active',
                createdAt: daysAgo(200),
                lastUsedAt: daysAgo(143),
              },
              {
                accessKeyId: 'AKIADAVENEW',
                status: 'Active',
                createdAt: daysAgo(10),
                lastUsedAt: daysAgo(1),
              },
              { accessKeyId: 'AKIADAVEOFF', status: 'Inactive', createdAt: daysAgo(500) },
            ],
          }),
        ],
        groups: [
          {
            accountId: PROD,
            groupName: 'Admins',
            arn: `arn:aws:iam::${PROD}:group/Admins`,
            attachedPolicyArns: [ADMIN_POLICY],
            inlinePolicies: [],
          },
        ],
        roles: [],
        policies: [
          {
            arn: ADMIN_POLICY,
            name: 'AdministratorAccess',
            defaultVersionId: 'v1',
            document: parsePolicyDocument(
              readFileSync(new URL('./fixtures/AdministratorAccess.json', import.meta.url), 'utf8'),
            ),
          },
        ],
      },
    ],
    identityCenter: {
      readAt: NOW,
      users: [
        { userId: 'u-erin', userName: 'erin' },
        { userId: 'u-frank', userName: 'frank' },
      ],
      groups: [
        { groupId: 'g-oncall', displayName: 'oncall' },
        { groupId: 'g-ops', displayName: 'ops' },
      ],
      memberships: [
        { groupId: 'g-oncall', userId: 'u-erin' },
        { groupId: 'g-oncall', userId: 'u-frank' },
      ],
      assignments: [
        {
          accountId: PROD,
          permissionSetArn: ADMIN_PS,
          permissionSetName: 'Admin',
          principalType: 'GROUP',
          principalId: 'g-ops',
        },
      ],
    },
  };
}

const resources = [
  {
    id: 'prod-admin',
    name: 'Admins',
    kind: 'iam_group' as const,
    tier: 'high',
    accountId: PROD,
    groupName: 'Admins',
    maxDurationSeconds: 4 * 3600,
  },
  {
    id: 'oncall',
    name: 'oncall',
    kind: 'sso_group' as const,
    tier: 'low',
    groupId: 'g-oncall',
    maxDurationSeconds: 8 * 3600,
  },
  {
    id: 'prod-ps-admin',
    name: 'Admin',
    kind: 'sso_permission_set' as const,
    tier: 'high',
    accountId: PROD,
    permissionSetArn: ADMIN_PS,
    maxDurationSeconds: 3600,
  },
];
// alice holds Admins through an active Latch grant; frank holds oncall through one.
const activeGrants: ActiveGrantRef[] = [
  { resourceId: 'prod-admin', principalId: 'alice' },
  { resourceId: 'oncall', principalId: 'u-frank' },
];

function history(
  resourceId: string,
  grants: number,
  used: number,
  extra: Partial<GrantHistoryEntry> = {},
): GrantHistoryEntry[] {
  return Array.from({ length: grants }, (_, i) => ({
    resourceId,
    grantedAt: daysAgo(1 + i),
    activityEvents: i < used ? 3 : 0,
    ...extra,
  }));
}

function run(grantHistory: GrantHistoryEntry[] = []) {
  const inv = inventory();
  const scores = scoreInventory(inv, resources, activeGrants, NOW);
  return recommendations({ inventory: inv, scores, resources, grantHistory, now: NOW });
}

describe('recommendations', () => {
  it('lists every change with its evidence, riskiest first', () => {
    const grantHistory = [
      ...history('prod-admin', 14, 2),
      ...history('prod-admin', 6, 0, { grantedAt: daysAgo(45) }), // older than 30 days: not counted
      ...history('prod-admin', 3, 0, { activityEvents: undefined }), // activity not read: not counted
    ];
    expect(run(grantHistory).map((r) => [r.risk, r.title])).toEqual([
      [
        100,
        "remove bob's standing membership in Admins (222222222222); it stays requestable through Latch as prod-admin, tier high",
      ],
      [
        43,
        'resource prod-admin granted 14 times in 30 days, used in 2 (CloudTrail): shorten max_duration from 4h to 2h',
      ],
      [25, 'deactivate access key AKIADAVEOLD of dave (222222222222), unused for 143 days'],
      [
        20,
        "remove ops's standing assignment in Admin (222222222222); it stays requestable through Latch as prod-ps-admin, tier high",
      ],
      [
        20,
        "remove erin's standing membership in oncall; it stays requestable through Latch as oncall, tier low",
      ],
      [15, 'user carol (222222222222) has not signed in for 120 days: remove the console password'],
    ]);
  });

  it('names the exact change for each kind', () => {
    const byId = new Map(run(history('prod-admin', 5, 1)).map((r) => [r.id, r]));
    expect(byId.get('remove_standing_access:iam_user:222222222222:bob:prod-admin')?.change).toEqual({
      action: 'remove_iam_group_member',
      accountId: PROD,
      groupName: 'Admins',
      userName: 'bob',
    });
    expect(byId.get('remove_standing_access:sso_user:u-erin:oncall')?.change).toEqual({
      action: 'remove_sso_group_member',
      groupId: 'g-oncall',
      userId: 'u-erin',
    });
    expect(byId.get('remove_standing_access:sso_group:g-ops:prod-ps-admin')?.change).toEqual({
      action: 'delete_account_assignment',
      accountId: PROD,
      permissionSetArn: ADMIN_PS,
      principalType: 'GROUP',
      principalId: 'g-ops',
    });
    expect(byId.get('deactivate_access_key:222222222222:AKIADAVEOLD')).toMatchObject({
      change: {
        action: 'deactivate_access_key',
        accountId: PROD,
        userName: 'dave',
        accessKeyId: 'AKIADAVEOLD',
      },
      evidence: { accessKeyId: 'AKIADAVEOLD', created: '2026-05-06', lastUsed: '2026-07-02', days: 143 },
    });
    expect(byId.get('remove_unused_console:222222222222:carol')?.change).toEqual({
      action: 'delete_login_profile',
      accountId: PROD,
      userName: 'carol',
    });
    expect(byId.get('shorten_max_duration:prod-admin')?.change).toEqual({
      action: 'set_max_duration',
      resourceId: 'prod-admin',
      fromSeconds: 4 * 3600,
      toSeconds: 2 * 3600,
    });
  });

  it('never recommends removing access that an active Latch grant explains', () => {
    const ids = run().map((r) => r.id);
    expect(ids.filter((id) => id.includes(':alice:') || id.includes('u-frank'))).toEqual([]);
  });

  it.each([
    { name: 'four grants say too little', grantHistory: history('prod-admin', 4, 0), shortened: false },
    {
      name: 'used in a quarter of its grants: shorten',
      grantHistory: history('prod-admin', 8, 2),
      shortened: true,
    },
    {
      name: 'used in more than a quarter: keep',
      grantHistory: history('prod-admin', 8, 3),
      shortened: false,
    },
    {
      name: 'a one-hour max duration halves to 30m',
      grantHistory: history('prod-ps-admin', 5, 0),
      shortened: true,
    },
  ])('shorten max_duration: $name', ({ grantHistory, shortened }) => {
    expect(run(grantHistory).some((r) => r.kind === 'shorten_max_duration')).toBe(shortened);
  });

  it('never shortens below 15 minutes', () => {
    const inv = inventory();
    const short = [{ ...resources[1], id: 'oncall', maxDurationSeconds: 900 }] as typeof resources;
    const scores = scoreInventory(inv, short, activeGrants, NOW);
    const found = recommendations({
      inventory: inv,
      scores,
      resources: short,
      grantHistory: history('oncall', 10, 0),
      now: NOW,
    });
    expect(found.filter((r) => r.kind === 'shorten_max_duration')).toEqual([]);
  });

  it('gives the same list whatever order the inventory was read in', () => {
    const inv = inventory();
    const reversed: Inventory = {
      ...inv,
      accounts: inv.accounts.map((a) => ({ ...a, users: [...a.users].reverse() })),
      identityCenter: inv.identityCenter && {
        ...inv.identityCenter,
        memberships: [...inv.identityCenter.memberships].reverse(),
        users: [...inv.identityCenter.users].reverse(),
      },
    };
    const grantHistory = history('prod-admin', 14, 2);
    const listFor = (i: Inventory) =>
      recommendations({
        inventory: i,
        scores: scoreInventory(i, resources, activeGrants, NOW),
        resources,
        grantHistory,
        now: NOW,
      });
    expect(listFor(reversed)).toEqual(listFor(inv));
  });
});

describe('scoreInventory', () => {
  it('scores principals and accounts from the same inventory, riskiest first', () => {
    const scores = scoreInventory(inventory(), resources, activeGrants, NOW);
    expect(scores.principals.map((p) => [p.principal.name, p.score])).toEqual([
      ['alice', 100],
      ['bob', 100],
      ['dave', 25],
      ['ops', 20],
      ['erin', 20],
      ['carol', 15],
      ['oncall', 0],
      ['frank', 0],
    ]);
    expect(scores.accounts).toEqual([
      expect.objectContaining({
        accountId: PROD,
        score: 100,
        reasons: [
          expect.objectContaining({ code: 'riskiest_principal', points: 100 }),
          expect.objectContaining({ code: 'more_high_risk_principals', points: 5 }),
        ],
      }),
    ]);
  });
});
