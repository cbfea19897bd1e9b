import { findResource } from '../catalog.js';
import { logWithIds } from '../log-with-ids.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';
import { refreshApprovalCards } from './refresh-approval-cards.js';

/** A request nobody decided within `request_ttl` expires; its cards lose their buttons. */
export async function expireStaleRequests(deps: LatchDeps, limit = 100): Promise<number> {
  const now = deps.clock.now();
  const expired = await deps.store.transaction(async (tx) => {
    const requests = await tx.claimStaleRequests(now, limit);
    for (const request of requests) {
      await tx.appendAudit({ at: now, actor: 'latch', action: 'request.expired', requestId: request.id });
    }
    return requests;
  });
  for (const request of expired) {
    const resource = findResource(deps.policy, request.resourceId);
    const log = logWithIds(deps.log, { requestId: request.id });
    log.info({ resourceId: request.resourceId }, 'request expired');
    deps.telemetry?.requestDecided({ tier: resource?.tier ?? 'unknown', outcome: 'expired' });
    if (!resource) continue;
    await refreshApprovalCards(deps, request, resource);
    await afterCommit(log, 'tell requester request expired', () =>
      deps.notifier.tellRequester(request.requesterId, { kind: 'request_expired', request, resource }),
    );
  }
  return expired.length;
}
