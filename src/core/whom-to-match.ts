import type { Grant, MatchedPrincipal } from './model.js';

/**
 * An admin's pin decides whom AWS matches (approvals still went by the Slack identity). The user
 * matched after filing is the one the approvers approved, and is used while the email that matched
 * it is still the one to match: under a pin, whenever it was made, the grant is looked up afresh.
 */
export function whomToMatch(
  grant: Pick<Grant, 'requesterEmail'>,
  identity: { pinnedEmail?: string; matched?: MatchedPrincipal },
): { email: string; matchedId?: string } {
  const email = identity.pinnedEmail ?? grant.requesterEmail;
  return identity.matched?.email === email ? { email, matchedId: identity.matched.principalId } : { email };
}
