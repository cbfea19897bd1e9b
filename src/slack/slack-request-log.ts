import { randomBytes } from 'node:crypto';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { withLogFields } from '../log.js';

/**
 * Bolt global middleware: every log line written while one Slack request is handled (by Bolt, the
 * listener, and the use cases it calls, after the ack too) carries `slackRequestId`. That is Slack's
 * `event_id` for events, so Slack's retries of one event share it, else a fresh random id.
 */
export const slackRequestLog: Middleware<AnyMiddlewareArgs> = async ({ body, context, next }) => {
  const slackRequestId = eventIdOf(body) ?? randomBytes(6).toString('hex');
  context.slackRequestId = slackRequestId;
  await withLogFields({ slackRequestId }, next);
};

function eventIdOf(body: unknown): string | undefined {
  const id = (body as { event_id?: unknown } | undefined)?.event_id;
  return typeof id === 'string' && /^[A-Za-z0-9]{1,40}$/.test(id) ? id : undefined;
}
