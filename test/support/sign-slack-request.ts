import { createHmac, randomBytes } from 'node:crypto';
import type { FakeSlackServer, SlackJson } from './fake-slack-server.js';
import { APP_ID, BOT_USER_ID, dmChannelOf } from './fake-slack-state.js';

/** Signs like Slack: v0=HMAC_SHA256(secret, `v0:${ts}:${body}`) hex; ts in seconds. */
export function signSlackRequest(
  secret: string,
  body: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): { 'x-slack-request-timestamp': string; 'x-slack-signature': string } {
  const ts = String(timestampSeconds);
  const hash = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${hash}` };
}

export interface HttpResult {
  status: number;
  body: SlackJson;
}

export interface SlackClientForBot {
  /** POSTs a slash command to `${botUrl}/slack/events` as form data, with a fresh trigger_id and response_url. */
  command(input: {
    userId: string;
    text: string;
    command?: string;
    channelId?: string;
  }): Promise<HttpResult & { responseUrl: string; triggerId: string }>;
  /**
   * POSTs a block_actions button click. Without `messageTs`, clicks the newest message in the channel
   * (default: the user's DM with the bot) that has a button with `actionId`; with `view`, clicks inside that view.
   */
  clickButton(input: {
    userId: string;
    actionId: string;
    value: string;
    blockId?: string;
    channelId?: string;
    messageTs?: string;
    view?: unknown;
  }): Promise<HttpResult & { responseUrl: string; triggerId: string }>;
  /** POSTs a view_submission. Without `viewId`, submits the newest view the fake holds with that callback_id. */
  submitView(input: {
    userId: string;
    callbackId: string;
    values: Record<string, Record<string, unknown>>;
    privateMetadata?: string;
    viewId?: string;
  }): Promise<HttpResult & { triggerId: string }>;
  /** POSTs an Events API event_callback as JSON. */
  event(event: Record<string, unknown>): Promise<HttpResult & { eventId: string }>;
  /** Sends a raw body with exactly these headers, for forged-signature tests. */
  raw(body: string, headers: Record<string, string>): Promise<HttpResult>;
}

// Slack sends the (deprecated) verification token in every payload; Bolt ignores it.
const VERIFICATION_TOKEN = 'fakeVerificationToken';
const FORM = 'application/x-www-form-urlencoded';

type Json = Record<string, SlackJson>;

/** Finds the block holding an element with `actionId` (section accessory or actions/input element). */
function findButton(blocks: unknown, actionId: string): { blockId?: string; text?: string } | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks as Json[]) {
    const elements: Json[] = [...(block?.elements ?? []), block?.accessory, block?.element].filter(Boolean);
    const hit = elements.find((e) => e.action_id === actionId);
    if (hit) return { blockId: block.block_id, text: hit.text?.text };
  }
  return undefined;
}

export function slackClientForBot(options: {
  botUrl: string;
  signingSecret: string;
  fake: FakeSlackServer;
  teamId?: string;
  /** Clock in milliseconds used for request timestamps and action_ts (default Date.now). */
  now?: () => number;
  /** Sends each request (default: fetch). */
  send?: (
    endpoint: string,
    init: { method: 'POST'; headers: Record<string, string>; body: string },
  ) => Promise<Response>;
}): SlackClientForBot {
  const { fake, signingSecret } = options;
  const endpoint = `${options.botUrl.replace(/\/$/, '')}/slack/events`;
  const teamId = options.teamId ?? fake.teamId;
  const now = options.now ?? Date.now;
  const team = { id: teamId, domain: 'test' };
  const userOf = (id: string) => {
    const name = fake.getUser(id)?.name ?? id.toLowerCase();
    return { id, username: name, name, team_id: teamId };
  };

  async function raw(body: string, headers: Record<string, string>): Promise<HttpResult> {
    const res = await (options.send ?? fetch)(endpoint, { method: 'POST', headers, body });
    const text = await res.text();
    const isJson = (res.headers.get('content-type') ?? '').includes('json');
    return { status: res.status, body: isJson && text ? JSON.parse(text) : text };
  }

  function signed(body: string, contentType: string): Promise<HttpResult> {
    return raw(body, {
      'content-type': contentType,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signSlackRequest(signingSecret, body, Math.floor(now() / 1000)),
    });
  }

  const interaction = (payload: Json) =>
    signed(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM);
  const actionTs = () => (now() / 1000).toFixed(6);

  return {
    async command({ userId, text, command = '/access', channelId }) {
      const channel = channelId ?? dmChannelOf(userId);
      const responseUrl = fake.newResponseUrl({ channel, userId });
      const triggerId = fake.newTriggerId();
      const form = new URLSearchParams({
        token: VERIFICATION_TOKEN,
        team_id: teamId,
        team_domain: team.domain,
        channel_id: channel,
        channel_name: channel.startsWith('D') ? 'directmessage' : channel.toLowerCase(),
        user_id: userId,
        user_name: userOf(userId).name,
        command,
        text,
        api_app_id: APP_ID,
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: triggerId,
      });
      return { ...(await signed(form.toString(), FORM)), responseUrl, triggerId };
    },

    async clickButton({ userId, actionId, value, blockId, channelId, messageTs, view }) {
      const triggerId = fake.newTriggerId();
      const channel = channelId ?? dmChannelOf(userId);
      const base = {
        type: 'block_actions',
        user: userOf(userId),
        api_app_id: APP_ID,
        token: VERIFICATION_TOKEN,
        team,
      };
      const common = {
        trigger_id: triggerId,
        enterprise: null,
        is_enterprise_install: false,
        state: { values: {} },
      };
      const action = (found: { blockId?: string; text?: string } | undefined) => ({
        type: 'button',
        action_id: actionId,
        block_id: blockId ?? found?.blockId ?? 'block',
        text: { type: 'plain_text', text: found?.text ?? actionId, emoji: true },
        value,
        action_ts: actionTs(),
      });
      if (view !== undefined) {
        const v = view as Json;
        const found = findButton(v.blocks, actionId);
        const container = { type: 'view', view_id: v.id };
        const responseUrl = fake.newResponseUrl({ userId });
        const payload = { ...base, container, ...common, view: v, actions: [action(found)] };
        return { ...(await interaction(payload)), responseUrl, triggerId };
      }
      const messages = [
        ...fake.messagesIn(channel),
        ...fake.ephemeralsTo(userId).filter((m) => m.channel === channel),
      ];
      const message = messageTs
        ? messages.find((m) => m.ts === messageTs)
        : messages.filter((m) => findButton(m.blocks, actionId)).sort((a, b) => (a.ts < b.ts ? 1 : -1))[0];
      const ts = messageTs ?? message?.ts ?? actionTs();
      const isEphemeral = message?.user !== undefined;
      const responseUrl = fake.newResponseUrl({ channel, userId, messageTs: ts });
      const payload = {
        ...base,
        container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: isEphemeral },
        ...common,
        channel: { id: channel, name: channel.startsWith('D') ? 'directmessage' : channel.toLowerCase() },
        // Slack omits the message body for clicks in ephemeral messages.
        ...(isEphemeral
          ? {}
          : { message: { type: 'message', ts, text: message?.text ?? '', blocks: message?.blocks ?? [] } }),
        response_url: responseUrl,
        actions: [action(findButton(message?.blocks, actionId))],
      };
      return { ...(await interaction(payload)), responseUrl, triggerId };
    },

    async submitView({ userId, callbackId, values, privateMetadata, viewId }) {
      const triggerId = fake.newTriggerId();
      const known = viewId
        ? fake.views.find((v) => v.id === viewId)
        : fake.views.filter((v) => v.callback_id === callbackId && v.type === 'modal').at(-1);
      const view = {
        type: 'modal',
        blocks: [],
        hash: `${Math.floor(now() / 1000)}.fake`,
        ...known,
        id: viewId ?? known?.id ?? 'V0SUBMIT',
        team_id: teamId,
        callback_id: callbackId,
        private_metadata: privateMetadata ?? known?.private_metadata ?? '',
        state: { values },
      };
      const payload = {
        type: 'view_submission',
        team,
        user: userOf(userId),
        api_app_id: APP_ID,
        token: VERIFICATION_TOKEN,
        trigger_id: triggerId,
        view,
        response_urls: [],
        is_enterprise_install: false,
        enterprise: null,
      };
      return { ...(await interaction(payload)), triggerId };
    },

    async event(event) {
      const eventId = `Ev${randomBytes(5).toString('hex').toUpperCase()}`;
      const body = JSON.stringify({
        token: VERIFICATION_TOKEN,
        team_id: teamId,
        api_app_id: APP_ID,
        event: { event_ts: actionTs(), ...event },
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(now() / 1000),
        authorizations: [
          {
            enterprise_id: null,
            team_id: teamId,
            user_id: BOT_USER_ID,
            is_bot: true,
            is_enterprise_install: false,
          },
        ],
        is_ext_shared_channel: false,
      });
      return { ...(await signed(body, 'application/json')), eventId };
    },

    raw,
  };
}
