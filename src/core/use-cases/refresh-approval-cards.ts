import { logWithIds } from '../log-with-ids.js';
import { type AccessRequest, REVIEW_STEP, type Resource } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';
import { approvalCardData } from './approval-card-data.js';

/**
 * Redraws every approver's copy of a request's card from the database, so each shows who
 * decided and none keeps buttons for a step that is over.
 */
export async function refreshApprovalCards(
  deps: LatchDeps,
  request: AccessRequest,
  resource: Resource,
): Promise<void> {
  for (const ref of (await deps.store.listSlackMessages(request.id)).filter((r) => r.step !== REVIEW_STEP)) {
    await afterCommit(logWithIds(deps.log, { requestId: request.id }), 'update approval card', async () =>
      deps.notifier.updateApprovalCard(ref, await approvalCardData(deps, request, resource, ref.step)),
    );
  }
}
