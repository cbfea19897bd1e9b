import pLimit from 'p-limit';
import { eligibleApprovers } from '../approvers.js';
import { authorizeDecision } from '../authorize-decision.js';
import { requestableResource } from '../catalog.js';
import { checkDuration } from '../duration.js';
import { LatchError } from '../errors.js';
import { isPlausibleId } from '../ids.js';
import { logWithIds } from '../log-with-ids.js';
import type { AccessRequest, Approval, Decision, Grant, Person, Resource } from '../model.js';
import type { LatchDeps, Store } from '../ports.js';
import { isFinalRequestStatus } from '../request-lifecycle.js';
import { auditExcerpt, checkTypedText } from '../typed-text.js';
import { afterCommit } from './after-commit.js';
import { startGrant } from './new-grant.js';
import { postAudit } from './post-audit.js';
import { provisionGrants } from './provision-grants.js';
import { refreshApprovalCards } from './refresh-approval-cards.js';
import { resolveApprovers, sendApprovalCards } from './send-approval-cards.js';

export const MAX_REASON_LENGTH = 1000;

/**
 * Decisions this process records at once. A burst of clicks (an admin clearing a queue) would
 * otherwise fill the database pool's queue, and the grants already approved would wait behind it.
 */
const decisionsAtOnce = pLimit(4);

/** `approvals`: the request's decisions, this one included, as the decision's transaction committed them. */
export type DecideApprovalResult =
  | { outcome: 'approved'; request: AccessRequest; resource: Resource; approvals: Approval[]; grant: Grant }
  | { outcome: 'denied'; request: AccessRequest; resource: Resource; approvals: Approval[]; reason?: string }
  /** This approval counted; more are needed (this step's count, or the next step's approvers). */
  | {
      outcome: 'recorded';
      request: AccessRequest;
      resource: Resource;
      approvals: Approval[];
      nextApproverRefs: string[];
    }
  /** Someone already decided, or the request was cancelled or expired: nothing changed. */
  | { outcome: 'not_pending'; request: AccessRequest; resource: Resource };

export interface DecisionInput {
  requestId: string;
  clickerId: string;
  decision: Decision;
  reason?: string;
  /** Approve for less than was asked (e.g. `30m`); within the tier's minimum and the ask. */
  durationText?: string;
}

/**
 * Records an approver's click. The clicker is re-checked against the policy inside the
 * transaction that locks the request, so double clicks and racing approvers count once.
 * Refusals (self-approval, not an approver) are audited, then thrown as a LatchError.
 * An approval that completes the request is provisioned before this returns.
 */
export async function decideApproval(deps: LatchDeps, input: DecisionInput): Promise<DecideApprovalResult> {
  const reason = input.reason?.trim() || undefined;
  if (reason) checkTypedText('reason', reason, MAX_REASON_LENGTH);
  const clicker = await deps.directory.person(input.clickerId);
  const result = await decisionsAtOnce(() =>
    deps.store.transaction((tx) => recordDecision(deps, tx, { ...input, reason }, clicker)),
  );
  if (result instanceof LatchError) throw result;

  reportDecision(deps, result, input.clickerId);
  // The grant goes to AWS while the decision is announced, not after: in a burst of approvals the
  // announcements queue for Slack (about one message a second per channel). Its own news waits for
  // the decision's, so the requester and the audit thread read "approved" before "active".
  const announced = announceDecision(deps, result);
  const provisioned =
    result.outcome === 'approved'
      ? provisionGrants(deps, { onlyId: result.grant.id, announceAfter: announced })
      : undefined;
  for (const settled of await Promise.allSettled([announced, provisioned])) {
    if (settled.status === 'rejected') throw settled.reason;
  }
  return result;
}

