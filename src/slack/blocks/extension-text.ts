import type { ExtendGrantResult } from '../../core/use-cases/extend-grant.js';
import { mention, slackTime } from './mrkdwn.js';

/** The answer to an extension: the new end, or who must approve it first. */
export function extensionText(result: ExtendGrantResult): string {
  if (result.outcome === 'extended') {
    return `Grant \`${result.grant.id}\` now ends ${slackTime(result.grant.expiresAt ?? new Date(0))}.`;
  }
  const { request, approverIds } = result.filed;
  return `Your approval for this has expired, so the extension is request \`${request.id}\`, waiting for ${approverIds.map(mention).join(' or ')}.`;
}
