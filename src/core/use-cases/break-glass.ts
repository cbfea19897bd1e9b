import { eligibleApprovers, isPerson } from '../approvers.js';
import { requestableResource } from '../catalog.js';
import { LatchError } from '../errors.js';
import { logWithIds } from '../log-with-ids.js';
import type { AccessRequest, Grant, Person, Resource } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';
import { MAX_JUSTIFICATION_LENGTH } from './file-request.js';
import { startGrant } from './new-grant.js';
import { postAudit } from './post-audit.js';
import { resolveApprovers } from './send-approval-cards.js';

/**
 * Emergency access where the tier allows it: provisioned at once for the tier's
 * break_glass_duration, announced to the audit channel and to every approver of the resource,
 * each of whom gets a card to acknowledge or flag it afterwards.
 */
export async function breakGlass(
  deps: LatchDeps,
  input: { requesterId: string; resourceId: string; justification: string },
): Promise<{ request: AccessRequest; grant: Grant; reviewerIds: string[] }> {
  const { resource, tier } = requestableResource(deps.policy, input.resourceId);
  if (!tier.breakGlass)
    throw new LatchError('break_glass_not_allowed', { resourceId: resource.id, tier: tier.name });
  if (!deps.provisioner.supports(resource)) {
    throw new LatchError('unsupported_resource_kind', { resourceId: resource.id, kind: resource.kind });
  }
  const justification = input.justification.trim();
  if (!justification) throw new LatchError('missing_justification');
  const requester = await deps.directory.person(input.requesterId);
  if (!requester.email) throw new LatchError('no_confirmed_email');

  const now = deps.clock.now();
  const request: AccessRequest = {
    id: deps.newId('request'),
    requesterId: requester.slackUserId,
    requesterEmail: requester.email,
    resourceId: resource.id,
    durationSeconds: tier.breakGlassDurationSeconds,
    justification: justification.slice(0, MAX_JUSTIFICATION_LENGTH),
    status: 'approved',
    currentStep: 0,
    createdAt: now,
    expiresAt: now,
    decidedAt: now,
    decidedBy: 'latch',
  };
  const grant = await deps.store.transaction(async (tx) => {
    await tx.upsertPerson(requester);
    await tx.insertRequest(request);
    await tx.appendAudit({
      at: now,
      actor: requester.slackUserId,
      action: 'request.break_glass',
      requestId: request.id,
      detail: { resourceId: resource.id, durationSeconds: request.durationSeconds, justification },
    });
    return startGrant(tx, deps, request, now);
  });

  const log = logWithIds(deps.log, { requestId: request.id, grantId: grant.id });
  log.warn(
    { resourceId: resource.id, tier: tier.name, requesterId: request.requesterId },
    'break-glass access',
  );
  deps.telemetry?.requestDecided({ tier: tier.name, outcome: 'break_glass' });
  const reviewerIds = await reviewers(deps, resource, requester);
  await postAudit(deps, {
    action: 'request.break_glass',
    actor: requester.slackUserId,
    resource,
    requesterId: requester.slackUserId,
    requestId: request.id,
    grantId: grant.id,
    text: justification,
  });
  for (const reviewerId of reviewerIds) {
    await afterCommit(log, 'send break-glass review card', async () => {
      const ref = await deps.notifier.sendReviewCard(reviewerId, { request, resource });
      if (ref) await deps.store.insertSlackMessage(ref);
    });
  }
  return { request, grant, reviewerIds };
}

/** Everyone who could approve any step of the resource's tier, but the requester. */
async function reviewers(deps: LatchDeps, resource: Resource, requester: Person): Promise<string[]> {
  const tier = deps.policy.tiers[resource.tier];
  const refs = (tier?.steps ?? []).flatMap(
    (step) => eligibleApprovers(deps.policy, resource, requester, step).refs,
  );
  const ids = await resolveApprovers(deps, refs.length ? refs : deps.policy.approvers.fallback);
  return ids.filter((id) => !isPerson(id, requester));
}
