import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { formatDuration } from '../../core/duration.js';
import type { LatchDeps } from '../../core/ports.js';
import { adminInsights } from '../../core/use-cases/admin-insights.js';
import { adminRevokeGrant } from '../../core/use-cases/admin-revoke-grant.js';
import { adminSync } from '../../core/use-cases/admin-sync.js';
import { breakGlass } from '../../core/use-cases/break-glass.js';
import { cancelRequest } from '../../core/use-cases/cancel-request.js';
import { extendGrant } from '../../core/use-cases/extend-grant.js';
import { fileRequest } from '../../core/use-cases/file-request.js';
import { listMyAccess } from '../../core/use-cases/list-my-access.js';
import { pinIdentity, unpinIdentity } from '../../core/use-cases/pin-identity.js';
import { provisionGrants } from '../../core/use-cases/provision-grants.js';
import { releaseGrant } from '../../core/use-cases/release-grant.js';
import { setResourceTier } from '../../core/use-cases/set-resource-tier.js';
import { commandAnswer } from '../ack-answers.js';
import { extensionText } from '../blocks/extension-text.js';
import { filedText } from '../blocks/filed-text.js';
import { insightsText } from '../blocks/insights-text.js';
import { myAccessText } from '../blocks/my-access.js';
import { requestModal } from '../blocks/request-modal.js';
import { syncText } from '../blocks/sync-text.js';
import { tierChangeText } from '../blocks/tier-change-text.js';
import { parseAccessCommand } from '../parse-access-command.js';
import { redrawHomeLater } from '../publish-home.js';
import { answerFor, replyEphemeral } from './reply.js';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/access …`: answers mistakes in the ack itself, everything else after acking. */
export function handleAccessCommand(deps: LatchDeps) {
  return async ({ command, ack, respond, client }: Args): Promise<void> => {
    const parsed = parseAccessCommand(command.text);
    const userId = command.user_id;
    // Mistakes, help and the catalog search are answered in the ack (the front thread answers them the same way).
    const immediate = commandAnswer(parsed, deps.policy);
    if (immediate) return ack(immediate);
    if (parsed.kind === 'open_modal') {
      // The trigger_id lives 3 seconds: open the modal before any other work (PLATFORM A1).
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: requestModal() });
      return;
    }
    await ack();
    await answerFor(deps.log, replyEphemeral(respond), async () => {
      switch (parsed.kind) {
        case 'request': {
          const filed = await fileRequest(deps, { requesterId: userId, ...parsed });
          const { grant } = filed;
          // Provision before answering so the answer and the DMs agree; failures are retried or reported inside.
          if (grant) {
            await provisionGrants(deps, { onlyId: grant.id }).catch((err) =>
              deps.log.error({ err, grantId: grant.id }, 'provisioning failed'),
            );
          }
          return filedText(filed);
        }
        case 'breakglass': {
          const { request, grant, reviewerIds } = await breakGlass(deps, { requesterId: userId, ...parsed });
          await provisionGrants(deps, { onlyId: grant.id }).catch((err) =>
            deps.log.error({ err, grantId: grant.id }, 'break-glass provisioning failed'),
          );
          return `🚨 Break-glass request \`${request.id}\` for \`${request.resourceId}\` is granted for ${formatDuration(request.durationSeconds)}. It is announced in the audit channel, and ${reviewerIds.length ? reviewerIds.map((id) => `<@${id}>`).join(', ') : 'the admins'} will review it.`;
        }
        case 'extend':
          return extensionText(await extendGrant(deps, { requesterId: userId, ...parsed }));
        case 'admin_revoke': {
          const grant = await adminRevokeGrant(deps, {
            grantId: parsed.grantId,
            adminId: userId,
            reason: parsed.reason,
          });
          return `Grant \`${grant.id}\` ${grant.status === 'revoked' ? 'is revoked' : 'is being revoked; Latch keeps trying until AWS confirms'}. <@${grant.requesterId}> is told.`;
        }
        case 'admin_sync': {
          const run = await adminSync(deps, { adminId: userId });
          return run ? syncText(run) : 'A catalog sync is already running; its result will show on App Home.';
        }
        case 'admin_insights':
          return insightsText(await adminInsights(deps, { adminId: userId, ...parsed }));
        case 'admin_pin': {
          const { pin, previous } = await pinIdentity(deps, { adminId: userId, ...parsed });
          return `<@${pin.slackUserId}> is now matched in AWS as \`${pin.awsEmail}\`${previous ? ` (was \`${previous}\`)` : ''}. Their next grant uses it; this is in the audit log.`;
        }
        case 'admin_unpin': {
          const { slackUserId, removed } = await unpinIdentity(deps, {
            adminId: userId,
            userId: parsed.userId,
          });
          return removed
            ? `<@${slackUserId}> is matched in AWS by their Slack email again.`
            : `<@${slackUserId}> had no pinned AWS identity; nothing changed.`;
        }
        case 'admin_tier':
          return tierChangeText(await setResourceTier(deps, { adminId: userId, ...parsed }));
        case 'list':
          return myAccessText(await listMyAccess(deps, userId));
        case 'cancel':
          return `Request \`${(await cancelRequest(deps, { requestId: parsed.requestId, requesterId: userId })).id}\` is cancelled.`;
        case 'release': {
          const grant = await releaseGrant(deps, { grantId: parsed.grantId, requesterId: userId });
          return grant.status === 'revoked'
            ? `Grant \`${grant.id}\` is released; the access is gone.`
            : `Grant \`${grant.id}\` is being released; Latch keeps trying until AWS confirms.`;
        }
      }
    });
    // Everything past here changed (or listed) the caller's own access: keep their Home current.
    if (parsed.kind !== 'list' && parsed.kind !== 'admin_insights') {
      redrawHomeLater(deps, client, userId);
    }
  };
}
