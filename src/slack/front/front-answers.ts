import { commandAnswer, resourceOptions } from '../ack-answers.js';
import { RESOURCE_INPUT } from '../action-ids.js';
import { isOwnWorkspace } from '../own-workspace.js';
import { parseAccessCommand } from '../parse-access-command.js';
import { isSignedAhead } from '../signed-recently.js';
import type { FrontView } from './front-messages.js';

/** Answer now (an empty ack when `response` is undefined), or let the main thread answer. */
export type FrontDecision = { kind: 'answer'; response?: unknown } | { kind: 'ask_main' };

export interface RequestContext {
  teamId?: string;
  enterpriseId?: string;
  slackRequestTimestamp?: unknown;
}

const ASK_MAIN: FrontDecision = { kind: 'ask_main' };

/**
 * Pure: what the front thread answers a verified request with, the same answer Latch's listeners
 * give in their ack. Whatever the main thread would refuse (another workspace, a timestamp from the
 * future, or a workspace not known yet), and every kind of request whose answer needs the
 * database (form submissions), is asked of the main thread, which refuses and audits as before.
 */
export function frontDecision(
  body: Record<string, unknown>,
  context: RequestContext,
  view: FrontView | undefined,
  nowMs: number,
): FrontDecision {
  if (!view?.workspace || !isOwnWorkspace(view.workspace, context)) return ASK_MAIN;
  const timestamp =
    typeof context.slackRequestTimestamp === 'string' ? context.slackRequestTimestamp : undefined;
  if (isSignedAhead(timestamp, nowMs)) return ASK_MAIN;
  if (body.type === 'block_actions') return { kind: 'answer' };
  if (body.type === 'block_suggestion') {
    if (body.action_id !== RESOURCE_INPUT) return ASK_MAIN;
    const typed = typeof body.value === 'string' ? body.value : '';
    return { kind: 'answer', response: resourceOptions(view.policy, typed, (r) => view.supported.has(r.id)) };
  }
  if (body.command === '/access') {
    const text = typeof body.text === 'string' ? body.text : '';
    return { kind: 'answer', response: commandAnswer(parseAccessCommand(text), view.policy) };
  }
  return ASK_MAIN;
}