/** The decision itself, inside the transaction that locks the request. */
async function recordDecision(
  deps: LatchDeps,
  tx: Store,
  input: DecisionInput,
  clicker: Person,
): Promise<DecideApprovalResult | LatchError> {
  const reason = input.reason;
  const now = deps.clock.now();
  const request = isPlausibleId(input.requestId)
    ? await tx.getRequest(input.requestId, { forUpdate: true })
    : undefined;
  if (!request) {
    // Buttons carry real ids: a decision about a request that does not exist was forged or mangled.
    await tx.appendAudit({
      at: now,
      actor: clicker.slackUserId,
      action: 'decision.refused',
      detail: {
        reason: 'unknown_request',
        decision: input.decision,
        requestId: auditExcerpt(input.requestId),
      },
    });
    return new LatchError('unknown_request', { requestId: input.requestId });
  }
  const { resource, tier } = requestableResource(deps.policy, request.resourceId);
  const audit = { at: now, actor: clicker.slackUserId, requestId: request.id };
  if (isFinalRequestStatus(request.status)) {
    // Harmless (a second click, a stale card), but an attempt all the same.
    await tx.appendAudit({
      ...audit,
      action: 'decision.refused',
      detail: { reason: 'not_pending', decision: input.decision, status: request.status },
    });
    return { outcome: 'not_pending', request, resource };
  }
  const step = tier.steps[request.currentStep];
  if (!step)
    throw new Error(`request ${request.id} is at step ${request.currentStep} of ${tier.steps.length}`);

  const approvals = await tx.listApprovals(request.id);
  const priorApprovers = approvals
    .filter((approval) => approval.step < request.currentStep)
    .map((approval) => ({ slackUserId: approval.approverId }));
  const check = authorizeDecision({
    policy: deps.policy,
    resource,
    request,
    step,
    clicker,
    approvals,
    priorApprovers,
  });
  if (!check.ok) {
    await tx.appendAudit({
      ...audit,
      action: 'decision.refused',
      detail: { reason: check.reason, decision: input.decision },
    });
    return new LatchError(check.reason === 'not_pending' ? 'request_not_pending' : check.reason, {
      requestId: request.id,
    });
  }
  const shorter = input.durationText
    ? checkDuration(input.durationText, {
        minSeconds: tier.minDurationSeconds,
        maxSeconds: request.durationSeconds,
      })
    : undefined;
  if (shorter && !shorter.ok) {
    const code = shorter.reason === 'malformed' ? 'bad_duration' : (`duration_${shorter.reason}` as const);
    return new LatchError(code, {
      duration: input.durationText ?? '',
      limitSeconds: shorter.limitSeconds ?? 0,
      tier: tier.name,
    });
  }
  const decided: Approval = {
    requestId: request.id,
    step: request.currentStep,
    approverId: clicker.slackUserId,
    decision: input.decision,
    decidedAt: now,
    ...(reason ? { reason } : {}),
    ...(shorter?.ok && shorter.seconds < request.durationSeconds ? { durationSeconds: shorter.seconds } : {}),
  };
  await tx.insertApproval(decided);
  const all = [...approvals, decided];
  if (input.decision === 'deny') {
    const denied = await close(tx, request, 'denied', clicker.slackUserId, now, reason);
    return { outcome: 'denied', request: denied, resource, approvals: all, ...(reason ? { reason } : {}) };
  }

  const approvalsThisStep =
    1 + approvals.filter((a) => a.step === request.currentStep && a.decision === 'approve').length;
  if (approvalsThisStep < step.count) {
    await tx.appendAudit({ ...audit, action: 'approval.recorded', detail: { step: request.currentStep } });
    return { outcome: 'recorded', request, resource, approvals: all, nextApproverRefs: [] };
  }
  const nextStep = tier.steps[request.currentStep + 1];
  if (!nextStep) {
    const approved = await close(tx, request, 'approved', clicker.slackUserId, now);
    // The shortest time any approver allowed wins.
    const allowed = [request.durationSeconds, ...approvals.map((a) => a.durationSeconds ?? Infinity)];
    if (shorter?.ok) allowed.push(shorter.seconds);
    const grant = await startGrant(tx, deps, approved, now, Math.min(...allowed));
    return { outcome: 'approved', request: approved, resource, approvals: all, grant };
  }
  const requester = { slackUserId: request.requesterId, email: request.requesterEmail };
  const refs = eligibleApprovers(deps.policy, resource, requester, nextStep, [
    ...priorApprovers,
    clicker,
  ]).refs;
  if (refs.length < nextStep.count) {
    // Nobody is left who may decide the next step: refuse now rather than let it wait to expire.
    const reason = 'nobody is left who may approve the next step';
    return {
      outcome: 'denied',
      request: await close(tx, request, 'denied', 'latch', now, reason),
      resource,
      approvals: all,
      reason,
    };
  }
  const moved = { ...request, currentStep: request.currentStep + 1 };
  await tx.updateRequest(
    request.id,
    { currentStep: moved.currentStep },
    { ...audit, action: 'approval.step_completed', detail: { step: request.currentStep } },
  );
  return { outcome: 'recorded', request: moved, resource, approvals: all, nextApproverRefs: refs };
}

