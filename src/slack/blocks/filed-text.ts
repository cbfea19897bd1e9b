import { formatDuration } from '../../core/duration.js';
import type { FileRequestResult } from '../../core/use-cases/file-request.js';
import { mention } from './mrkdwn.js';

/** The requester's answer to `/access request`: approved at once (and why), or who was asked. */
export function filedText(result: FileRequestResult): string {
  const { request, grant, approverIds, reactivationOf } = result;
  const what = `Request \`${request.id}\` for \`${request.resourceId}\` (${formatDuration(request.durationSeconds)})`;
  if (reactivationOf) {
    return `${what} re-activates your approval from request \`${reactivationOf}\`, which is still valid. You will get a DM when access is active.`;
  }
  if (grant) return `${what} is approved automatically. You will get a DM when access is active.`;
  return `${what} is filed and waiting for ${approverIds.map(mention).join(' or ')}.`;
}
