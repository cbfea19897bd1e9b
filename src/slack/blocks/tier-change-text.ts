import { UNCLASSIFIED_TIER } from '../../core/tiers.js';
import type { TierChange } from '../../core/use-cases/set-resource-tier.js';
import { escapeMrkdwn, userText } from './mrkdwn.js';

/** The answer to `/access admin tier`: what changed and what it means for requesters. */
export function tierChangeText(change: TierChange): string {
  const what = `\`${escapeMrkdwn(change.resourceId)}\` (${userText(change.name, 150)})`;
  if (!change.changed) return `${what} is already tier *${escapeMrkdwn(change.to)}*; nothing changed.`;
  const effect =
    change.to === UNCLASSIFIED_TIER
      ? 'Nobody can request it now; grants already given run to their end.'
      : change.from === UNCLASSIFIED_TIER
        ? 'People can request it now.'
        : 'New requests follow its approval steps and durations.';
  return `${what} is now tier *${escapeMrkdwn(change.to)}* (was ${escapeMrkdwn(change.from)}). ${effect} This is in the audit log.`;
}
