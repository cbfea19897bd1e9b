import { eligibleApprovers } from '../approvers.js';
import { authorizeDecision } from '../authorize-decision.js';
import { requestableResource } from '../catalog.js';
import { LatchError } from '../errors.js';
import type { AccessRequest, Decision, Grant, Resource } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';
import { newGrant } from './new-grant.js';
import { refreshApprovalCards } from './refresh-approval-cards.js';
import { resolveApprovers, sendApprovalCards } from './send-approval-cards.js';

export type DecideApprovalResult =
  | { outcome: 'approved'; request: AccessRequest; resource: Resource; grant: Grant }
  | { outcome: 'denied'; request: AccessRequest; resource: Resource }
  /** This approval counted; more approvals (this step's count, or the next step) are needed. */
  | { outcome: 'recorded'; request: AccessRequest; resource: Resource; nextApproverIds: string[] }
  /** Someone already decided, or the request was cancelled or expired: nothing changed. */
  | { outcome: 'not_pending'; request: AccessRequest; resource: Resource };

/**
 * Records an approver's click. The clicker is re-checked against the policy inside the
 * transaction that locks the request, so double clicks and racing approvers count once.
 * Refusals (self-approval, not an approver) throw a LatchError and are audited.
 */
export async function decideApproval(
  deps: LatchDeps,
  input: { requestId: string; clickerId: string; decision: Decision },
): Promise<DecideApprovalResult> {
  const { store, clock, policy } = deps;
  const clicker = await deps.directory.person(input.clickerId);

  const result = await store.transaction(async (tx): Promise<DecideApprovalResult | LatchError> => {
    const request = await tx.getRequest(input.requestId, { forUpdate: true });
    if (!request) throw new LatchError('unknown_request', { requestId: input.requestId });
    const { resource, tier } = requestableResource(policy, request.resourceId);
    if (request.status !== 'pending') return { outcome: 'not_pending', request, resource };
    const step = tier.steps[request.currentStep];
    if (!step)
      throw new Error(`request ${request.id} is at step ${request.currentStep} of ${tier.steps.length}`);

    const now = clock.now();
    const approvals = await tx.listApprovals(request.id);
    const priorApprovers = approvals
      .filter((approval) => approval.step < request.currentStep)
      .map((approval) => ({ slackUserId: approval.approverId }));
    const check = authorizeDecision({ policy, resource, request, step, clicker, approvals, priorApprovers });
    if (!check.ok) {
      await tx.appendAudit({
        at: now,
        actor: clicker.slackUserId,
        action: 'decision.refused',
        requestId: request.id,
        detail: { reason: check.reason, decision: input.decision },
      });
      return new LatchError(check.reason === 'not_pending' ? 'request_not_pending' : check.reason, {
        requestId: request.id,
      });
    }

    await tx.insertApproval({
      requestId: request.id,
      step: request.currentStep,
      approverId: clicker.slackUserId,
      decision: input.decision,
      decidedAt: now,
    });
    const audit = { at: now, actor: clicker.slackUserId, requestId: request.id };
    if (input.decision === 'deny') {
      const denied = {
        ...request,
        status: 'denied' as const,
        decidedAt: now,
        decidedBy: clicker.slackUserId,
      };
      await tx.updateRequest(request.id, {
        status: 'denied',
        decidedAt: now,
        decidedBy: clicker.slackUserId,
      });
      await tx.appendAudit({ ...audit, action: 'request.denied', detail: { step: request.currentStep } });
      return { outcome: 'denied', request: denied, resource };
    }

    const approvalsThisStep =
      approvals.filter((a) => a.step === request.currentStep && a.decision === 'approve').length + 1;
    if (approvalsThisStep < step.count) {
      await tx.appendAudit({ ...audit, action: 'approval.recorded', detail: { step: request.currentStep } });
      return { outcome: 'recorded', request, resource, nextApproverIds: [] };
    }
    const nextStep = tier.steps[request.currentStep + 1];
    if (nextStep) {
      const moved = { ...request, currentStep: request.currentStep + 1 };
      await tx.updateRequest(request.id, { currentStep: moved.currentStep });
      await tx.appendAudit({
        ...audit,
        action: 'approval.step_completed',
        detail: { step: request.currentStep },
      });
      const excluded = [...priorApprovers, clicker];
      const requester = { slackUserId: request.requesterId, email: request.requesterEmail };
      const refs = eligibleApprovers(policy, resource, requester, nextStep, excluded).refs;
      return { outcome: 'recorded', request: moved, resource, nextApproverIds: refs };
    }
    const approved = {
      ...request,
      status: 'approved' as const,
      decidedAt: now,
      decidedBy: clicker.slackUserId,
    };
    await tx.updateRequest(request.id, {
      status: 'approved',
      decidedAt: now,
      decidedBy: clicker.slackUserId,
    });
    await tx.appendAudit({ ...audit, action: 'request.approved', detail: { step: request.currentStep } });
    const grant = newGrant(deps, approved, now);
    await tx.insertGrant(grant);
    await tx.appendAudit({
      at: now,
      actor: 'latch',
      action: 'grant.provisioning',
      requestId: request.id,
      grantId: grant.id,
    });
    return { outcome: 'approved', request: approved, resource, grant };
  });
  if (result instanceof LatchError) throw result;

  await announceDecision(deps, result, clicker.slackUserId);
  return result;
}

async function announceDecision(
  deps: LatchDeps,
  result: DecideApprovalResult,
  clickerId: string,
): Promise<void> {
  const { request, resource } = result;
  if (result.outcome === 'not_pending') {
    await refreshApprovalCards(deps, request, resource);
    return;
  }
  await refreshApprovalCards(deps, request, resource);
  if (result.outcome === 'recorded' && result.nextApproverIds.length > 0) {
    const approverIds = await resolveApprovers(deps, result.nextApproverIds);
    const approvedBy = (await deps.store.listApprovals(request.id)).map((approval) => approval.approverId);
    await sendApprovalCards(deps, request, resource, approverIds, approvedBy);
    return;
  }
  if (result.outcome === 'denied' || result.outcome === 'approved') {
    const notice =
      result.outcome === 'denied'
        ? ({ kind: 'request_denied', request, resource, by: clickerId } as const)
        : ({ kind: 'request_approved', request, resource, by: clickerId } as const);
    await afterCommit(deps.log, 'tell requester of decision', () =>
      deps.notifier.tellRequester(request.requesterId, notice),
    );
    await afterCommit(deps.log, 'audit post for decision', () =>
      deps.notifier.postAudit({
        action: `request.${result.outcome}`,
        actor: clickerId,
        resource,
        requesterId: request.requesterId,
        requestId: request.id,
      }),
    );
  }
}
