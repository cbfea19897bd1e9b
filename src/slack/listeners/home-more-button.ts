import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { LatchDeps } from '../../core/ports.js';
import { expandedSections, publishHome } from '../publish-home.js';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** "Show more" on App Home: redraws it with that section expanded. */
export function handleHomeMoreButton(deps: LatchDeps) {
  return async ({ ack, action, body, client }: Args): Promise<void> => {
    await ack();
    const expanded = [...expandedSections(body.view?.private_metadata), action.value ?? ''];
    try {
      await publishHome(deps, client, body.user.id, expanded);
    } catch (error) {
      deps.log.error({ err: error }, 'could not expand App Home');
    }
  };
}
