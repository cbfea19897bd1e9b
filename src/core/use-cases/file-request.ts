import { eligibleApprovers } from '../approvers.js';
import { requestableResource } from '../catalog.js';
import { checkDuration } from '../duration.js';
import { LatchError } from '../errors.js';
import { logWithIds } from '../log-with-ids.js';
import type { AccessRequest, Grant, Resource } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { checkTypedText } from '../typed-text.js';
import { afterCommit } from './after-commit.js';
import { matchRequester } from './match-requester.js';
import { startGrant } from './new-grant.js';
import { postAudit } from './post-audit.js';
import { resolveApprovers, sendApprovalCards } from './send-approval-cards.js';

export const MAX_JUSTIFICATION_LENGTH = 2000;
export const MAX_TICKET_LENGTH = 100;

export interface FileRequestInput {
  requesterId: string;
  resourceId: string;
  durationText: string;
  justification: string;
  ticket?: string;
}

export interface FileRequestResult {
  request: AccessRequest;
  resource: Resource;
  /** Slack ids of the people asked to approve; empty when the tier auto-approves. */
  approverIds: string[];
  /** Set when the tier auto-approved or an approval was re-activated; provision it with `provisionGrants`. */
  grant?: Grant;
  /** The earlier request whose still-valid approval this one re-activated. */
  reactivationOf?: string;
}

/**
 * Files a request: checks the resource, the duration against its tier and the requester's
 * identity, then either auto-approves (no steps) or asks the first step's approvers.
 * Nothing is written unless every check passes.
 */
export async function fileRequest(deps: LatchDeps, input: FileRequestInput): Promise<FileRequestResult> {
  const { policy, store, clock } = deps;
  const { resource, tier } = requestableResource(policy, input.resourceId);
  if (!deps.provisioner.supports(resource)) {
    throw new LatchError('unsupported_resource_kind', { resourceId: resource.id, kind: resource.kind });
  }
  const duration = checkDuration(input.durationText, {
    minSeconds: tier.minDurationSeconds,
    maxSeconds: tier.maxDurationSeconds,
  });
  if (!duration.ok) {
    const code = duration.reason === 'malformed' ? 'bad_duration' : (`duration_${duration.reason}` as const);
    throw new LatchError(code, {
      duration: input.durationText,
      limitSeconds: duration.limitSeconds ?? 0,
      tier: tier.name,
    });
  }
  const justification = input.justification.trim();
  if (!justification) throw new LatchError('missing_justification');
  checkTypedText('justification', justification, MAX_JUSTIFICATION_LENGTH);
  const ticket = input.ticket?.trim();
  if (ticket) checkTypedText('ticket', ticket, MAX_TICKET_LENGTH);

  const requester = await deps.directory.person(input.requesterId);
  if (!requester.email) throw new LatchError('no_confirmed_email');

  const now = clock.now();
  // Two expirations (DESIGN §1): while a human approval of the same access is valid, re-activate it.
  const reusable =
    tier.steps.length > 0 && tier.approvalValiditySeconds > 0
      ? await store.lastHumanApproval({
          requesterId: requester.slackUserId,
          resourceId: resource.id,
          since: new Date(now.getTime() - tier.approvalValiditySeconds * 1000),
        })
      : undefined;
  const firstStep = reusable ? undefined : tier.steps[0];
  const approverIds = firstStep
    ? await resolveApprovers(deps, eligibleApprovers(policy, resource, requester, firstStep).refs)
    : [];
  if (firstStep && approverIds.length < firstStep.count) {
    throw new LatchError('no_eligible_approver', { resourceId: resource.id });
  }

  const request: AccessRequest = {
    id: deps.newId('request'),
    requesterId: requester.slackUserId,
    requesterEmail: requester.email,
    resourceId: resource.id,
    durationSeconds: duration.seconds,
    justification,
    ...(ticket ? { ticket } : {}),
    status: firstStep ? 'pending' : 'approved',
    currentStep: 0,
    createdAt: now,
    expiresAt: new Date(now.getTime() + policy.requestTtlSeconds * 1000),
    ...(firstStep ? {} : { decidedAt: now, decidedBy: 'latch' }),
  };
  const grant = await store.transaction(async (tx) => {
    await tx.upsertPerson(requester);
    await tx.insertRequest(request);
    await tx.appendAudit({
      at: now,
      actor: requester.slackUserId,
      action: 'request.filed',
      requestId: request.id,
      detail: { resourceId: resource.id, durationSeconds: duration.seconds, justification, approverIds },
    });
    if (firstStep) return undefined;
    await tx.appendAudit({
      at: now,
      actor: 'latch',
      action: 'request.approved',
      requestId: request.id,
      detail: reusable
        ? { reactivationOf: reusable.requestId, approvedBy: reusable.decidedBy, tier: tier.name }
        : { auto: true, tier: tier.name },
    });
    return startGrant(tx, deps, request, now);
  });

  const log = logWithIds(deps.log, { requestId: request.id, ...(grant ? { grantId: grant.id } : {}) });
  const outcome = firstStep ? 'pending' : reusable ? 'reactivated' : 'auto_approved';
  log.info(
    { resourceId: resource.id, tier: tier.name, requesterId: request.requesterId, outcome },
    'request filed',
  );
  if (outcome !== 'pending') deps.telemetry?.requestDecided({ tier: tier.name, outcome });

  await postAudit(deps, {
    action: grant ? 'request.approved' : 'request.filed',
    actor: requester.slackUserId,
    resource,
    requesterId: requester.slackUserId,
    requestId: request.id,
    text: justification,
  });
  if (firstStep) {
    const matching = () => matchRequester(deps, request, resource);
    if (deps.deferred) deps.deferred.run(matching);
    else await matching();
    await sendApprovalCards(deps, request, resource, approverIds);
    await afterCommit(log, 'tell requester request filed', () =>
      deps.notifier.tellRequester(request.requesterId, {
        kind: 'request_filed',
        request,
        resource,
        approvers: approverIds,
      }),
    );
  }
  return {
    request,
    resource,
    approverIds,
    ...(grant ? { grant } : {}),
    ...(reusable ? { reactivationOf: reusable.requestId } : {}),
  };
}
