/**
 * The front thread: Latch's HTTP port in HTTP mode. A Bolt app of its own verifies every request
 * (Bolt's HTTPReceiver: signature, body limit, retries, URL verification) and answers it as Latch
 * would, at once, then hands the body to the main thread, which runs Latch's listeners with the
 * answer already sent. What it cannot answer alone it asks the main thread, and sends that answer.
 *
 * Why a thread: an ack answered on the main thread waits behind whatever Latch runs there after
 * earlier acks (database results, Slack and AWS calls, garbage collection). Here it waits only for
 * this thread, which does nothing else (docs/performance.md).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { App, type CodedError, ErrorCode, HTTPReceiver, type Logger, LogLevel } from '@slack/bolt';
import { boltLogText } from '../bolt-logger.js';
import { signedTimestampOf } from '../signed-recently.js';
import { type FrontDecision, frontDecision } from './front-answers.js';
import type { FromFront, FrontStart, FrontView, ToFront } from './front-messages.js';

const main = parentPort;
if (!main) throw new Error('front-thread.ts runs as a worker thread');
const { signingSecret, routes } = workerData as FrontStart;

const post = (message: FromFront) => main.postMessage(message);

/** Bolt's lines go to the main thread's logger, so they share its format and redaction. */
const logger: Logger = {
  debug: () => {},
  info: (...parts) => post({ type: 'log', level: 'info', message: boltLogText(parts) }),
  warn: (...parts) => post({ type: 'log', level: 'warn', message: boltLogText(parts) }),
  error: (...parts) => post({ type: 'log', level: 'error', message: boltLogText(parts) }),
  setLevel: () => {},
  getLevel: () => LogLevel.INFO,
  setName: () => {},
};

// Node prints a thread's warnings as text on stderr; the main thread logs them as JSON lines (log.ts).
process.removeAllListeners('warning');
process.on('warning', (warning: Error & { code?: string }) =>
  post({
    type: 'warning',
    warning: {
      name: warning.name,
      message: warning.message,
      ...(warning.code ? { code: warning.code } : {}),
    },
  }),
);

/** The main thread's listener failed before answering; it logged why. */
class MainThreadFailed extends Error {}

let view: FrontView | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve(response: unknown): void; reject(error: Error): void }>();
const routeWaiting = new Map<
  number,
  (answer: { status: number; contentType: string; body: string }) => void
>();

const receiver = new HTTPReceiver({
  signingSecret,
  logger,
  customPropertiesExtractor: signedTimestampOf,
  customRoutes: routes.map((path) => ({
    path,
    method: ['GET'],
    handler: (_req, res) => {
      const id = nextId++;
      routeWaiting.set(id, ({ status, contentType, body }) => {
        res.writeHead(status, { 'content-type': contentType });
        res.end(body);
      });
      post({ type: 'route', id, path });
    },
  })),
  processEventErrorHandler: async ({ error, response }) => {
    if (response.headersSent) return false;
    if (!(error instanceof MainThreadFailed))
      logger.error('An unhandled error occurred while Bolt processed an event');
    response.writeHead(500);
    response.end();
    return false;
  },
});

const app = new App({
  receiver,
  // This app calls no Slack API: it only answers requests. The main thread's app holds the token.
  authorize: async () => ({}),
  logger,
  ignoreSelf: false,
  convoStore: false,
});
app.error(async (error) => {
  throw error;
});

app.use(async (args) => {
  const { context } = args;
  const body = args.body as unknown as Record<string, unknown>;
  const ack = 'ack' in args ? (args.ack as (response?: unknown) => Promise<void>) : undefined;
  const request = {
    body,
    ...(context.retryNum !== undefined ? { retryNum: context.retryNum } : {}),
    ...(context.retryReason !== undefined ? { retryReason: context.retryReason } : {}),
    customProperties: { slackRequestTimestamp: context.slackRequestTimestamp },
  };
  // Bolt acknowledged an event already (as it does for every Events API request).
  const decision: FrontDecision = ack ? frontDecision(body, context, view, Date.now()) : { kind: 'answer' };
  if (decision.kind === 'answer') {
    if (ack) await ack(decision.response);
    post({ type: 'request', id: nextId++, ...request, answered: true });
    return;
  }
  const id = nextId++;
  const response = new Promise<unknown>((resolve, reject) => waiting.set(id, { resolve, reject }));
  post({ type: 'request', id, ...request, answered: false });
  const answer = await response;
  await ack?.(answer).catch((error: CodedError) => {
    // Bolt answered 404 after 3 s without an ack, and logged it; the main thread's answer came too late.
    if (error.code !== ErrorCode.ReceiverMultipleAckError) throw error;
  });
});

main.on('message', (message: ToFront) => {
  switch (message.type) {
    case 'listen':
      app.start(message.port).then(
        () => post({ type: 'listening' }),
        (error: Error) => post({ type: 'start_failed', message: error.message }),
      );
      return;
    case 'view':
      view = message.view;
      return;
    case 'answer':
      waiting.get(message.id)?.resolve(message.response);
      waiting.delete(message.id);
      return;
    case 'failed':
      waiting.get(message.id)?.reject(new MainThreadFailed());
      waiting.delete(message.id);
      return;
    case 'route_answer':
      routeWaiting.get(message.id)?.(message.answer);
      routeWaiting.delete(message.id);
      return;
    case 'stop':
      // Closing waits for the answers in flight; every request handed over was posted before this.
      app.stop().then(
        () => post({ type: 'stopped' }),
        () => post({ type: 'stopped' }),
      );
      return;
  }
});
