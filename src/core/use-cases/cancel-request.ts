import { requestableResource } from '../catalog.js';
import { LatchError } from '../errors.js';
import { isPlausibleId, normalizeId } from '../ids.js';
import { logWithIds } from '../log-with-ids.js';
import type { AccessRequest } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { canMoveRequest } from '../request-lifecycle.js';
import { auditRefusal } from './audit-refusal.js';
import { refreshApprovalCards } from './refresh-approval-cards.js';

/** The requester withdraws a pending request; approvers' cards lose their buttons. Refusals are audited. */
export async function cancelRequest(
  deps: LatchDeps,
  input: { requestId: string; requesterId: string },
): Promise<AccessRequest> {
  const requestId = normalizeId(input.requestId);
  if (!isPlausibleId(requestId)) throw new LatchError('unknown_request', { requestId });
  const now = deps.clock.now();
  const result = await deps.store.transaction(async (tx) => {
    const request = await tx.getRequest(requestId, { forUpdate: true });
    if (!request) throw new LatchError('unknown_request', { requestId });
    const refusal =
      request.requesterId !== input.requesterId
        ? new LatchError('not_your_request', { requestId })
        : !canMoveRequest(request.status, 'cancelled')
          ? new LatchError('request_not_pending', { requestId, status: request.status })
          : undefined;
    if (refusal) {
      const actor = input.requesterId;
      await auditRefusal(tx, now, { actor, attempted: 'cancel', reason: refusal.code, requestId });
      return refusal;
    }
    await tx.updateRequest(
      requestId,
      { status: 'cancelled', decidedAt: now, decidedBy: input.requesterId },
      { at: now, actor: input.requesterId, action: 'request.cancelled', requestId },
    );
    return { ...request, status: 'cancelled' as const, decidedAt: now, decidedBy: input.requesterId };
  });
  if (result instanceof LatchError) throw result;
  const cancelled = result;
  const { resource } = requestableResource(deps.policy, cancelled.resourceId);
  logWithIds(deps.log, { requestId }).info({ resourceId: resource.id }, 'request cancelled');
  deps.telemetry?.requestDecided({ tier: resource.tier, outcome: 'cancelled' });
  await refreshApprovalCards(deps, cancelled, resource);
  return cancelled;
}
