import { requestableResource } from '../catalog.js';
import { LatchError } from '../errors.js';
import { normalizeId } from '../ids.js';
import { logWithIds } from '../log-with-ids.js';
import type { AccessRequest } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { canMoveRequest } from '../request-lifecycle.js';
import { refreshApprovalCards } from './refresh-approval-cards.js';

/** The requester withdraws a pending request; approvers' cards lose their buttons. */
export async function cancelRequest(
  deps: LatchDeps,
  input: { requestId: string; requesterId: string },
): Promise<AccessRequest> {
  const requestId = normalizeId(input.requestId);
  const now = deps.clock.now();
  const cancelled = await deps.store.transaction(async (tx) => {
    const request = await tx.getRequest(requestId, { forUpdate: true });
    if (!request) throw new LatchError('unknown_request', { requestId });
    if (request.requesterId !== input.requesterId) throw new LatchError('not_your_request', { requestId });
    if (!canMoveRequest(request.status, 'cancelled'))
      throw new LatchError('request_not_pending', { requestId, status: request.status });
    await tx.updateRequest(requestId, { status: 'cancelled', decidedAt: now, decidedBy: input.requesterId });
    await tx.appendAudit({ at: now, actor: input.requesterId, action: 'request.cancelled', requestId });
    return { ...request, status: 'cancelled' as const, decidedAt: now, decidedBy: input.requesterId };
  });
  const { resource } = requestableResource(deps.policy, cancelled.resourceId);
  logWithIds(deps.log, { requestId }).info({ resourceId: resource.id }, 'request cancelled');
  deps.telemetry?.requestDecided({ tier: resource.tier, outcome: 'cancelled' });
  await refreshApprovalCards(deps, cancelled, resource);
  return cancelled;
}
