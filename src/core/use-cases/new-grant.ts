import type { AccessRequest, Grant } from '../model.js';
import type { LatchDeps } from '../ports.js';

/** The grant an approved request gets: provisioning, due for its first attempt now. */
export function newGrant(deps: Pick<LatchDeps, 'newId'>, request: AccessRequest, now: Date): Grant {
  return {
    id: deps.newId('grant'),
    requestId: request.id,
    requesterId: request.requesterId,
    requesterEmail: request.requesterEmail,
    resourceId: request.resourceId,
    durationSeconds: request.durationSeconds,
    status: 'provisioning',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
  };
}
