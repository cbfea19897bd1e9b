import type { AccessRequest, Grant } from '../model.js';
import type { LatchDeps, Store } from '../ports.js';

/**
 * Creates the grant an approved request gets, inside the caller's transaction: provisioning,
 * due for its first attempt now, with its audit row.
 */
export async function startGrant(
  tx: Store,
  deps: Pick<LatchDeps, 'newId'>,
  request: AccessRequest,
  now: Date,
  durationSeconds = request.durationSeconds,
): Promise<Grant> {
  const grant: Grant = {
    id: deps.newId('grant'),
    requestId: request.id,
    requesterId: request.requesterId,
    requesterEmail: request.requesterEmail,
    resourceId: request.resourceId,
    durationSeconds,
    status: 'provisioning',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
  };
  await tx.insertGrant(grant, {
    at: now,
    actor: 'latch',
    action: 'grant.provisioning',
    requestId: request.id,
    grantId: grant.id,
  });
  return grant;
}
