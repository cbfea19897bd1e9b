import type {
  AllMiddlewareArgs,
  BlockAction,
  BlockButtonAction,
  BlockElementAction,
  SlackActionMiddlewareArgs,
  StaticSelectAction,
} from '@slack/bolt';
import type { LatchDeps } from '../../core/ports.js';
import { redrawHome } from '../publish-home.js';
import { answerFor, replyEphemeral } from './reply.js';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;
type ElementArgs = SlackActionMiddlewareArgs<BlockAction<BlockElementAction>> & AllMiddlewareArgs;
/** A choice in a static select (a card's "Approve for…", App Home's tier selector). */
export type SelectArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;

/**
 * The shape of every button: ack, run the use case, answer the clicker (ephemeral in a message,
 * a DM from App Home, which has no response_url), then redraw their Home if they clicked there.
 */
export async function handleButton(
  deps: LatchDeps,
  args: ButtonArgs | ElementArgs,
  work: () => Promise<string | undefined>,
): Promise<void> {
  const { ack, body, respond, client } = args;
  await ack();
  const reply = body.response_url
    ? replyEphemeral(respond)
    : async (text: string) => {
        await client.chat.postMessage({ channel: body.user.id, text });
      };
  await answerFor(deps.log, reply, work);
  if (body.view?.type === 'home') {
    await redrawHome(deps, client, body.user.id).catch((err) =>
      deps.log.warn({ err }, 'could not redraw App Home'),
    );
  }
}
