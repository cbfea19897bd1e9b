import { describe, expect, it } from 'vitest';
import { eligibleApprovers, isPerson, mayApproveAnything } from './approvers.js';
import { authorizeDecision } from './authorize-decision.js';
import type { AccessRequest, ApprovalStep, Policy, Resource, Tier } from './model.js';
import { DEFAULT_TIERS } from './tiers.js';

const policy: Policy = {
  admins: ['admin@example.com'],
  requestTtlSeconds: 86_400,
  remindAfterSeconds: 3600,
  escalateAfterSeconds: 14_400,
  tiers: {
    medium: {
      name: 'medium',
      warnBeforeSeconds: 900,
      ...(DEFAULT_TIERS.medium as Omit<Tier, 'name' | 'warnBeforeSeconds'>),
    },
  },
  approvers: {
    managers: {
      'alice@example.com': 'bob@example.com',
      'bob@example.com': 'bob@example.com',
      'erin@example.com': 'U0FRANK',
    },
    groups: { executive: ['cto@example.com', 'alice@example.com'] },
    fallback: ['admin@example.com'],
  },
  resources: [],
};
const resource: Resource = {
  id: 'oncall',
  name: 'On call',
  kind: 'sso_group',
  groupId: 'g-1',
  tier: 'medium',
  owners: ['carol@example.com'],
  enforce: false,
};
const manager: ApprovalStep = { kind: 'manager', count: 1 };
const alice = { slackUserId: 'U0ALICE', email: 'alice@example.com' };
const bob = { slackUserId: 'U0BOB', email: 'bob@example.com', name: 'Bob' };

describe('eligibleApprovers', () => {
  it.each<[string, { slackUserId: string; email: string }, ApprovalStep, string[], boolean]>([
    ['the requester’s manager', alice, manager, ['bob@example.com'], false],
    [
      'a manager named by Slack id',
      { slackUserId: 'U0ERIN', email: 'erin@example.com' },
      manager,
      ['U0FRANK'],
      false,
    ],
    ['the admins when the requester is their own manager', bob, manager, ['admin@example.com'], true],
    [
      'the admins when no manager is listed',
      { slackUserId: 'U0DAN', email: 'dan@example.com' },
      manager,
      ['admin@example.com'],
      true,
    ],
    ['the owners for an owner step', alice, { kind: 'owner', count: 1 }, ['carol@example.com'], false],
    [
      'the group less the requester',
      alice,
      { kind: 'group', group: 'executive', count: 1 },
      ['cto@example.com'],
      false,
    ],
  ])('names %s', (_, requester, step, want, usedFallback) => {
    expect(eligibleApprovers(policy, resource, requester, step)).toEqual({ refs: want, usedFallback });
  });

  it('bars someone who decided an earlier step from the next one', () => {
    const step: ApprovalStep = { kind: 'group', group: 'executive', count: 1 };
    const got = eligibleApprovers(policy, resource, { slackUserId: 'U0X', email: 'x@example.com' }, step, [
      { slackUserId: 'U0CTO', email: 'cto@example.com' },
    ]);
    expect(got.refs).toEqual(['alice@example.com']);
  });

  it('adds the fallback to the named approvers once the request escalated', () => {
    expect(eligibleApprovers(policy, resource, alice, manager, [], { escalated: true })).toEqual({
      refs: ['bob@example.com', 'admin@example.com'],
      usedFallback: true,
    });
  });

  it('finds nobody when the only fallback is the requester', () => {
    const lonely = { ...policy, approvers: { ...policy.approvers, fallback: ['bob@example.com'] } };
    expect(eligibleApprovers(lonely, resource, bob, manager).refs).toEqual([]);
  });
});

describe('mayApproveAnything', () => {
  const withOwner = { ...policy, resources: [resource] };
  it.each([
    ['a manager named by email', bob, true],
    ['a manager named by Slack id', { slackUserId: 'U0FRANK' }, true],
    ['a group member', { slackUserId: 'U0CTO', email: 'cto@example.com' }, true],
    ['a resource owner', { slackUserId: 'U0CAROL', email: 'carol@example.com' }, true],
    ['a fallback approver', { slackUserId: 'U0ADMIN', email: 'admin@example.com' }, true],
    [
      'someone the policy names only as a requester',
      { slackUserId: 'U0ERIN', email: 'erin@example.com' },
      false,
    ],
    ['a stranger', { slackUserId: 'U0EVE', email: 'eve@example.com' }, false],
    ['someone whose email Slack did not confirm', { slackUserId: 'U0CTO' }, false],
  ])('%s: %s', (_, person, expected) => {
    expect(mayApproveAnything(withOwner, person)).toBe(expected);
  });

  it('is true of everyone eligibleApprovers ever names, for every step and requester', () => {
    const people = [alice, bob, { slackUserId: 'U0ERIN', email: 'erin@example.com' }, { slackUserId: 'U0X' }];
    const steps: ApprovalStep[] = [
      manager,
      { kind: 'owner', count: 1 },
      { kind: 'group', group: 'executive', count: 1 },
    ];
    for (const requester of people)
      for (const step of steps)
        for (const escalated of [false, true])
          for (const ref of eligibleApprovers(withOwner, resource, requester, step, [], { escalated }).refs) {
            const person = ref.includes('@') ? { slackUserId: 'U0ANY', email: ref } : { slackUserId: ref };
            expect(mayApproveAnything(withOwner, person)).toBe(true);
          }
  });
});

describe('isPerson', () => {
  it('matches by Slack id or by email, ignoring case', () => {
    expect(isPerson('U0BOB', bob)).toBe(true);
    expect(isPerson('BOB@example.com', bob)).toBe(true);
    expect(isPerson('bob@example.org', bob)).toBe(false);
    expect(isPerson('bob@example.com', { slackUserId: 'U0BOB' })).toBe(false);
  });
});

describe('authorizeDecision', () => {
  const request: AccessRequest = {
    id: 'R1',
    requesterId: 'U0ALICE',
    requesterEmail: 'alice@example.com',
    resourceId: 'oncall',
    durationSeconds: 3600,
    justification: 'x',
    status: 'pending',
    currentStep: 0,
    createdAt: new Date(0),
    expiresAt: new Date(1e12),
  };
  const check = (
    clicker: { slackUserId: string; email?: string; name: string },
    overrides: Partial<AccessRequest> = {},
  ) =>
    authorizeDecision({
      policy,
      resource,
      request: { ...request, ...overrides },
      step: manager,
      clicker,
      approvals: [],
      priorApprovers: [],
    });

  it.each([
    ['the manager', bob, {}, { ok: true }],
    ['the requester', { ...alice, name: 'Alice' }, {}, { ok: false, reason: 'self_approval' }],
    [
      'the requester under another Slack id with the same email',
      { slackUserId: 'U0ALT', email: 'alice@example.com', name: 'A' },
      {},
      { ok: false, reason: 'self_approval' },
    ],
    [
      'a stranger',
      { slackUserId: 'U0EVE', email: 'eve@example.com', name: 'Eve' },
      {},
      { ok: false, reason: 'not_an_approver' },
    ],
    [
      'the manager without a confirmed email',
      { slackUserId: 'U0BOB', name: 'Bob' },
      {},
      { ok: false, reason: 'not_an_approver' },
    ],
    [
      'the manager on a decided request',
      bob,
      { status: 'approved' as const },
      { ok: false, reason: 'not_pending' },
    ],
  ])('for %s gives %j', (_, clicker, overrides, want) => {
    expect(check(clicker, overrides)).toEqual(want);
  });
});
