import { tierOf } from '../catalog.js';
import type { AccessRequest, Approval, Resource } from '../model.js';
import type { ApprovalCardData, LatchDeps } from '../ports.js';
import { durationChoices } from '../tiers.js';

const HISTORY_DAYS = 30;

/** What every card of a request shows, whatever its step: the decisions so far and the requester's history. */
export interface CardFacts {
  approvals: Approval[];
  history: { requests: number; lastGrantedAt?: Date };
}

/**
 * Reads a request's card facts fresh from the database. `approvals`, when given, are the request's
 * approvals as a transaction that held its lock has just committed them, and are not read again.
 */
export async function readCardFacts(
  deps: LatchDeps,
  request: AccessRequest,
  approvals?: Approval[],
): Promise<CardFacts> {
  const [read, history] = await Promise.all([
    approvals ?? deps.store.listApprovals(request.id),
    deps.store.requestHistory({
      requesterId: request.requesterId,
      resourceId: request.resourceId,
      since: new Date(request.createdAt.getTime() - HISTORY_DAYS * 86_400_000),
      until: request.createdAt,
      exceptId: request.id,
    }),
  ]);
  return { approvals: read, history };
}

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
  return cardData(deps, request, resource, step, await readCardFacts(deps, request));
}

/** The card of `step`, from facts already read. */
export function cardData(
  deps: Pick<LatchDeps, 'policy' | 'clock'>,
  request: AccessRequest,
  resource: Resource,
  step: number,
  { approvals, history }: CardFacts,
): ApprovalCardData {
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
