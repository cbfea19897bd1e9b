import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { App, HTTPReceiver, type LogLevel } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { AwsProvisioner } from './aws/aws-provisioner.js';
import { awsSettingsFrom } from './aws/aws-settings.js';
import { discoverCatalog } from './aws/catalog-discovery.js';
import { readInventory } from './aws/read-inventory.js';
import { AwsStandingAccessChanger } from './aws/standing-access-changer.js';
import { awsPolicy } from './cli/aws-policy.js';
import { insightsDigestCron } from './config/digest-schedule.js';
import type { Env } from './config/env.js';
import type { LoadedPolicy } from './config/policy.js';
import { shortId } from './core/ids.js';
import type { Clock, LatchDeps } from './core/ports.js';
import { postInsightsDigest } from './core/use-cases/post-insights-digest.js';
import { reconcileAccess } from './core/use-cases/reconcile-access.js';
import { refreshResources } from './core/use-cases/refresh-resources.js';
import { scheduledSync } from './core/use-cases/scheduled-sync.js';
import { DEFAULT_HEARTBEAT, Heartbeat, releaseOrphanedClaims } from './db/claim-holders.js';
import { connectDatabase, type LatchDatabase } from './db/connect.js';
import { KyselyInsightStore } from './db/kysely-insight-store.js';
import { KyselyStore } from './db/kysely-store.js';
import { migrateToLatest } from './db/migrate.js';
import { sharedCallLimits } from './db/shared-limits.js';
import type { PinoLogger } from './log.js';
import { createMetrics } from './metrics.js';
import { type Scheduler, startScheduler } from './scheduler/start-scheduler.js';
import { sweep } from './scheduler/sweep.js';
import { BackgroundNotifier } from './slack/background-notifier.js';
import { boltLogger } from './slack/bolt-logger.js';
import { countSlackCalls } from './slack/count-slack-calls.js';
import { FrontThreadReceiver } from './slack/front/front-receiver.js';
import { healthAnswers, healthRoutes } from './slack/health-routes.js';
import { HomeRedraws } from './slack/home-redraws.js';
import { InFlight } from './slack/in-flight.js';
import { cachedWorkspace } from './slack/own-workspace.js';
import { publishHome, useHomeRedraws } from './slack/publish-home.js';
import { registerListeners } from './slack/register-listeners.js';
import { useRequestGuards } from './slack/request-guards.js';
import { signedTimestampOf } from './slack/signed-recently.js';
import { SlackDirectory } from './slack/slack-directory.js';
import { slackFetch } from './slack/slack-fetch.js';
import { SlackNotifier } from './slack/slack-notifier.js';
import { slackRequestLog } from './slack/slack-request-log.js';

export interface LatchOverrides {
  clock?: Clock;
  /** e.g. `{ retryConfig: { retries: 0 } }` in tests, so a 429 does not stall them. */
  slackClientOptions?: WebClientOptions;
  /** A PostgreSQL schema of its own (tests). */
  databaseSchema?: string;
  /**
   * False: sweep only on LATCH_SWEEP_CRON. By default a sweep also runs when the next expiry, warning
   * or retry falls due, so access ends on time whatever the cron. Tests that move a clock by hand turn it off.
   */
  timedSweeps?: boolean;
  /** A database another Latch in this process already opened (a second replica on the embedded one); not closed by stop. */
  database?: LatchDatabase;
}

