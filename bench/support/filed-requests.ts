import { WebClient } from '@slack/web-api';
import pLimit from 'p-limit';
import { ADMIN, AUDIT_CHANNEL, type BenchWorld } from './bench-world.js';
import type { SeedRequest } from './seed-rows.js';

/**
 * `requests` as filing leaves them in Slack: each with its first post in the audit channel (the
 * thread its later audit lines reply to) and the approval card DMed to the admin, its approver, so
 * an approval updates the card and replies in the thread as it would in production.
 */
export async function withFilingMessages<R extends SeedRequest>(
  world: BenchWorld,
  requests: readonly R[],
): Promise<R[]> {
  const slack = new WebClient(world.slack.botToken, {
    slackApiUrl: world.slack.apiUrl,
    retryConfig: { retries: 0 },
  });
  const posts = pLimit(16);
  return Promise.all(
    requests.map((r) =>
      posts(async (): Promise<R> => {
        const thread = await slack.chat.postMessage({
          channel: AUDIT_CHANNEL,
          text: `<@${r.requesterId}> requested ${r.resourceId} for 1h (${r.id})`,
        });
        const card = await slack.chat.postMessage({ channel: ADMIN.id, text: `Approval needed: ${r.id}` });
        if (!thread.ts || !card.channel || !card.ts)
          throw new Error(`the local Slack did not post for ${r.id}`);
        return {
          ...r,
          auditThreadTs: thread.ts,
          cards: [{ recipientId: ADMIN.id, channel: card.channel, ts: card.ts }],
        };
      }),
    ),
  );
}
