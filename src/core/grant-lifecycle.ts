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

/** The statuses a grant may move to `to` from. */
export function statusesBefore(to: GrantStatus): GrantStatus[] {
  return (Object.keys(NEXT) as GrantStatus[]).filter((from) => canMoveGrant(from, to));
}

const RETRY_CAP_SECONDS = 300;

/**
 * Backoff for AWS retries: 5s, 10s, 20s … capped at 5 minutes, scaled by `jitter` in [0.5, 1]
 * so replicas that failed together do not retry together.
 */
export function retryDelaySeconds(attempts: number, jitter = 1): number {
  return Math.min(RETRY_CAP_SECONDS, 5 * 2 ** Math.max(0, attempts - 1)) * Math.min(1, Math.max(0.5, jitter));
}

/** A failing revocation alerts the admins after its third failure, then about hourly (every 12th try at the cap). */
export function shouldAlertRevocation(attempts: number): boolean {
  return attempts === 3 || (attempts > 3 && (attempts - 3) % 12 === 0);
}

/** Provisioning gives up after this many attempts; revocation never gives up (DESIGN §2). */
export const MAX_PROVISION_ATTEMPTS = 5;

/** A grant in these holds, or is about to hold or lose, access in AWS: someone's open access. */
export const LIVE_GRANT_STATUSES: readonly GrantStatus[] = ['provisioning', 'active', 'revoking'];