export interface Latch {
  readonly deps: LatchDeps;
  readonly database: LatchDatabase;
  /** Runs one scheduler pass now (tests drive time with their clock, then sweep). */
  sweep(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const systemClock: Clock = { now: () => new Date() };

/** How long a stop waits for work in flight; Kubernetes' default grace period is 30 s. */
const STOP_DEADLINE_MS = 20_000;
/** Per attempt; the WebClient retries a timeout like any failed request. */
const SLACK_TIMEOUT_MS = 10_000;
/** For lookups the sweep waits on: three tries within about five seconds. */
const QUICK_RETRIES = { retries: 2, factor: 2, minTimeout: 1000, maxTimeout: 4000 };

/** The composition root: the only place that knows every concrete adapter. */
export async function createLatch(
  env: Env,
  loaded: LoadedPolicy,
  log: PinoLogger,
  overrides: LatchOverrides = {},
): Promise<Latch> {
  const { policy } = loaded;
  const database =
    overrides.database ??
    connectDatabase({
      ...(env.databaseUrl ? { databaseUrl: env.databaseUrl } : {}),
      dataDir: env.dataDir,
      ...(overrides.databaseSchema ? { schema: overrides.databaseSchema } : {}),
    });
  const instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const store = new KyselyStore(database.db, { holder: instanceId });
  const clock = overrides.clock ?? systemClock;
  const metrics = createMetrics(store, clock);
  let ready = false;

  const clientOptions: WebClientOptions = {
    // Without a timeout a Slack call that never answers waits forever, and whatever awaits it.
    timeout: SLACK_TIMEOUT_MS,
    ...overrides.slackClientOptions,
    slackApiUrl: env.slackApiUrl,
    fetch: countSlackCalls(
      env.slackApiUrl,
      metrics.countSlackCall,
      overrides.slackClientOptions?.fetch ?? slackFetch,
    ),
  };
  const inFlight = new InFlight();
  const health = healthAnswers({ pingDatabase: () => store.ping(), isReady: () => ready, metrics });
  const customRoutes = healthRoutes(health);
  const logger = boltLogger(log);
  // In HTTP mode a thread of its own answers Slack (why: front/front-thread.ts); by default only with
  // PostgreSQL, as the embedded database's deployments are small and the thread's memory (about
  // 30 MB) would take Latch past its 200 MB footprint there.
  const front = env.ackThread
    ? new FrontThreadReceiver({
        signingSecret: env.slackSigningSecret ?? '',
        routes: health,
        log,
        track: (work) => inFlight.track(work),
      })
    : undefined;
  const app = new App({
    token: env.slackBotToken,
    ...(env.slackAppToken
      ? {
          appToken: env.slackAppToken,
          socketMode: true,
          customRoutes,
          // Bolt gives installerOptions.clientOptions to its SocketModeClient (apps.connections.open). A copy, as
          // that client writes its own retryConfig into the object, which Bolt also copies into listeners' clients.
          installerOptions: { port: env.port, clientOptions: { ...clientOptions } },
        }
      : {
          // The front thread's receiver, or Bolt's own, built here only to hand the signed timestamp
          // to the request guards.
          receiver:
            front ??
            new HTTPReceiver({
              signingSecret: env.slackSigningSecret ?? '',
              customRoutes,
              logger,
              customPropertiesExtractor: signedTimestampOf,
            }),
        }),
    clientOptions,
    logger,
    logLevel: 'info' as LogLevel,
    // Latch keeps no per-conversation state in Bolt; its default store is a lookup on every request.
    convoStore: false,
    // Bolt's constructor checks the token with auth.test and leaves a refusal unhandled, which killed
    // the process with a stack trace; start() runs the check instead, and fails with one line.
    deferInitialization: true,
  });
  // Identity Center's rate and assignment slots, shared by every replica through the database.
  const callLimits = sharedCallLimits(database.db, { instanceId });
  const provisioner = new AwsProvisioner({
    ...awsSettingsFrom(loaded, callLimits),
    onCall: metrics.countAwsCall,
  });
  const coreLog = log.child({ subsystem: 'core' });
  const insights = {
    inventory: {
      read: () =>
        readInventory({
          ...awsSettingsFrom(loaded, callLimits),
          onCall: metrics.countAwsCall,
          now: () => clock.now(),
        }),
    },
    store: new KyselyInsightStore(database.db),
    changer: new AwsStandingAccessChanger(provisioner),
    allowedActions: printedActions(loaded),
  };
  const directory = new SlackDirectory(app.client, policy.allowedEmailDomains);
  const homes = new HomeRedraws(
    (userId) => publishHome(deps, app.client, userId),
    callLimits.callRate,
    coreLog,
  );
  let livePolicy = policy;
  front?.showCatalog(policy, (resource) => provisioner.supports(resource));
  const deps: LatchDeps = {
    store,
    directory,
    provisioner,
    notifier: new SlackNotifier(app.client, directory, {
      ...(policy.auditChannel ? { auditChannel: policy.auditChannel } : {}),
      admins: policy.admins,
      log: coreLog,
      refreshHome: (userId) => homes.later(userId),
    }),
    clock,
    log: coreLog,
    // The front thread answers from the same catalog: it is shown every change (refreshResources).
    get policy() {
      return livePolicy;
    },
    set policy(next) {
      livePolicy = next;
      front?.showCatalog(next, (resource) => provisioner.supports(resource));
    },
    fileResources: policy.resources,
    catalog: {
      discover: () =>
        discoverCatalog({ ...awsSettingsFrom(loaded, callLimits), onCall: metrics.countAwsCall }),
    },
    instanceId,
    newId: (kind) => shortId(kind, randomBytes),
    telemetry: metrics,
    insights,
    deferred: { run: (work) => inFlight.track(work) },
  };
  useHomeRedraws(deps, homes);
  // The sweep never waits on Slack: its messages go out from a queue, and its one lookup (approvers
  // to remind) gives up after a few quick tries instead of the WebClient's half hour.
  const background = new BackgroundNotifier(
    deps.notifier,
    {
      rememberMessage: (ref) => store.insertSlackMessage(ref),
      rememberAuditThread: (requestId, ts) => store.setAuditThread(requestId, ts),
    },
    coreLog,
  );
  const lookups = new WebClient(env.slackBotToken, {
    retryConfig: QUICK_RETRIES,
    ...clientOptions,
    logger: boltLogger(log),
  });
  const sweepDeps: LatchDeps = {
    ...deps,
    notifier: background,
    directory: new SlackDirectory(lookups, policy.allowedEmailDomains),
    // refreshResources replaces the live policy: listeners and the sweep must see the same one.
    get policy() {
      return deps.policy;
    },
    set policy(live) {
      deps.policy = live;
    },
  };
  const heartbeat = new Heartbeat(
    database.db,
    instanceId,
    log.child({ subsystem: 'scheduler' }),
    DEFAULT_HEARTBEAT,
    clock,
  );
  /** One scheduler pass, after taking back the claims of a Latch that died holding them. */
  const sweepPass = async () => {
    const released = await releaseOrphanedClaims(database.db, clock.now()).catch((error: unknown) => {
      coreLog.warn({ err: error }, 'could not look for claims a stopped Latch left');
      return [];
    });
    if (released.length) coreLog.warn({ grantIds: released }, 'took back grants a stopped Latch had claimed');
    await sweep(sweepDeps, metrics.observeJob);
  };
  // One pass at a time in this process: a pass asked for by hand (tests after moving their clock)
  // waits for the scheduler's, which otherwise worked the same grants beside it on a busy machine.
  let lastPass: Promise<void> = Promise.resolve();
  const sweepOnce = () => {
    const pass = lastPass.then(sweepPass);
    lastPass = pass.catch(() => undefined);
    return pass;
  };
  const ownWorkspace = cachedWorkspace(
    () => app.client.auth.test(),
    (workspace) => front?.showWorkspace(workspace),
  );
  app.use(inFlight.middleware);
  app.use(slackRequestLog);
  useRequestGuards(app, deps, ownWorkspace);
  registerListeners(app, deps);

  let scheduler: Scheduler | undefined;
  let syncScheduler: Scheduler | undefined;
  let reconcileScheduler: Scheduler | undefined;
  let digestScheduler: Scheduler | undefined;
  let started = false;
  let stopped = false;
  return {
    deps,
    database,
    async sweep() {
      await sweepOnce();
      await background.drain();
    },
    async start() {
      front?.prepare();
      // Bolt checks the bot token (auth.test) while the database opens and migrates; a refused
      // token is the error reported, in one line, whatever the database said.
      const [checked, migrated] = await Promise.allSettled([app.init(), migrateToLatest(database)]);
      if (checked.status === 'rejected') {
        const error = checked.reason as { data?: { error?: string }; message?: string };
        throw new Error(`SLACK_BOT_TOKEN: Slack's auth.test failed: ${error.data?.error ?? error.message}`);
      }
      if (migrated.status === 'rejected') throw migrated.reason;
      if (migrated.value.length) log.info({ migrations: migrated.value }, 'database migrated');
      await store.syncResources(policy.resources);
      await refreshResources(deps);
      // Beating before the first request: a claim or slot taken with no heartbeat looks orphaned.
      await heartbeat.start();
      // Nobody else can have the embedded database open: whoever held claims in it is gone.
      if (database.kind === 'pglite' && !overrides.database) await heartbeat.forgetOtherHolders();
      await app.start(env.port);
      started = true;
      // Learned now so the first request does not wait for it; a failure is retried per request.
      ownWorkspace().catch((error: unknown) =>
        log.warn({ err: error }, 'cannot learn the bot’s own workspace from auth.test yet'),
      );
      scheduler = startScheduler(env.sweepCron, sweepOnce, log.child({ subsystem: 'scheduler' }), {
        name: 'sweep',
        runAtStart: true,
        ...(overrides.timedSweeps === false
          ? {}
          : {
              nextDue: async () => {
                const due = await store.nextDueAt();
                return due && { delayMs: due.getTime() - clock.now().getTime() };
              },
            }),
      });
      if (env.syncCron !== 'off') {
        syncScheduler = startScheduler(
          env.syncCron,
          () => scheduledSync(deps),
          log.child({ subsystem: 'catalog-sync' }),
          { name: 'catalog sync', runAtStart: false },
        );
      }
      if (env.reconcileCron !== 'off') {
        reconcileScheduler = startScheduler(
          env.reconcileCron,
          async () => {
            await reconcileAccess(deps);
          },
          log.child({ subsystem: 'reconcile' }),
          { name: 'drift reconciliation', runAtStart: false },
        );
      }
      const digestCron = insightsDigestCron(env, loaded);
      if (digestCron !== 'off') {
        digestScheduler = startScheduler(
          digestCron,
          async () => {
            await postInsightsDigest(deps);
          },
          log.child({ subsystem: 'insights-digest' }),
          { name: 'insights digest', runAtStart: false },
        );
      }
      ready = true;
      log.info(
        { port: env.port, mode: env.slackAppToken ? 'socket' : 'http', database: database.kind },
        'latch started',
      );
      provisioner.callerIdentity().then(
        (identity) => log.info({ aws: identity }, 'AWS identity'),
        (error) => log.warn({ err: error }, 'cannot reach AWS STS; provisioning will fail until it can'),
      );
    },
    /** Stops taking work, lets listeners and a running sweep finish (up to a deadline), then closes. */
    async stop() {
      if (stopped) return;
      stopped = true;
      ready = false;
      if (started) await app.stop();
      else await front?.stop();
      if (!(await inFlight.drained(STOP_DEADLINE_MS))) {
        log.warn(
          { running: inFlight.count },
          'stopping with Slack work still running; the sweep retries what it left',
        );
      }
      await Promise.all([
        scheduler?.stop(),
        syncScheduler?.stop(),
        reconcileScheduler?.stop(),
        digestScheduler?.stop(),
      ]);
      if (!(await background.drain(STOP_DEADLINE_MS / 2))) {
        log.warn({ waiting: background.backlog }, 'stopping with Slack messages Slack has not taken');
      }
      if (!(await homes.stop(STOP_DEADLINE_MS / 2))) {
        log.warn('stopping with App Home redraws Slack has not answered');
      }
      await heartbeat
        .stop()
        .catch((error: unknown) => log.warn({ err: error }, 'could not end the heartbeat'));
      provisioner.destroy();
      if (!overrides.database) await database.close();
    },
  };
}

/** Every action the IAM policies `latch aws-policy` prints for this policy file allow. */
function printedActions(loaded: LoadedPolicy): Set<string> {
  const printed = awsPolicy(loaded);
  return new Set(
    [...printed.document.Statement, ...(printed.crossAccount?.permissions.Statement ?? [])].flatMap(
      (s) => s.Action,
    ),
  );
}
