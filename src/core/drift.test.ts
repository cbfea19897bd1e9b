import { describe, expect, it } from 'vitest';
import { compareAccess } from './drift.js';
import type { Grant } from './model.js';

const readAt = new Date('2026-11-22T10:00:00Z');
const before = new Date(readAt.getTime() - 60_000);

function grant(overrides: Partial<Grant>): Grant {
  return {
    id: 'G1',
    requestId: 'R1',
    requesterId: 'U1',
    requesterEmail: 'a@example.com',
    resourceId: 'oncall',
    durationSeconds: 3600,
    status: 'active',
    attempts: 1,
    nextAttemptAt: before,
    createdAt: before,
    ...overrides,
  };
}

describe('compareAccess', () => {
  it('reports a holder no grant explains, and an active grant AWS no longer holds', () => {
    const gone = grant({ id: 'G2', principalId: 'u-gone', provisionedAt: before });
    expect(compareAccess(['u-stranger'], [gone], readAt)).toEqual({
      unexplained: ['u-stranger'],
      vanished: [gone],
    });
  });

  it('counts a grant revoked after AWS was read as explaining its holder, and not as vanished', () => {
    const revoked = grant({ status: 'revoked', principalId: 'u-ending', provisionedAt: before });
    expect(compareAccess(['u-ending'], [revoked], readAt)).toEqual({ unexplained: [], vanished: [] });
  });

  it('waits while a grant is still being set up, as it could explain any holder', () => {
    const settingUp = grant({ status: 'provisioning' });
    expect(compareAccess(['u-new'], [settingUp], readAt).unexplained).toEqual([]);
  });

  it('does not take a grant activated while AWS was read for a vanished one', () => {
    const fresh = grant({ principalId: 'u-fresh', provisionedAt: readAt });
    expect(compareAccess([], [fresh], readAt).vanished).toEqual([]);
  });
});
