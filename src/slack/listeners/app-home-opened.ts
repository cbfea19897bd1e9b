import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { LatchDeps } from '../../core/ports.js';
import { redrawHome } from '../publish-home.js';

type Args = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** Draws the Home tab each time someone opens it (the Messages tab opens too; it is ignored). */
export function handleAppHomeOpened(deps: LatchDeps) {
  return async ({ event, client }: Args): Promise<void> => {
    if (event.tab !== 'home') return;
    try {
      await redrawHome(deps, client, event.user);
    } catch (error) {
      deps.log.error({ err: error, user: event.user }, 'could not publish App Home');
    }
  };
}
