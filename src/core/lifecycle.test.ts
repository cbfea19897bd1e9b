import { describe, expect, it } from 'vitest';
import { canMoveGrant, retryDelaySeconds, shouldAlertRevocation, statusesBefore } from './grant-lifecycle.js';
import type { GrantStatus, RequestStatus } from './model.js';
import { canMoveRequest, isFinalRequestStatus } from './request-lifecycle.js';

describe('request lifecycle', () => {
  it.each<[RequestStatus, RequestStatus, boolean]>([
    ['pending', 'approved', true],
    ['pending', 'denied', true],
    ['pending', 'cancelled', true],
    ['pending', 'expired', true],
    ['approved', 'denied', false],
    ['denied', 'approved', false],
    ['expired', 'approved', false],
    ['cancelled', 'pending', false],
  ])('%s → %s allowed: %s', (from, to, want) => {
    expect(canMoveRequest(from, to)).toBe(want);
  });

  it('treats every decided state as final', () => {
    expect(
      ['approved', 'denied', 'cancelled', 'expired'].every((s) => isFinalRequestStatus(s as RequestStatus)),
    ).toBe(true);
    expect(isFinalRequestStatus('pending')).toBe(false);
  });
});

describe('grant lifecycle', () => {
  it.each<[GrantStatus, GrantStatus, boolean]>([
    ['provisioning', 'active', true],
    ['provisioning', 'failed', true],
    ['active', 'revoking', true],
    ['revoking', 'revoked', true],
    ['active', 'revoked', false],
    ['revoked', 'active', false],
    ['failed', 'active', false],
    ['revoking', 'active', false],
  ])('%s → %s allowed: %s', (from, to, want) => {
    expect(canMoveGrant(from, to)).toBe(want);
  });

  it('names the statuses a grant may move from, for a move made in one statement', () => {
    expect(statusesBefore('active')).toEqual(['provisioning']);
    expect(statusesBefore('revoked')).toEqual(['revoking']);
    expect(statusesBefore('provisioning')).toEqual([]);
  });

  it('backs off exponentially and caps the wait at five minutes', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(n))).toEqual([5, 10, 20, 40]);
    expect(retryDelaySeconds(30)).toBe(300);
  });

  it('spreads retries with jitter between half and the full delay', () => {
    expect(retryDelaySeconds(4, 0.5)).toBe(20);
    expect(retryDelaySeconds(4, 0)).toBe(20);
    expect(retryDelaySeconds(4, 0.75)).toBe(30);
  });

  it('alerts on a failing revocation after the third failure, then about hourly', () => {
    const alerted = Array.from({ length: 40 }, (_, i) => i + 1).filter(shouldAlertRevocation);
    expect(alerted).toEqual([3, 15, 27, 39]);
  });
});
