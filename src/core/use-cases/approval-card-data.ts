import { tierOf } from '../catalog.js';
import type { AccessRequest, Resource } from '../model.js';
import type { ApprovalCardData, LatchDeps } from '../ports.js';
import { durationChoices } from '../tiers.js';

const HISTORY_DAYS = 30;

/**
 * Everything an approver's card shows, read fresh from the database: who approved so far, the
 * deny reason, and the requester's recent history with this resource. `step` is the card's step.
 */
export async function approvalCardData(
  deps: LatchDeps,
  request: AccessRequest,
  resource: Resource,
  step: number,
): Promise<ApprovalCardData> {
  const since = new Date(request.createdAt.getTime() - HISTORY_DAYS * 86_400_000);
  const [approvals, history] = await Promise.all([
    deps.store.listApprovals(request.id),
    deps.store.requestHistory({
      requesterId: request.requesterId,
      resourceId: request.resourceId,
      since,
      until: request.createdAt,
      exceptId: request.id,
    }),
  ]);
  const isOpen = request.status === 'pending' && step === request.currentStep;
  const tier = tierOf(deps.policy, resource);
  const reason = approvals.find((a) => a.decision === 'deny')?.reason;
  return {
    request,
    resource,
    step,
    stepCount: tier?.steps.length ?? 1,
    shorterChoices: tier
      ? durationChoices({
          minDurationSeconds: tier.minDurationSeconds,
          maxDurationSeconds: request.durationSeconds,
        }).filter((seconds) => seconds < request.durationSeconds)
      : [],
    approvedBy: approvals.filter((a) => a.decision === 'approve').map((a) => a.approverId),
    history: {
      days: HISTORY_DAYS,
      earlierRequests: history.requests,
      ...(history.lastGrantedAt ? { lastGrantedAt: history.lastGrantedAt } : {}),
    },
    ...(isOpen
      ? {}
      : {
          outcome: {
            status: request.status,
            at: request.decidedAt ?? deps.clock.now(),
            ...(request.decidedBy ? { by: request.decidedBy } : {}),
            ...(reason ? { reason } : {}),
          },
        }),
  };
}
