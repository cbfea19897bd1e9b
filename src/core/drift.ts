import type { Grant } from './model.js';

export interface AccessComparison {
  /** Principals holding the resource in AWS that no live grant explains. */
  unexplained: string[];
  /** Active grants whose access is no longer in AWS (someone removed it outside Latch). */
  vanished: Grant[];
}

/**
 * Compares who holds a resource in AWS (read at `readAt`) with its live grants (read after), and the
 * grants revoked since `readAt`: their access was in AWS when it was read, so it is not drift. A grant
 * row exists before its AWS call, so a grant still being set up without a known principal could be
 * any holder: unexplained access waits for the next run then. A grant counts as vanished only if it
 * was active before AWS was read, so a grant activated mid-read is not mistaken for one.
 */
export function compareAccess(holders: readonly string[], liveGrants: readonly Grant[], readAt: Date) {
  const explained = new Set(liveGrants.flatMap((g) => (g.principalId ? [g.principalId] : [])));
  const settingUp = liveGrants.some((g) => g.status === 'provisioning' && !g.principalId);
  const held = new Set(holders);
  return {
    unexplained: settingUp ? [] : [...held].filter((principal) => !explained.has(principal)).sort(),
    vanished: liveGrants.filter(
      (g) =>
        g.status === 'active' &&
        g.principalId !== undefined &&
        !held.has(g.principalId) &&
        g.provisionedAt !== undefined &&
        g.provisionedAt < readAt,
    ),
  } satisfies AccessComparison;
}
