import { DURATION_FORMAT_HINT, formatDuration } from '../core/duration.js';
import type { LatchError, LatchErrorCode } from '../core/errors.js';
import { USAGE } from './blocks/help.js';
import { userText } from './blocks/mrkdwn.js';

type Detail = LatchError['detail'];
const limit = (detail: Detail) => formatDuration(Number(detail.limitSeconds ?? 0));

/** The one place that turns a known outcome into words for the person who caused it. */
const MESSAGES: Record<LatchErrorCode, (detail: Detail) => string> = {
  unknown_resource: (d) =>
    `There is no resource \`${d.resourceId}\`. See what you can request with \`/access resources\`.`,
  unclassified_resource: (d) =>
    `\`${d.resourceId}\` has no sensitivity tier yet, so nobody can request it. Ask an admin to classify it.`,
  unsupported_resource_kind: (d) =>
    `\`${d.resourceId}\` is a ${d.kind}, which Latch cannot provision yet. Ask an admin.`,
  bad_duration: (d) =>
    `\`${d.duration}\` is not a duration: ${DURATION_FORMAT_HINT}.\nUsage: ${USAGE.request}`,
  duration_too_short: (d) =>
    `\`${d.duration}\` is shorter than the ${d.tier} tier allows: at least ${limit(d)}.`,
  duration_too_long: (d) =>
    `\`${d.duration}\` is longer than the ${d.tier} tier allows: at most ${limit(d)}.`,
  missing_justification: () => `Say why you need it: a justification is required.\nUsage: ${USAGE.request}`,
  invalid_email: (d) =>
    `\`${d.email}\` is not an email address${d.domains ? ` in an allowed domain (${d.domains})` : ''}.\nUsage: ${USAGE.admin}`,
  unknown_slack_user: (d) =>
    `Slack has no user \`${d.user}\`: give their Slack user id (U…) or Slack email.\nUsage: ${USAGE.admin}`,
  no_confirmed_email: () =>
    'Latch matches you to AWS by your Slack email, and yours is not confirmed or not in an allowed domain. Ask an admin.',
  email_domain_not_allowed: () =>
    'Your Slack email is not in a domain this workspace allows for AWS access. Ask an admin.',
  no_eligible_approver: (d) =>
    `Nobody but you could approve \`${d.resourceId}\`, and no fallback approver is set. Ask an admin.`,
  unknown_request: (d) => `There is no request \`${d.requestId}\`. \`/access list\` shows yours.`,
  unknown_grant: (d) => `There is no grant \`${d.grantId}\`. \`/access list\` shows yours.`,
  not_your_request: (d) => `Request \`${d.requestId}\` is not yours.`,
  not_your_grant: (d) => `Grant \`${d.grantId}\` is not yours.`,
  request_not_pending: (d) =>
    `Request \`${d.requestId}\` is no longer waiting for a decision${d.status ? ` (it is ${d.status})` : ''}.`,
  grant_not_active: (d) => `Grant \`${d.grantId}\` is not active${d.status ? ` (it is ${d.status})` : ''}.`,
  not_an_approver: (d) => `You are not an approver for request \`${d.requestId}\`, so nothing changed.`,
  self_approval: (d) => `You cannot decide your own request \`${d.requestId}\`.`,
  already_decided_by_you: (d) => `You already decided request \`${d.requestId}\`.`,
  extension_exhausted: (d) =>
    `Grant \`${d.grantId}\` already runs the ${d.tier} tier’s longest time (${limit(d)} from its start). Request again when it ends.`,
  admins_only: () => 'Only Latch admins can do that.',
  unknown_tier: (d) =>
    `\`${d.tier}\` is not a tier. Choose one of ${d.tiers}, or \`unclassified\` so nobody can request it.\nUsage: ${USAGE.admin}`,
  not_in_catalog: (d) =>
    `There is no resource \`${d.resourceId}\` in the policy or in what catalog sync found. App Home lists the catalog; \`/access admin sync\` reads AWS again.`,
  break_glass_not_allowed: (d) =>
    `\`${d.resourceId}\`'s tier (${d.tier}) does not allow break-glass. Request it with \`/access request\` instead.`,
  text_too_long: (d) =>
    `Your ${d.field} is ${d.length} characters long; Latch keeps at most ${d.limit}. Shorten it and try again; nothing was changed.`,
  text_not_storable: (d) =>
    `Your ${d.field} contains a character Latch cannot store (a NUL, or half of an emoji). Remove it and try again; nothing was changed.`,
  no_insights_yet: () =>
    'Latch has not read standing access yet. It reads it after each scheduled catalog sync, or run `latch insights --refresh`.',
  unknown_account: (d) =>
    `The latest standing-access reading has no account \`${d.account}\`. Give a 12-digit account id it read.\nUsage: ${USAGE.admin}`,
  unknown_recommendation: () =>
    'That recommendation is not in the latest standing-access reading any more (AWS was read again). Nothing was changed.',
  recommendation_not_applicable: () =>
    'Latch does not make that change in AWS: edit the policy file instead. Nothing was changed.',
  recommendation_not_permitted: (d) =>
    `Latch may not make that change: its IAM policy lacks \`${d.action}\`. Nothing was changed. See \`latch aws-policy --help\`.`,
  recommendation_denied: (d) =>
    `AWS refused \`${d.action}\` to Latch (access denied). Nothing was changed; check the policy \`latch aws-policy\` prints is attached.`,
  recommendation_failed: (d) =>
    `AWS could not make the change: ${userText(String(d.error), 300)}. Try again later.`,
};

/** Longest echo of something a person typed (a resource id, a duration) in an answer. */
const MAX_ECHO = 200;

/** An echo stays on one line: forms show only a message's first line, and code spans end at a break. */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
}

/** The words for a refusal. What the person typed is echoed escaped and cut short, never as live mrkdwn. */
export function errorMessage(error: LatchError): string {
  const detail = Object.fromEntries(
    Object.entries(error.detail).map(([key, value]) => [
      key,
      typeof value === 'string' ? userText(oneLine(value), MAX_ECHO) : value,
    ]),
  );
  return MESSAGES[error.code](detail);
}
