import type { AllMiddlewareArgs, BlockSuggestion, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { LatchDeps } from '../../core/ports.js';
import { resourceOptions } from '../ack-answers.js';

type Args = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;

/** The resource picker's search as the person types; only what can be requested and provisioned is offered. */
export function handleResourceOptions(deps: LatchDeps) {
  return async ({ ack, payload }: Args): Promise<void> => {
    await ack(
      resourceOptions(deps.policy, (payload as BlockSuggestion).value ?? '', (resource) =>
        deps.provisioner.supports(resource),
      ),
    );
  };
}
