import { expect } from 'vitest';
import type { AuditEvent } from '../../src/core/model.js';
import type { StoredMessage } from './fake-slack-server.js';
import { type HttpResult, signSlackRequest } from './sign-slack-request.js';
import { type LatchWorld, SIGNING_SECRET } from './start-latch.js';

/** Everything visible in a message: its fallback text and its blocks. */
export function visible(message: StoredMessage | undefined): string {
  return message ? `${message.text ?? ''} ${JSON.stringify(message.blocks ?? [])}` : '';
}

export function buttonTexts(message: StoredMessage | undefined): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const object = node as Record<string, unknown>;
      if (object.type === 'button') found.push((object.text as { text: string }).text);
      Object.values(object).forEach(walk);
    }
  };
  walk(message?.blocks);
  return found;
}

/** Types `/access <text>` as `userId` and returns the ephemeral answer Latch gave, from the ack or the response_url. */
export async function typeCommand(world: LatchWorld, userId: string, text: string): Promise<string> {
  const sent = await world.user.command({ userId, text });
  expect(sent.status).toBe(200);
  if (sent.body && typeof sent.body === 'object' && sent.body.text) return String(sent.body.text);
  return answerAt(world, sent.responseUrl);
}

/** The text Latch posted to one interaction's response_url. */
export async function answerAt(world: LatchWorld, responseUrl: string): Promise<string> {
  const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
  await eventually(() => world.slack.responses.some((r) => r.id === id), Boolean);
  return String(world.slack.responses.find((r) => r.id === id)?.body.text);
}

/** Files a request and returns its id as Latch showed it. */
export async function fileRequest(world: LatchWorld, userId: string, text: string): Promise<string> {
  const answer = await typeCommand(world, userId, text);
  const id = /`(R[0-9A-Z]{6})`/.exec(answer)?.[1];
  if (!id) throw new Error(`no request id in the answer: ${answer}`);
  return id;
}

/** Waits for the DM card about `requestId` that `approverId` received. */
export async function approvalCard(
  world: LatchWorld,
  approverId: string,
  requestId: string,
): Promise<StoredMessage> {
  await world.slack.waitForCall(
    'chat.postMessage',
    (args) => args.channel === approverId && JSON.stringify(args.blocks ?? []).includes(requestId),
  );
  const card = world.slack
    .dmsTo(approverId)
    .find((m) => visible(m).includes(requestId) && buttonTexts(m).includes('Approve'));
  if (!card) throw new Error(`no card for ${requestId} in ${approverId}'s DMs`);
  return card;
}

export async function click(
  world: LatchWorld,
  userId: string,
  actionId: string,
  requestId: string,
  card: StoredMessage,
) {
  const result = await world.user.clickButton({
    userId,
    actionId,
    value: requestId,
    channelId: card.channel,
    messageTs: card.ts,
  });
  expect(result.status).toBe(200);
  return result;
}

/** Waits until `predicate` holds, polling; for effects that follow an ack. */
export async function eventually<T>(
  read: () => T | Promise<T>,
  predicate: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (predicate(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export async function dmContaining(world: LatchWorld, userId: string, words: string): Promise<StoredMessage> {
  const messages = await eventually(
    () => world.slack.dmsTo(userId),
    (all) => all.some((m) => visible(m).includes(words)),
  );
  return messages.find((m) => visible(m).includes(words)) as StoredMessage;
}

/**
 * Types a request that needs no approval and waits for the DM saying its access is active: the
 * answer to the command comes before AWS has been called, so the grant is not active yet.
 */
export async function requestActive(world: LatchWorld, userId: string, text: string): Promise<StoredMessage> {
  const before = world.slack.dmsTo(userId).length;
  expect(await typeCommand(world, userId, text)).toContain('approved automatically');
  const fresh = await eventually(
    () => world.slack.dmsTo(userId).slice(before),
    (dms) => dms.some((m) => visible(m).includes('is active until')),
  );
  return fresh.find((m) => visible(m).includes('is active until')) as StoredMessage;
}

export async function auditActions(
  world: LatchWorld,
  filter: { requestId?: string; grantId?: string },
): Promise<string[]> {
  return (await world.latch.deps.store.listAudit(filter)).map((event: AuditEvent) => event.action);
}

/** Posts an interaction payload (block_actions, block_suggestion …) to the bot, signed as Slack signs it. */
export async function sendInteraction(
  world: LatchWorld,
  payload: Record<string, unknown>,
): Promise<HttpResult> {
  const body = `payload=${encodeURIComponent(JSON.stringify({ api_app_id: 'A0FAKE', token: 'fakeVerificationToken', ...payload }))}`;
  return world.user.raw(body, {
    'content-type': 'application/x-www-form-urlencoded',
    ...signSlackRequest(SIGNING_SECRET, body),
  });
}

export type HomeView = { id: string; blocks: unknown[]; private_metadata?: string };

/** Long enough for a Home draw to follow one that ended, on a loaded CI machine. */
const HOME_QUIET_MS = 150;

/**
 * Opens someone's Home and returns it as drawn for this opening. Only their own publishes count:
 * others' Homes are redrawn in the background too. A redraw of theirs already under way when they
 * open it may land first with what it read before; the opening's own draw follows it, so this
 * waits until their Home has stopped changing.
 */
export async function openHome(world: LatchWorld, userId: string): Promise<HomeView> {
  const publishes = () =>
    world.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId).length;
  const before = publishes();
  const sent = await world.user.event({
    type: 'app_home_opened',
    user: userId,
    channel: `D${userId}`,
    tab: 'home',
    event_ts: '1.0',
  });
  expect(sent.status).toBe(200);
  let seen = await eventually(publishes, (n) => n > before);
  let quietSince = Date.now();
  while (Date.now() - quietSince < HOME_QUIET_MS) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    if (publishes() !== seen) {
      seen = publishes();
      quietSince = Date.now();
    }
  }
  return world.slack.homeView(userId) as HomeView;
}

/** Everything a Home view shows, as one string to search. */
export const shows = (view: HomeView | undefined) => JSON.stringify(view?.blocks ?? []);
