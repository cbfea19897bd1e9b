import type { GrantStatus } from './model.js';

const NEXT: Record<GrantStatus, readonly GrantStatus[]> = {
  provisioning: ['active', 'failed'],
  active: ['revoking'],
  revoking: ['revoked'],
  revoked: [],
  failed: [],
};

/** DESIGN §2: `provisioning → active → revoking → revoked`, or `provisioning → failed`. */
export function canMoveGrant(from: GrantStatus, to: GrantStatus): boolean {
  return NEXT[from].includes(to);
}

/** Backoff for AWS retries: 5s, 10s, 20s … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

/** Provisioning gives up after this many attempts; revocation never gives up (DESIGN §2). */
export const MAX_PROVISION_ATTEMPTS = 5;
