import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeSlackServer, SlackJson } from './fake-slack-server.js';
import { APP_ID, dmChannelOf } from './fake-slack-state.js';

// Slack: an envelope the app does not acknowledge within 3 seconds counts as failed.
const ACK_TIMEOUT_MS = 3000;
const VERIFICATION_TOKEN = 'fakeVerificationToken';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketDelivery {
  envelopeId: string;
  /** The payload of the app's ack: `{}` for a bare `ack()`, `{ text, … }` when it answers in the ack. */
  ackPayload: SlackJson;
}

type Sent = SocketDelivery & { responseUrl: string; triggerId: string };

/** Slack's side of Socket Mode (api.slack.com/apis/connections/socket) for the fake Slack server. */
export interface FakeSlackSocket {
  /** Socket Mode connections open now. */
  readonly connections: number;
  /** Resolves once an app holds an open connection (Slack has sent it `hello`). */
  waitForConnection(timeoutMs?: number): Promise<void>;
  /** Sends one envelope to the newest connection; resolves with the app's ack, rejects after 3 s without one. */
  deliver(type: EnvelopeType, payload: SlackJson): Promise<SocketDelivery>;
  /** A slash command as Slack delivers it over the socket, with a fresh trigger_id and response_url. */
  sendSlashCommand(input: {
    userId: string;
    text: string;
    command?: string;
    channelId?: string;
  }): Promise<Sent>;
  /** A button click in a message; without `messageTs`, the newest message in the channel with that button. */
  sendBlockAction(input: {
    userId: string;
    actionId: string;
    value: string;
    channelId?: string;
    messageTs?: string;
  }): Promise<Sent>;
}

export interface FakeSlackSocketHub {
  readonly socket: FakeSlackSocket;
  /** The `apps.connections.open` answer: a one-time WebSocket URL on the fake's own port. */
  openConnection(): { ok: true; url: string };
  close(): void;
}

function findAction(blocks: unknown, actionId: string): { blockId: string; text: string } | undefined {
  for (const block of Array.isArray(blocks) ? (blocks as SlackJson[]) : []) {
    const elements: SlackJson[] = [...(block?.elements ?? []), block?.accessory].filter(Boolean);
    const hit = elements.find((e) => e.action_id === actionId);
    if (hit) return { blockId: block.block_id ?? 'block', text: hit.text?.text ?? actionId };
  }
  return undefined;
}

export function attachFakeSlackSocket(server: Server, fake: () => FakeSlackServer): FakeSlackSocketHub {
  const wss = new WebSocketServer({ noServer: true });
  const tickets = new Set<string>();
  const open = new Set<WebSocket>();
  const pending = new Map<
    string,
    { settle: (ack: SlackJson) => void; fail: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  const waiters = new Set<() => void>();

  server.on('upgrade', (req: IncomingMessage, raw: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Like Slack's, a ticket from apps.connections.open opens one connection only.
    if (url.pathname !== '/socket' || !tickets.delete(url.searchParams.get('ticket') ?? '')) {
      raw.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, raw, head, (ws) => {
      open.add(ws);
      ws.on('close', () => open.delete(ws));
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => {
        let message: SlackJson;
        try {
          message = JSON.parse(String(data));
        } catch {
          return;
        }
        const waiting = pending.get(message?.envelope_id);
        if (!waiting) return;
        pending.delete(message.envelope_id);
        clearTimeout(waiting.timer);
        waiting.settle(message.payload ?? {});
      });
      // The client's pings are answered with pongs by `ws` itself (autoPong).
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: open.size,
          debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
          connection_info: { app_id: APP_ID },
        }),
      );
      for (const wake of [...waiters]) wake();
    });
  });

  function deliver(type: EnvelopeType, payload: SlackJson): Promise<SocketDelivery> {
    const ws = [...open].at(-1);
    if (!ws) return Promise.reject(new Error(`no Socket Mode connection to deliver ${type} to`));
    const envelopeId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(envelopeId);
        reject(new Error(`the app did not ack the ${type} envelope within ${ACK_TIMEOUT_MS} ms`));
      }, ACK_TIMEOUT_MS);
      const settle = (ackPayload: SlackJson) => resolve({ envelopeId, ackPayload });
      pending.set(envelopeId, { settle, fail: reject, timer });
      const acceptsResponse =
        type === 'slash_commands' || ['view_submission', 'block_suggestion'].includes(payload?.type);
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          accepts_response_payload: acceptsResponse,
          ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
          payload,
        }),
      );
    });
  }

  const socket: FakeSlackSocket = {
    get connections() {
      return open.size;
    },
    waitForConnection: (timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const wake = () => {
          if (!open.size) return;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no Socket Mode connection within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(wake);
        wake();
      }),
    deliver,
    async sendSlashCommand({ userId, text, command = '/access', channelId }) {
      const slack = fake();
      const channel = channelId ?? dmChannelOf(userId);
      const responseUrl = slack.newResponseUrl({ channel, userId });
      const triggerId = slack.newTriggerId();
      const delivered = await deliver('slash_commands', {
        token: VERIFICATION_TOKEN,
        team_id: slack.teamId,
        team_domain: 'test',
        channel_id: channel,
        channel_name: channel.startsWith('D') ? 'directmessage' : channel.toLowerCase(),
        user_id: userId,
        user_name: slack.getUser(userId)?.name ?? userId.toLowerCase(),
        command,
        text,
        api_app_id: APP_ID,
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: triggerId,
      });
      return { ...delivered, responseUrl, triggerId };
    },
    async sendBlockAction({ userId, actionId, value, channelId, messageTs }) {
      const slack = fake();
      const channel = channelId ?? dmChannelOf(userId);
      const message = slack
        .messagesIn(channel)
        .filter((m) => (messageTs ? m.ts === messageTs : findAction(m.blocks, actionId)))
        .at(-1);
      const button = findAction(message?.blocks, actionId);
      if (!message || !button) throw new Error(`no message in ${channel} with a ${actionId} button`);
      const name = slack.getUser(userId)?.name ?? userId.toLowerCase();
      const responseUrl = slack.newResponseUrl({ channel, userId, messageTs: message.ts });
      const triggerId = slack.newTriggerId();
      const delivered = await deliver('interactive', {
        type: 'block_actions',
        user: { id: userId, username: name, name, team_id: slack.teamId },
        api_app_id: APP_ID,
        token: VERIFICATION_TOKEN,
        container: { type: 'message', message_ts: message.ts, channel_id: channel, is_ephemeral: false },
        trigger_id: triggerId,
        team: { id: slack.teamId, domain: 'test' },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: channel, name: channel.startsWith('D') ? 'directmessage' : channel.toLowerCase() },
        message: { type: 'message', ts: message.ts, text: message.text ?? '', blocks: message.blocks ?? [] },
        state: { values: {} },
        response_url: responseUrl,
        actions: [
          {
            type: 'button',
            action_id: actionId,
            block_id: button.blockId,
            text: { type: 'plain_text', text: button.text, emoji: true },
            value,
            action_ts: (Date.now() / 1000).toFixed(6),
          },
        ],
      });
      return { ...delivered, responseUrl, triggerId };
    },
  };

  return {
    socket,
    openConnection() {
      const ticket = randomBytes(16).toString('hex');
      tickets.add(ticket);
      const { port } = server.address() as AddressInfo;
      return { ok: true, url: `ws://127.0.0.1:${port}/socket?ticket=${ticket}` };
    },
    close() {
      for (const { fail, timer } of pending.values()) {
        clearTimeout(timer);
        fail(new Error('fake Slack closed before the app acked'));
      }
      pending.clear();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
