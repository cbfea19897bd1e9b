import pLimit from 'p-limit';
import type { Grant } from '../model.js';

/**
 * Grants this process provisions or revokes at once, whatever started them: a sweep, an approval,
 * a release. Each AWS call still waits for the shared call rate; bounding the grants in hand keeps
 * each grant's calls close together. Without it, a burst of 2,000 approvals queued every grant's
 * first call ahead of any grant's second, and almost none finished for minutes.
 */
const ACCESS_CHANGES_AT_ONCE = 16;

export const withAccessChangeSlot = pLimit(ACCESS_CHANGES_AT_ONCE);

/**
 * A grant changed in AWS and committed (or left for a retry), and what to tell people about it.
 * The telling waits for Slack, so it runs after the slot is handed on to the next grant.
 */
export interface AccessChange {
  grant?: Grant;
  announce?: () => Promise<void>;
}

/** One change in a slot of its own, announced once the slot is free. */
export async function changeInSlot(change: () => Promise<AccessChange>): Promise<Grant | undefined> {
  return announced(await withAccessChangeSlot(change));
}

/**
 * Several changes made in one slot (`onlyId`: claimed only once there was room), then announced,
 * though not before `announceAfter` settles.
 */
export async function changesInOneSlot(
  changes: () => Promise<AccessChange[]>,
  announceAfter?: Promise<unknown>,
): Promise<Grant[]> {
  const made = await withAccessChangeSlot(changes);
  await announceAfter?.catch(() => undefined);
  const grants: Grant[] = [];
  for (const change of made) {
    const grant = await announced(change);
    if (grant) grants.push(grant);
  }
  return grants;
}

async function announced({ grant, announce }: AccessChange): Promise<Grant | undefined> {
  await announce?.();
  return grant;
}
