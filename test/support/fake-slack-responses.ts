import { checkMessage } from './fake-slack-rules.js';
import {
  BOT_USER_ID,
  channelKey,
  type FakeSlackState,
  type MessageRecord,
  pickContent,
} from './fake-slack-state.js';

/** What Slack knows about a response_url: where it was issued and, for interactions, the source message. */
export interface ResponseContext {
  channel?: string;
  userId?: string;
  messageTs?: string;
}

function original(state: FakeSlackState, channel: string, ts: string): MessageRecord[] | undefined {
  const inChannel = state.messages.get(channel);
  if (inChannel?.some((m) => m.ts === ts)) return inChannel;
  return state.ephemerals.some((m) => m.channel === channel && m.ts === ts) ? state.ephemerals : undefined;
}

/**
 * Applies a body POSTed to a response_url as Slack does: delete_original / replace_original act on the
 * message the interaction came from, response_type 'in_channel' posts visibly, anything else is an
 * ephemeral message to the user (Slack's default response_type). Returns the error text Slack answers
 * with HTTP 400, if any.
 */
export function applyResponse(
  state: FakeSlackState,
  context: ResponseContext,
  body: unknown,
): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'invalid_payload';
  const args = body as Record<string, unknown>;
  if (!context.channel) return undefined;
  const channel = channelKey(context.channel);
  const list = context.messageTs ? original(state, channel, context.messageTs) : undefined;
  const index = list?.findIndex((m) => m.ts === context.messageTs && m.channel === channel) ?? -1;
  if (args.delete_original === true) {
    if (list && index >= 0) list.splice(index, 1);
    return undefined;
  }
  const failure = checkMessage(args);
  if (failure) return failure.error;
  const target = list?.[index];
  if (args.replace_original === true && target) {
    const { text, blocks } = pickContent(args);
    target.text = text;
    target.blocks = blocks;
    target.updatedAt = Date.now();
  } else if (args.response_type === 'in_channel') {
    state.store(channel, BOT_USER_ID, args);
  } else if (context.userId) {
    state.ephemerals.push({
      channel,
      ts: state.nextTs(),
      user: context.userId,
      author: BOT_USER_ID,
      ...pickContent(args),
    });
  }
  return undefined;
}
