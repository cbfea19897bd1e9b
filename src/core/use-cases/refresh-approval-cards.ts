import { tierOf } from '../catalog.js';
import type { AccessRequest, Resource } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';

/**
 * Redraws every approver's copy of a request's card from the database, so each shows who
 * decided and none keeps buttons for a step that is over.
 */
export async function refreshApprovalCards(
  deps: LatchDeps,
  request: AccessRequest,
  resource: Resource,
): Promise<void> {
  const [refs, approvals] = await Promise.all([
    deps.store.listSlackMessages(request.id),
    deps.store.listApprovals(request.id),
  ]);
  const stepCount = tierOf(deps.policy, resource)?.steps.length ?? 1;
  const approvedBy = approvals.filter((a) => a.decision === 'approve').map((a) => a.approverId);
  const reason = approvals.find((a) => a.decision === 'deny')?.reason;
  for (const ref of refs) {
    const isOpen = request.status === 'pending' && ref.step === request.currentStep;
    await afterCommit(deps.log, 'update approval card', () =>
      deps.notifier.updateApprovalCard(ref, {
        request,
        resource,
        step: ref.step,
        stepCount,
        approvedBy,
        ...(isOpen
          ? {}
          : {
              outcome: {
                status: request.status,
                at: request.decidedAt ?? deps.clock.now(),
                ...(request.decidedBy ? { by: request.decidedBy } : {}),
                ...(reason ? { reason } : {}),
              },
            }),
      }),
    );
  }
}
