import { eligibleApprovers } from '../approvers.js';
import { findResource, tierOf } from '../catalog.js';
import { logWithIds } from '../log-with-ids.js';
import type { AccessRequest } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';
import { resolveApprovers, sendApprovalCards } from './send-approval-cards.js';

/**
 * Nudges undecided requests: after `remind_after` the current step's approvers get the card again;
 * after `escalate_after` the fallback approvers get it too and may decide. Each happens once per
 * request (claimed in the database), is audited, and the requester is told.
 */
export async function remindPendingRequests(deps: LatchDeps, limit = 100): Promise<number> {
  const { store, policy } = deps;
  const now = deps.clock.now();
  const before = (seconds: number) => new Date(now.getTime() - seconds * 1000);
  const [reminded, escalated] = await store.transaction(async (tx) => {
    const remind = await tx.claimRequestsToRemind(now, before(policy.remindAfterSeconds), limit);
    const escalate = await tx.claimRequestsToEscalate(now, before(policy.escalateAfterSeconds), limit);
    for (const request of remind)
      await tx.appendAudit({ at: now, actor: 'latch', action: 'request.reminded', requestId: request.id });
    for (const request of escalate)
      await tx.appendAudit({ at: now, actor: 'latch', action: 'request.escalated', requestId: request.id });
    return [remind, escalate.map((request) => ({ ...request, escalatedAt: now }))];
  });
  for (const request of reminded) await nudge(deps, request, 'request_reminded');
  for (const request of escalated) await nudge(deps, request, 'request_escalated');
  return reminded.length + escalated.length;
}

async function nudge(
  deps: LatchDeps,
  request: AccessRequest,
  kind: 'request_reminded' | 'request_escalated',
): Promise<void> {
  const resource = findResource(deps.policy, request.resourceId);
  const step = resource && tierOf(deps.policy, resource)?.steps[request.currentStep];
  if (!resource || !step) return;
  const approvals = await deps.store.listApprovals(request.id);
  const prior = approvals
    .filter((a) => a.step < request.currentStep)
    .map((a) => ({ slackUserId: a.approverId }));
  const requester = { slackUserId: request.requesterId, email: request.requesterEmail };
  const { refs } = eligibleApprovers(deps.policy, resource, requester, step, prior, {
    escalated: kind === 'request_escalated',
  });
  const decided = new Set(approvals.filter((a) => a.step === request.currentStep).map((a) => a.approverId));
  // A reminder goes to everyone still to decide; an escalation only to those not yet asked.
  const asked = new Set(
    (await deps.store.listSlackMessages(request.id))
      .filter((ref) => ref.step === request.currentStep)
      .map((ref) => ref.recipientId),
  );
  const approverIds = (await resolveApprovers(deps, refs)).filter(
    (id) => !decided.has(id) && (kind === 'request_reminded' || !asked.has(id)),
  );
  await sendApprovalCards(deps, request, resource, approverIds);
  await afterCommit(logWithIds(deps.log, { requestId: request.id }), `tell requester ${kind}`, () =>
    deps.notifier.tellRequester(request.requesterId, { kind, request, resource, approvers: approverIds }),
  );
}