/** Moves a pending request to its final state, with the audit row, inside `tx`. */
async function close(
  tx: Store,
  request: AccessRequest,
  status: 'approved' | 'denied',
  by: string,
  now: Date,
  reason?: string,
): Promise<AccessRequest> {
  await tx.updateRequest(
    request.id,
    { status, decidedAt: now, decidedBy: by },
    {
      at: now,
      actor: by,
      action: `request.${status}`,
      requestId: request.id,
      detail: { step: request.currentStep, ...(reason ? { reason } : {}) },
    },
  );
  return { ...request, status, decidedAt: now, decidedBy: by };
}

function reportDecision(deps: LatchDeps, result: DecideApprovalResult, clickerId: string): void {
  if (result.outcome === 'not_pending') return;
  const { request, resource } = result;
  const grantId = result.outcome === 'approved' ? result.grant.id : undefined;
  const log = logWithIds(deps.log, { requestId: request.id, ...(grantId ? { grantId } : {}) });
  if (result.outcome === 'recorded') {
    log.info({ by: clickerId, currentStep: request.currentStep }, 'approval recorded');
    return;
  }
  const decidedAt = request.decidedAt ?? deps.clock.now();
  const secondsToDecide = (decidedAt.getTime() - request.createdAt.getTime()) / 1000;
  log.info({ by: request.decidedBy, tier: resource.tier, secondsToDecide }, `request ${result.outcome}`);
  deps.telemetry?.requestDecided({ tier: resource.tier, outcome: result.outcome, secondsToDecide });
}

async function announceDecision(deps: LatchDeps, result: DecideApprovalResult): Promise<void> {
  const { request, resource } = result;
  await refreshApprovalCards(deps, request, resource, 'approvals' in result ? result.approvals : undefined);
  if (result.outcome === 'recorded' && result.nextApproverRefs.length > 0) {
    const approverIds = await resolveApprovers(deps, result.nextApproverRefs);
    await sendApprovalCards(deps, request, resource, approverIds);
    return;
  }
  if (result.outcome !== 'denied' && result.outcome !== 'approved') return;
  const by = request.decidedBy ?? 'latch';
  const notice =
    result.outcome === 'denied'
      ? ({
          kind: 'request_denied',
          request,
          resource,
          by,
          ...(result.reason ? { reason: result.reason } : {}),
        } as const)
      : ({
          kind: 'request_approved',
          request,
          resource,
          by,
          ...(result.outcome === 'approved' && result.grant.durationSeconds < request.durationSeconds
            ? { durationSeconds: result.grant.durationSeconds }
            : {}),
        } as const);
  await afterCommit(logWithIds(deps.log, { requestId: request.id }), 'tell requester of decision', () =>
    deps.notifier.tellRequester(request.requesterId, notice),
  );
  await postAudit(deps, {
    action: `request.${result.outcome}`,
    actor: by,
    resource,
    requesterId: request.requesterId,
    requestId: request.id,
  });
}
