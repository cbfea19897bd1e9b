import { logWithIds } from '../log-with-ids.js';
import type { AccessRequest, Resource } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';
import { approvalCardData } from './approval-card-data.js';

/** Slack ids for policy references (emails or ids); people Slack doesn't know are dropped and logged. */
export async function resolveApprovers(deps: LatchDeps, refs: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const ref of refs) {
    const id = await deps.directory.slackUserIdFor(ref);
    if (id) ids.push(id);
    else deps.log.warn({ approver: ref }, 'approver named in the policy has no Slack account');
  }
  return [...new Set(ids)];
}

/** DMs a card to each approver of the request's current step and remembers each copy. */
export async function sendApprovalCards(
  deps: LatchDeps,
  request: AccessRequest,
  resource: Resource,
  approverIds: readonly string[],
): Promise<void> {
  const card = await approvalCardData(deps, request, resource, request.currentStep);
  for (const approverId of approverIds) {
    await afterCommit(logWithIds(deps.log, { requestId: request.id }), 'send approval card', async () => {
      const ref = await deps.notifier.sendApprovalCard(approverId, card);
      if (ref) await deps.store.insertSlackMessage(ref);
    });
  }
}
