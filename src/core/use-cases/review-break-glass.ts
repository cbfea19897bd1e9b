import { eligibleApprovers, isPerson } from '../approvers.js';
import { findResource } from '../catalog.js';
import { LatchError } from '../errors.js';
import { logWithIds } from '../log-with-ids.js';
import { REVIEW_STEP } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';
import { postAudit } from './post-audit.js';

export type ReviewVerdict = 'acknowledged' | 'flagged';

/**
 * An approver's after-the-fact review of a break-glass grant. The reviewer is re-checked against
 * the policy; the first verdict counts and every review card then shows it. A flag alerts the admins.
 */
export async function reviewBreakGlass(
  deps: LatchDeps,
  input: { requestId: string; reviewerId: string; verdict: ReviewVerdict },
): Promise<{ verdict: ReviewVerdict; by: string; isNew: boolean }> {
  const request = await deps.store.getRequest(input.requestId);
  const resource = request && findResource(deps.policy, request.resourceId);
  const audit = request && (await deps.store.listAudit({ requestId: request.id }));
  if (!request || !resource || !audit?.some((e) => e.action === 'request.break_glass')) {
    throw new LatchError('unknown_request', { requestId: input.requestId });
  }
  const reviewer = await deps.directory.person(input.reviewerId);
  if (isPerson(request.requesterEmail, reviewer) || reviewer.slackUserId === request.requesterId) {
    throw new LatchError('self_approval', { requestId: request.id });
  }
  const requester = { slackUserId: request.requesterId, email: request.requesterEmail };
  const steps = deps.policy.tiers[resource.tier]?.steps ?? [];
  const refs = [
    ...steps.flatMap((step) => eligibleApprovers(deps.policy, resource, requester, step).refs),
    ...deps.policy.approvers.fallback,
  ];
  if (!refs.some((ref) => isPerson(ref, reviewer)))
    throw new LatchError('not_an_approver', { requestId: request.id });

  const earlier = audit.find((e) => e.action.startsWith('break_glass.'));
  if (earlier) {
    return {
      verdict: earlier.action === 'break_glass.flagged' ? 'flagged' : 'acknowledged',
      by: earlier.actor,
      isNew: false,
    };
  }
  const now = deps.clock.now();
  const log = logWithIds(deps.log, { requestId: request.id });
  await deps.store.appendAudit({
    at: now,
    actor: reviewer.slackUserId,
    action: `break_glass.${input.verdict}`,
    requestId: request.id,
  });
  for (const ref of (await deps.store.listSlackMessages(request.id)).filter((r) => r.step === REVIEW_STEP)) {
    await afterCommit(log, 'update review card', () =>
      deps.notifier.updateReviewCard(ref, {
        request,
        resource,
        review: { verdict: input.verdict, by: reviewer.slackUserId, at: now },
      }),
    );
  }
  await postAudit(deps, {
    action: `break_glass.${input.verdict}`,
    actor: reviewer.slackUserId,
    resource,
    requesterId: request.requesterId,
    requestId: request.id,
  });
  log.info({ by: reviewer.slackUserId, verdict: input.verdict }, 'break-glass reviewed');
  if (input.verdict === 'flagged') {
    await afterCommit(log, 'alert admins flagged break-glass', () =>
      deps.notifier.alertAdmins(
        `<@${reviewer.slackUserId}> flagged the break-glass use of ${resource.id} by <@${request.requesterId}> (request ${request.id}).`,
      ),
    );
  }
  return { verdict: input.verdict, by: reviewer.slackUserId, isNew: true };
}
