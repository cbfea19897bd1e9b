import type { IncomingMessage } from 'node:http';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { acknowledge, attemptedIn, printable, type RefusedRequest } from './refused-request.js';

/**
 * Slack: "verify that the timestamp does not differ from local time by more than five minutes"
 * (docs.slack.dev, Verifying requests from Slack). Bolt 5.1's verifySlackRequest rejects only
 * timestamps more than five minutes old; this middleware rejects those as far ahead.
 */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/** HTTPReceiver's `customPropertiesExtractor`: hands the signed timestamp header to the middleware. */
export function signedTimestampOf(request: IncomingMessage): { slackRequestTimestamp?: string } {
  const header = request.headers['x-slack-request-timestamp'];
  return typeof header === 'string' ? { slackRequestTimestamp: header } : {};
}

/** Pure: whether a (verified) request timestamp, in seconds, lies too far ahead of `nowMs`. */
export function isSignedAhead(timestamp: string | undefined, nowMs: number): boolean {
  if (timestamp === undefined) return false;
  return Number(timestamp) > Math.floor(nowMs / 1000) + MAX_CLOCK_SKEW_SECONDS;
}

/**
 * Bolt global middleware for HTTP mode: a request signed with a timestamp from the future is
 * acknowledged, audited through `refuse` and dropped. Socket Mode requests carry no timestamp.
 */
export function signedRecently(options: {
  nowMs(): number;
  refuse(request: RefusedRequest & { timestamp: string }): Promise<void>;
  onError(error: unknown): void;
}): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { context, next, body } = args;
    const timestamp = context.slackRequestTimestamp as string | undefined;
    if (!isSignedAhead(timestamp, options.nowMs())) return next();
    await options
      .refuse({
        ...(context.userId ? { userId: printable(context.userId) } : {}),
        attempted: printable(attemptedIn(body)),
        timestamp: printable(String(timestamp)),
      })
      .catch(options.onError);
    await acknowledge(args, 'This request is dated in the future, so Latch ignored it; nothing was done.');
  };
}
