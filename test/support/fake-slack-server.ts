import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs, readBody, send } from './fake-slack-http.js';
import { METHODS } from './fake-slack-methods.js';
import { applyResponse, type ResponseContext } from './fake-slack-responses.js';
import { attachFakeSlackSocket, type FakeSlackSocket } from './fake-slack-socket.js';
import {
  BOT_USER_ID,
  channelKey,
  dmChannelOf,
  FakeSlackState,
  type MessageRecord,
  type SlackUserFixture,
  type StoredMessage,
} from './fake-slack-state.js';

export type { ResponseContext } from './fake-slack-responses.js';
export type { FakeSlackSocket } from './fake-slack-socket.js';
export type { SlackUserFixture, StoredMessage } from './fake-slack-state.js';

/** Parsed Slack JSON, typed like JSON.parse's result so tests can assert on nested fields directly. */
// biome-ignore lint/suspicious/noExplicitAny: mirrors JSON.parse; the brief's API types bodies and args as any.
export type SlackJson = any;

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** What the fake answered: HTTP status and JSON body (`response.ok`, `response.error`). */
  status: number;
  response: Record<string, SlackJson>;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export interface SlackFault {
  error?: string;
  /** An HTTP status: 429 (with `retryAfterSeconds`) or a 5xx, answered `{ ok: false, error }`. */
  status?: number;
  retryAfterSeconds?: number;
  /**
   * Holds the call this long before Slack looks at it: a caller that gives up first (its timeout)
   * gets no answer and nothing is done; one that waits gets the method's normal answer.
   */
  hangMs?: number;
  times?: number;
  /** Only calls whose arguments match fail (say, `(args) => args.channel === 'U0BOB'`); others pass. */
  match?: (args: Record<string, SlackJson>) => boolean;
}

export interface FakeSlackServer {
  readonly url: string;
  readonly apiUrl: string;
  readonly teamId: string;
  readonly botToken: string;
  /** The app-level token (xapp-…) `apps.connections.open` takes. */
  readonly appToken: string;
  /** Socket Mode: the connections apps opened and the envelopes sent to them. */
  readonly socket: FakeSlackSocket;
  addUser(u: SlackUserFixture): void;
  getUser(id: string): SlackUserFixture | undefined;
  addChannel(id: string, opts?: { isMember?: boolean; isArchived?: boolean }): void;
  readonly calls: ReadonlyArray<RecordedCall>;
  callsTo(method: string): RecordedCall[];
  /** Messages currently in a channel (after updates), in post order. User ids resolve to their DM channel. */
  messagesIn(channel: string): StoredMessage[];
  dmsTo(userId: string): StoredMessage[];
  ephemeralsTo(userId: string): StoredMessage[];
  homeView(userId: string): unknown | undefined;
  /** Views opened, pushed, updated or published, in creation order, as Slack last returned them. */
  readonly views: ReadonlyArray<Record<string, SlackJson>>;
  /** Stores a message authored by someone other than the bot (chat.update on it is cant_update_message). */
  seedMessage(channel: string, author: string, content: { text?: string; blocks?: unknown[] }): StoredMessage;
  readonly responses: ReadonlyArray<{ id: string; body: SlackJson; at: number }>;
  /** http://127.0.0.1:PORT/response/<id>; with a context, posts to it act on the fake's messages like Slack. */
  newResponseUrl(context?: ResponseContext): string;
  /** A trigger id views.open / views.push accept once within 3 s. */
  newTriggerId(): string;
  /** Resolves with the first recorded call to `method` satisfying `predicate`; rejects listing calls seen. */
  waitForCall(
    method: string,
    predicate?: (args: Record<string, SlackJson>) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCall & { args: Record<string, SlackJson> }>;
  waitForResponse(predicate?: (body: SlackJson) => boolean, timeoutMs?: number): Promise<SlackJson>;
  /** Fail the next `times` (default 1) calls of a method with a Slack error code, an HTTP status or a hang. */
  failNext(method: string, fault: SlackFault): void;
  /** Drops the faults still queued (Slack is back); keeps calls and messages. */
  clearFaults(): void;
  /** Clears calls, messages, views, responses and faults; keeps users and channels. */
  reset(): void;
  close(): Promise<void>;
}

const publicMessage = ({ author: _author, ...m }: MessageRecord): StoredMessage => ({ ...m });

/** Waits `ms`; resolves true early if the caller closes the connection (gave up) meanwhile. */
function heldFor(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(false);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    res.once('close', onClose);
  });
}

