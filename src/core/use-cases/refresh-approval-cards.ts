import { logWithIds } from '../log-with-ids.js';
import { type AccessRequest, type Approval, REVIEW_STEP, type Resource } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';
import { type CardFacts, cardData, readCardFacts } from './approval-card-data.js';

/**
 * Redraws every approver's copy of a request's card from the database, so each shows who
 * decided and none keeps buttons for a step that is over. The facts every card shows are read
 * once for all of them; `approvals`, when given, are those the caller's transaction just committed.
 */
export async function refreshApprovalCards(
  deps: LatchDeps,
  request: AccessRequest,
  resource: Resource,
  approvals?: Approval[],
): Promise<void> {
  let facts: Promise<CardFacts> | undefined;
  for (const ref of (await deps.store.listSlackMessages(request.id)).filter((r) => r.step !== REVIEW_STEP)) {
    await afterCommit(logWithIds(deps.log, { requestId: request.id }), 'update approval card', async () => {
      facts ??= readCardFacts(deps, request, approvals);
      await deps.notifier.updateApprovalCard(ref, cardData(deps, request, resource, ref.step, await facts));
    });
  }
}
