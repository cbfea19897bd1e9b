import type { AccessRequest, Grant } from '../model.js';
import type { LatchDeps } from '../ports.js';

/** What `/access list` shows: your pending requests and your live grants. */
export function listMyAccess(
  deps: LatchDeps,
  requesterId: string,
): Promise<{ pending: AccessRequest[]; grants: Grant[] }> {
  return deps.store.openAccessOf(requesterId);
}
