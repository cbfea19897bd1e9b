import { Worker } from 'node:worker_threads';
import type { App, Receiver } from '@slack/bolt';
import type { Policy } from '../../core/model.js';
import type { PinoLogger } from '../../log.js';
import type { HealthAnswer } from '../health-routes.js';
import type { Workspace } from '../own-workspace.js';
import type { FromFront, FrontStart, FrontView, ToFront } from './front-messages.js';

export interface FrontReceiverOptions {
  signingSecret: string;
  /** Health routes by path; answered here, on the main thread. */
  routes: Record<string, () => Promise<HealthAnswer>>;
  /** Bolt's lines from both threads, and the front thread's Node warnings, go here. */
  log: PinoLogger;
  /**
   * Counts a request's work from the moment it reaches this thread (InFlight.track), so a stop
   * waits for a request the front thread answered even before Latch's middleware sees it.
   */
  track(work: () => Promise<void>): void;
}

/**
 * Bolt's receiver on the main thread when a front thread (`front-thread.ts`) owns the HTTP port:
 * each request the front thread verified and handed over runs through Latch's app here. Its `ack`
 * sends the HTTP answer when the front thread left that to Latch's listeners, and does nothing when
 * the front thread already answered.
 */
export class FrontThreadReceiver implements Receiver {
  private app: App | undefined;
  private worker: Worker | undefined;
  private view: FrontView | undefined;
  private stopped: Promise<void> | undefined;

  private readonly log: PinoLogger;

  constructor(private readonly options: FrontReceiverOptions) {
    this.log = options.log.child({ subsystem: 'bolt', thread: 'front' });
  }

  init(app: App): void {
    this.app = app;
  }

  /** The catalog the front thread answers `/access resources` and the picker from; call on every change. */
  showCatalog(policy: Policy, supports: (resource: Policy['resources'][number]) => boolean): void {
    const supported = new Set(policy.resources.filter(supports).map((r) => r.id));
    this.show({ ...this.view, policy, supported });
  }

  showWorkspace(workspace: Workspace): void {
    if (this.view) this.show({ ...this.view, workspace });
  }

  private show(view: FrontView): void {
    this.view = view;
    this.send({ type: 'view', view });
  }

  /**
   * Loads the front thread (Bolt and the answers' modules take a few hundred milliseconds) without
   * listening yet, so that happens while Latch opens its database. Unreferenced until it listens:
   * a Latch that fails to start still exits.
   */
  prepare(): void {
    if (this.worker) return;
    const worker = startFrontWorker({
      signingSecret: this.options.signingSecret,
      routes: Object.keys(this.options.routes),
    });
    worker.unref();
    worker.on('message', (message: FromFront) => this.received(message));
    worker.on('error', (error) => this.log.error({ err: error }, 'the front thread failed'));
    this.worker = worker;
    if (this.view) this.send({ type: 'view', view: this.view });
  }

  async start(port: number): Promise<void> {
    this.prepare();
    const worker = this.worker as Worker;
    await new Promise<void>((resolve, reject) => {
      const exited = (code: number) =>
        reject(new Error(`the front thread exited (${code}) before listening`));
      worker.once('exit', exited);
      worker.on('message', (message: FromFront) => {
        if (message.type === 'start_failed') reject(new Error(message.message));
        if (message.type !== 'listening') return;
        worker.off('exit', exited);
        worker.ref();
        worker.once('exit', () => this.restartAfterCrash(worker, port));
        resolve();
      });
      this.send({ type: 'listen', port });
    }).catch(async (error: unknown) => {
      this.worker = undefined;
      await worker.terminate();
      throw error;
    });
  }

  /** Closes the port once the answers in flight are sent; every request handed over is running by then. */
  stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.resolve();
    this.stopped ??= new Promise<void>((resolve) => {
      worker.on('message', (message: FromFront) => {
        if (message.type === 'stopped') resolve();
      });
      worker.once('exit', () => resolve());
      this.send({ type: 'stop' });
    }).then(async () => {
      await worker.terminate();
      this.worker = undefined;
    });
    return this.stopped;
  }

  /** The port must not stay closed: a front thread that died is started again, and that is logged. */
  private restartAfterCrash(worker: Worker, port: number): void {
    if (this.stopped || this.worker !== worker) return;
    this.log.error('the front thread stopped unexpectedly; starting it again');
    this.worker = undefined;
    this.start(port).catch((error: Error) =>
      this.log.error({ err: error }, 'could not start the front thread again; Slack cannot reach Latch'),
    );
  }

  private received(message: FromFront): void {
    switch (message.type) {
      case 'listening':
      case 'start_failed':
      case 'stopped':
        return; // awaited by start() and stop()
      case 'request':
        this.process(message);
        return;
      case 'route': {
        const answer = this.options.routes[message.path];
        answer?.().then((result) => this.send({ type: 'route_answer', id: message.id, answer: result }));
        return;
      }
      case 'log':
        this.log[message.level](message.message);
        return;
      case 'warning':
        this.log.warn({ warning: message.warning }, 'Node warning');
        return;
    }
  }

  private process(message: Extract<FromFront, { type: 'request' }>): void {
    const { id, answered, body, retryNum, retryReason, customProperties } = message;
    let acked = answered;
    const ack = async (response?: unknown) => {
      if (acked) return;
      acked = true;
      this.send({ type: 'answer', id, response });
    };
    const app = this.app;
    if (!app) return;
    this.options.track(() =>
      app
        .processEvent({
          body,
          ack,
          ...(retryNum !== undefined ? { retryNum } : {}),
          ...(retryReason !== undefined ? { retryReason } : {}),
          customProperties,
        })
        .catch((error: unknown) => {
          this.log.error({ err: error }, 'An unhandled error occurred while Bolt processed an event');
          if (!acked) {
            acked = true;
            this.send({ type: 'failed', id });
          }
        }),
    );
  }

  private send(message: ToFront): void {
    this.worker?.postMessage(message);
  }
}

/**
 * The compiled `front-thread.js` beside this file; run from the TypeScript sources (tests, tsx),
 * the `.ts` file through tsx, which a worker does not inherit from its parent on Node 20.
 */
function startFrontWorker(start: FrontStart): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const url = new URL(`./front-thread.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) return new Worker(url, { workerData: start });
  const script = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(script, { eval: true, workerData: start });
}
