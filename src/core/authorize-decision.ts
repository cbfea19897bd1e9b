import { eligibleApprovers, isPerson, isSelfApproval } from './approvers.js';
import type { AccessRequest, Approval, Person, Policy, Resource } from './model.js';
import { isFinalRequestStatus } from './request-lifecycle.js';

export type DecisionCheck =
  | { ok: true }
  | { ok: false; reason: 'not_pending' | 'self_approval' | 'not_an_approver' | 'already_decided_by_you' };

/**
 * Re-checks the person who clicked against the policy as it stands now; nothing from the
 * button is trusted but the request id. `priorApprovers` decided earlier steps.
 */
export function authorizeDecision(input: {
  policy: Policy;
  resource: Resource;
  request: AccessRequest;
  step: NonNullable<Policy['tiers'][string]['steps'][number]>;
  clicker: Person;
  approvals: readonly Approval[];
  priorApprovers: ReadonlyArray<Pick<Person, 'slackUserId' | 'email'>>;
}): DecisionCheck {
  const { policy, resource, request, step, clicker, approvals, priorApprovers } = input;
  if (isFinalRequestStatus(request.status)) return { ok: false, reason: 'not_pending' };
  if (isSelfApproval(request.requesterId, clicker.slackUserId) || isPerson(request.requesterEmail, clicker)) {
    return { ok: false, reason: 'self_approval' };
  }
  const requester = { slackUserId: request.requesterId, email: request.requesterEmail };
  const { refs } = eligibleApprovers(policy, resource, requester, step, priorApprovers, {
    escalated: request.escalatedAt !== undefined,
  });
  if (!refs.some((ref) => isPerson(ref, clicker))) return { ok: false, reason: 'not_an_approver' };
  const decidedThisStep = approvals.some(
    (approval) => approval.step === request.currentStep && approval.approverId === clicker.slackUserId,
  );
  if (decidedThisStep) return { ok: false, reason: 'already_decided_by_you' };
  return { ok: true };
}
