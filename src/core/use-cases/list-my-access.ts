import type { AccessRequest, Grant } from '../model.js';
import type { LatchDeps } from '../ports.js';

/** What `/access list` shows: your pending requests and your live grants. */
export async function listMyAccess(
  deps: LatchDeps,
  requesterId: string,
): Promise<{ pending: AccessRequest[]; grants: Grant[] }> {
  const [pending, grants] = await Promise.all([
    deps.store.listRequests({ requesterId, statuses: ['pending'] }),
    deps.store.listGrants({ requesterId, statuses: ['provisioning', 'active', 'revoking'] }),
  ]);
  return { pending, grants };
}