function describeCalls(calls: ReadonlyArray<RecordedCall>): string {
  if (!calls.length) return 'no calls';
  return calls.map((c) => `${c.method} ${JSON.stringify(c.args).slice(0, 300)}`).join('\n  ');
}

export async function startFakeSlackServer(
  options: { port?: number; botToken?: string; appToken?: string; teamId?: string } = {},
): Promise<FakeSlackServer> {
  const botToken = options.botToken ?? 'xoxb-fake-token';
  const appToken = options.appToken ?? 'xapp-fake';
  const teamId = options.teamId ?? 'T000FAKE';
  const calls: RecordedCall[] = [];
  const responses: { id: string; body: SlackJson; at: number }[] = [];
  const responseUrls = new Map<string, ResponseContext>();
  const faults = new Map<string, SlackFault[]>();
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };
  let state: FakeSlackState | undefined;
  const st = (): FakeSlackState => {
    if (!state) throw new Error('fake Slack server is not listening');
    return state;
  };

  function peekFault(method: string, args: Record<string, SlackJson>): SlackFault | undefined {
    return faults.get(method)?.find((f) => !f.match || f.match(args));
  }

  function takeFault(method: string, args: Record<string, SlackJson>): SlackFault | undefined {
    const queue = faults.get(method);
    const fault = peekFault(method, args);
    if (queue && fault) queue.splice(queue.indexOf(fault), 1);
    return fault;
  }

  function answerApi(method: string, req: IncomingMessage, parsed: ReturnType<typeof parseArgs>): Answer {
    if (!parsed) return { status: 200, body: { ok: false, error: 'invalid_json' } };
    const handler = method === 'apps.connections.open' ? () => hub.openConnection() : METHODS[method];
    if (!handler) return { status: 200, body: { ok: false, error: 'unknown_method', req_method: method } };
    const fault = takeFault(method, parsed.args);
    if (fault?.status === 429) {
      const headers = { 'retry-after': String(fault.retryAfterSeconds ?? 1) };
      return { status: 429, body: { ok: false, error: 'ratelimited' }, headers };
    }
    if (fault)
      return { status: fault.status ?? 200, body: { ok: false, error: fault.error ?? 'internal_error' } };
    const header = req.headers.authorization;
    // Slack only reads a token from the body for form posts; JSON bodies must use the Authorization header.
    const token = header?.startsWith('Bearer ')
      ? header.slice(7)
      : parsed.isJson
        ? undefined
        : parsed.args.token;
    if (!token) return { status: 200, body: { ok: false, error: 'not_authed' } };
    // apps.connections.open takes only the app-level token, every other method only the bot token.
    if (token !== (method === 'apps.connections.open' ? appToken : botToken)) {
      const error = token === appToken || token === botToken ? 'not_allowed_token_type' : 'invalid_auth';
      return { status: 200, body: { ok: false, error } };
    }
    const { token: _token, ...args } = parsed.args;
    return { status: 200, body: handler(st(), args) };
  }

  async function handleApi(
    method: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const parsed = parseArgs(req, url, await readBody(req));
    const hang = parsed && peekFault(method, parsed.args)?.hangMs;
    if (hang !== undefined && parsed) {
      takeFault(method, parsed.args);
      const gaveUp = await heldFor(hang, res);
      if (gaveUp) {
        const { token: _token, ...args } = parsed?.args ?? {};
        calls.push({ method, args, at: Date.now(), status: 0, response: { ok: false, error: 'timed_out' } });
        notify();
        return;
      }
    }
    const answer = answerApi(method, req, parsed);
    const { token: _token, ...args } = parsed?.args ?? {};
    calls.push({ method, args, at: Date.now(), status: answer.status, response: answer.body });
    notify();
    send(res, answer.status, answer.body, answer.headers);
  }

  async function handleResponse(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const context = responseUrls.get(id);
    if (!context || req.method !== 'POST') return send(res, 404, 'no_service');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, 'invalid_payload');
    }
    responses.push({ id, body, at: Date.now() });
    notify();
    const error = applyResponse(st(), context, body);
    return error ? send(res, 400, error) : send(res, 200, { ok: true });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handled = url.pathname.startsWith('/api/')
      ? handleApi(url.pathname.slice('/api/'.length), url, req, res)
      : url.pathname.startsWith('/response/')
        ? handleResponse(url.pathname.slice('/response/'.length), req, res)
        : Promise.resolve(send(res, 404, 'not_found'));
    handled.catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, String(err));
    });
  });
  // Slack's API keeps idle connections open far longer than Node's 5 s default. With 5 s, a bot
  // whose event loop is busy (PGlite starting) can reuse a socket the server is just closing: ECONNRESET.
  server.keepAliveTimeout = 60_000;
  const hub = attachFakeSlackSocket(server, () => api);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  state = new FakeSlackState(teamId, baseUrl);
  const s = state;
  s.users.set(BOT_USER_ID, { id: BOT_USER_ID, name: 'latch', realName: 'Latch' });

  function waitUntil<T>(find: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        let hit: T | undefined;
        try {
          hit = find();
        } catch {
          hit = undefined;
        }
        if (hit === undefined) return false;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(describe()));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  const api: FakeSlackServer = {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    teamId,
    botToken,
    appToken,
    socket: hub.socket,
    addUser: (u) => void s.users.set(u.id, u),
    getUser: (id) => s.users.get(id),
    addChannel: (id, opts = {}) =>
      void s.channels.set(id, { isMember: opts.isMember ?? true, isArchived: opts.isArchived ?? false }),
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messagesIn: (channel) => (s.messages.get(channelKey(channel)) ?? []).map(publicMessage),
    dmsTo: (userId) => (s.messages.get(dmChannelOf(userId)) ?? []).map(publicMessage),
    ephemeralsTo: (userId) => s.ephemerals.filter((m) => m.user === userId).map(publicMessage),
    homeView: (userId) => {
      const id = s.homeViewIds.get(userId);
      return id === undefined ? undefined : s.views.get(id);
    },
    get views() {
      return [...s.views.values()];
    },
    seedMessage: (channel, author, content) => publicMessage(s.store(channelKey(channel), author, content)),
    responses,
    newResponseUrl: (context = {}) => {
      const id = randomBytes(12).toString('hex');
      responseUrls.set(id, context);
      return `${baseUrl}/response/${id}`;
    },
    newTriggerId: () => s.newTriggerId(),
    waitForCall: (method, predicate = () => true, timeoutMs = 5000) =>
      waitUntil(
        () => calls.find((c) => c.method === method && predicate(c.args)),
        timeoutMs,
        () =>
          `waitForCall('${method}') timed out after ${timeoutMs} ms; calls seen:\n  ${describeCalls(calls)}`,
      ),
    waitForResponse: (predicate = () => true, timeoutMs = 5000) =>
      waitUntil(
        () => responses.find((r) => predicate(r.body)),
        timeoutMs,
        () =>
          `waitForResponse timed out after ${timeoutMs} ms; responses seen:\n  ${
            responses.map((r) => JSON.stringify(r.body).slice(0, 300)).join('\n  ') || 'none'
          }`,
      ).then((r) => r.body),
    failNext: (method, fault) => {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < (fault.times ?? 1); i++) queue.push(fault);
      faults.set(method, queue);
    },
    clearFaults: () => faults.clear(),
    reset: () => {
      calls.length = 0;
      responses.length = 0;
      faults.clear();
      s.resetActivity();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        hub.close();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
  return api;
}
