import type { AllMiddlewareArgs, BlockSuggestion, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import { searchCatalog } from '../../core/catalog.js';
import type { LatchDeps } from '../../core/ports.js';
import { resourceOption } from '../blocks/request-modal.js';

type Args = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;

const MAX_OPTIONS = 100; // external_select limit (docs.slack.dev option objects)

/** The resource picker's search as the person types; only what can be requested and provisioned is offered. */
export function handleResourceOptions(deps: LatchDeps) {
  return async ({ ack, payload }: Args): Promise<void> => {
    const matches = searchCatalog(deps.policy, (payload as BlockSuggestion).value ?? '').filter((resource) =>
      deps.provisioner.supports(resource),
    );
    await ack({ options: matches.slice(0, MAX_OPTIONS).map(resourceOption) });
  };
}
