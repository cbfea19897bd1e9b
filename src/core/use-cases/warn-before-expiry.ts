import { findResource } from '../catalog.js';
import { logWithIds } from '../log-with-ids.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';

/** DMs each grant's owner once, `warn_before` ahead of expiry. */
export async function warnBeforeExpiry(deps: LatchDeps, limit = 100): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.store.transaction(async (tx) => {
    const grants = await tx.claimGrantsToWarn(now, limit);
    for (const grant of grants) {
      await tx.appendAudit({
        at: now,
        actor: 'latch',
        action: 'grant.warned',
        requestId: grant.requestId,
        grantId: grant.id,
      });
    }
    return grants;
  });
  for (const grant of due) {
    const resource = findResource(deps.policy, grant.resourceId);
    if (!resource) continue;
    const log = logWithIds(deps.log, { requestId: grant.requestId, grantId: grant.id });
    await afterCommit(log, 'expiry warning', () =>
      deps.notifier.tellRequester(grant.requesterId, { kind: 'grant_expiring', grant, resource }),
    );
  }
  return due.length;
}
