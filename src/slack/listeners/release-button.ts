import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { LatchDeps } from '../../core/ports.js';
import { releaseGrant } from '../../core/use-cases/release-grant.js';
import { answerFor } from './reply.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** `Release now` on a grant notice; only the grant's owner may use it. */
export function handleReleaseButton(deps: LatchDeps) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    await answerFor(deps.log, respond, async () => {
      const grant = await releaseGrant(deps, { grantId: action.value ?? '', requesterId: body.user.id });
      return `Grant \`${grant.id}\` is ${grant.status === 'revoked' ? 'released' : 'being released'}.`;
    });
  };
}
