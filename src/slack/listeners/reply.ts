import type { RespondFn } from '@slack/bolt';
import { LatchError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import { errorMessage } from '../error-messages.js';

/** How an answer reaches the person: an ephemeral reply, or a DM where there is no response_url (App Home). */
export type Reply = (text: string) => Promise<void>;

export function replyEphemeral(respond: RespondFn): Reply {
  return async (text) => {
    await respond({ response_type: 'ephemeral', replace_original: false, text });
  };
}

/**
 * Runs a use case for the person in front of Slack: known refusals become their message,
 * anything else is logged and answered without internals.
 */
export async function answerFor(
  log: Logger,
  reply: Reply,
  work: () => Promise<string | undefined>,
): Promise<void> {
  let text: string | undefined;
  try {
    text = await work();
  } catch (error) {
    if (error instanceof LatchError) text = errorMessage(error);
    else {
      log.error({ err: error }, 'listener failed');
      text = 'Something went wrong on Latch’s side; nothing was changed. The error is logged for the admins.';
    }
  }
  if (text) await reply(text);
}
