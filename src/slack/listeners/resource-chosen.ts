import type {
  AllMiddlewareArgs,
  BlockAction,
  ExternalSelectAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { findResource, tierOf } from '../../core/catalog.js';
import type { LatchDeps } from '../../core/ports.js';
import { requestModal } from '../blocks/request-modal.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ExternalSelectAction>> & AllMiddlewareArgs;

/** Choosing a resource redraws the form with its tier's durations; the hash guards against a stale redraw. */
export function handleResourceChosen(deps: LatchDeps) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const resource = findResource(deps.policy, action.selected_option?.value ?? '');
    const tier = resource && tierOf(deps.policy, resource);
    if (!resource || !tier || !body.view) return;
    try {
      await client.views.update({
        view_id: body.view.id,
        hash: body.view.hash,
        view: requestModal({ resource, tier }),
      });
    } catch (error) {
      deps.log.warn({ err: error }, 'could not redraw the request form');
    }
  };
}
