import type { AnyMiddlewareArgs } from '@slack/bolt';

/** A signed request Latch refuses before any listener runs; fields as the payload said, made printable. */
export interface RefusedRequest {
  userId?: string;
  attempted: string;
}

/** Slack waits for an ack of everything but events (Bolt acks those itself); a command gets the words. */
export async function acknowledge(args: AnyMiddlewareArgs, text: string): Promise<void> {
  if (!('ack' in args) || typeof args.ack !== 'function') return;
  const ack = args.ack as (response?: unknown) => Promise<void>;
  await ack('command' in args ? { response_type: 'ephemeral', text } : undefined);
}

/** What the request tried, from the payload: the command, action, view or event. */
export function attemptedIn(body: unknown): string {
  const b = body as {
    command?: string;
    type?: string;
    actions?: Array<{ action_id?: string }>;
    action_id?: string;
    view?: { callback_id?: string };
    event?: { type?: string };
  };
  if (b.command) return b.command;
  if (b.type === 'block_actions') return `block_actions ${b.actions?.[0]?.action_id ?? ''}`;
  if (b.type === 'block_suggestion') return `block_suggestion ${b.action_id ?? ''}`;
  if (b.type === 'view_submission' || b.type === 'view_closed')
    return `${b.type} ${b.view?.callback_id ?? ''}`;
  if (b.event?.type) return `event ${b.event.type}`;
  return b.type ?? 'unknown';
}

/** Payload text bound for the audit log: printable ASCII only, and short. */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
