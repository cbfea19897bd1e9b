import { logWithIds } from '../log-with-ids.js';
import type { AccessRequest, Resource } from '../model.js';
import type { LatchDeps } from '../ports.js';

/**
 * Finds the AWS user a pending request is for, while approvers read it, and records it on the
 * request: its approval then provisions that user with no lookup of its own, so a queue of
 * approvals cleared at once spends AWS's calls on the access alone. Not finding one changes
 * nothing: provisioning looks the person up as it always could, and says so if AWS has no match.
 */
export async function matchRequester(
  deps: LatchDeps,
  request: AccessRequest,
  resource: Resource,
): Promise<void> {
  const log = logWithIds(deps.log, { requestId: request.id });
  try {
    // By the Slack email, without reading for a pin: provisioning uses the match only while its
    // email is still the one to match, so a pinned person's is looked up afresh (pins are rare).
    const email = request.requesterEmail;
    const principalId = await deps.provisioner.matchUser(resource, email);
    if (principalId) await deps.store.setRequestPrincipal(request.id, { principalId, email });
  } catch (error) {
    log.info({ err: error }, 'could not match the requester in AWS yet; their approval will look them up');
  }
}
