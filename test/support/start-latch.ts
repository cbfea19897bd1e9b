import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { WebClientOptions } from '@slack/web-api';
import { sql } from 'kysely';
import { parse } from 'yaml';
import { type Env, readEnv } from '../../src/config/env.js';
import { parsePolicy } from '../../src/config/policy.js';
import { connectDatabase } from '../../src/db/connect.js';
import { createLatch, type Latch } from '../../src/latch.js';
import { createLogger } from '../../src/log.js';
import { type FakeAwsServer, startFakeAwsServer } from './fake-aws-server.js';
import { type FakeSlackServer, startFakeSlackServer } from './fake-slack-server.js';
import { migratedPgliteDir } from './pglite-template.js';
import { type SlackClientForBot, slackClientForBot } from './sign-slack-request.js';
import { TestClock } from './test-clock.js';
import { testDatabaseOptions } from './test-database.js';

export const SIGNING_SECRET = 'e2e-signing-secret';
/** The organization's accounts in the end-to-end world. */
export const ACCOUNTS = { prod: '111111111111', dev: '222222222222' } as const;

export const PEOPLE = {
  alice: { id: 'U0ALICE', email: 'alice@example.com', name: 'alice', realName: 'Alice Requester' },
  bob: { id: 'U0BOB', email: 'bob@example.com', name: 'bob', realName: 'Bob Manager' },
  eve: { id: 'U0EVE', email: 'eve@example.com', name: 'eve', realName: 'Eve Bystander' },
  admin: { id: 'U0ADMIN', email: 'admin@example.com', name: 'admin', realName: 'Ada Admin' },
} as const;

export interface LatchWorld {
  latch: Latch;
  /** The settings this Latch was started with. */
  env: Env;
  /** Stops this Latch and starts a new one on the same database, as a crash or deploy would. */
  restart(): Promise<Latch>;
  /** Starts a second Latch on its own port and the same database (its own pool on PostgreSQL); the caller stops it. */
  startReplica(): Promise<Latch>;
  clock: TestClock;
  slack: FakeSlackServer;
  aws: FakeAwsServer;
  /** Acts as Slack towards the bot over HTTP: signed commands and clicks (Socket Mode: `slack.socket`). */
  user: SlackClientForBot;
  groups: { oncall: string; readonly: string };
  awsUsers: { alice: string; bob: string };
  botUrl: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The real Latch (Bolt, the AWS SDK, Kysely) on a free port, wired to local Slack and AWS servers
 * through the same settings a deployment uses: SLACK_API_URL and AWS_ENDPOINT_URL_*. HTTP mode by
 * default; `mode: 'socket'` sets SLACK_APP_TOKEN and no signing secret, as a Socket Mode deployment does.
 */
export async function startLatchWorld(
  options: {
    mode?: 'http' | 'socket' /** LATCH_SYNC_CRON; off unless a test is about the scheduled sync. */;
    syncCron?: string;
    /** LATCH_RECONCILE_CRON; off unless a test is about scheduled drift reconciliation. */
    reconcileCron?: string;
    /** Keep the WebClient's own retries (off by default, so a 429 does not stall other tests). */
    slackRetries?: boolean;
    /** Leave the policy's audit channel out of the workspace (as if deleted). */
    withoutAuditChannel?: boolean;
    /** Edits the policy text (fixtures/policy.yml, ids filled in) before Latch reads it. */
    policy?: (text: string) => string;
    /** More WebClient options (a `timeout`, say), over the retry setting above. */
    slackClientOptions?: WebClientOptions;
    /** Collects every log line Latch writes (info and up) here, as JSON text. */
    logs?: string[];
    /** LATCH_ACK_THREAD; unset, Latch's default (on with PostgreSQL in HTTP mode). */
    ackThread?: 'on' | 'off';
  } = {},
): Promise<LatchWorld> {
  const slack = await startFakeSlackServer();
  const aws = await startFakeAwsServer({ identityStoreId: 'd-1234567890' });
  for (const person of Object.values(PEOPLE)) slack.addUser({ ...person, isEmailConfirmed: true });
  if (!options.withoutAuditChannel) slack.addChannel('C0AUDIT', { isMember: false });
  const awsUsers = {
    alice: aws.addUser({ userName: 'alice', email: PEOPLE.alice.email }),
    bob: aws.addUser({ userName: 'bob', email: PEOPLE.bob.email }),
  };
  const groups = {
    oncall: aws.addGroup({ displayName: 'oncall' }),
    readonly: aws.addGroup({ displayName: 'readonly' }),
  };

  // An organization: the permission sets live on one account, IAM groups on another reached through the role.
  const permissionSets = {
    admin: aws.ssoAdmin.addPermissionSet({ name: 'AdministratorAccess' }),
    readonly: aws.ssoAdmin.addPermissionSet({ name: 'ReadOnlyAccess' }),
  };
  aws.organizations.addAccount({ id: ACCOUNTS.prod, name: 'prod' });
  aws.organizations.addAccount({ id: ACCOUNTS.dev, name: 'dev' });
  for (const account of Object.values(ACCOUNTS)) {
    aws.addRole({ arn: `arn:aws:iam::${account}:role/LatchAccess`, externalId: 'e2e-external-id' });
  }
  aws.iam.addGroup(ACCOUNTS.dev, { groupName: 'ReadOnly' });
  aws.iam.addUser(ACCOUNTS.dev, { userName: 'alice.dev', tags: { email: PEOPLE.alice.email } });
  aws.ssoAdmin.setPollsUntilDone(0);

  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAE2ETESTFAKE',
    AWS_SECRET_ACCESS_KEY: 'e2e-fake-secret',
    AWS_ENDPOINT_URL: aws.url,
    AWS_MAX_ATTEMPTS: '2',
  });
  const fixture = (await readFile(new URL('./fixtures/policy.yml', import.meta.url), 'utf8'))
    .replace('GROUP_ONCALL', groups.oncall)
    .replace('GROUP_READONLY', groups.readonly)
    .replace('PS_ADMIN', permissionSets.admin)
    .replace('PS_READONLY', permissionSets.readonly);
  const policyText = options.policy ? options.policy(fixture) : fixture;
  // PGlite on disk (not in memory) so a restarted Latch finds what the first one wrote.
  const db = testDatabaseOptions();
  const dataDir = db.databaseUrl ? db.dataDir : await migratedPgliteDir();
  const port = await freePort();
  const env = readEnv({
    SLACK_BOT_TOKEN: slack.botToken,
    ...(options.mode === 'socket'
      ? { SLACK_APP_TOKEN: slack.appToken }
      : { SLACK_SIGNING_SECRET: SIGNING_SECRET }),
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    DATA_DIR: dataDir,
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
    // The tests sweep by hand after moving the clock; the cron stays out of their way.
    LATCH_SWEEP_CRON: '0 0 1 1 *',
    LATCH_SYNC_CRON: options.syncCron ?? 'off',
    LATCH_RECONCILE_CRON: options.reconcileCron ?? 'off',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...(options.ackThread ? { LATCH_ACK_THREAD: options.ackThread } : {}),
  });
  const clock = new TestClock();
  const boot = async (replicaOf?: Latch) => {
    const replicaEnv = replicaOf ? { ...env, port: await freePort() } : env;
    const log = options.logs
      ? createLogger('info', { write: (line: string) => void options.logs?.push(line) })
      : createLogger(env.logLevel);
    const latch = await createLatch(replicaEnv, parsePolicy(parse(policyText)), log, {
      clock,
      timedSweeps: false,
      slackClientOptions: {
        ...(options.slackRetries ? {} : { retryConfig: { retries: 0 } }),
        ...options.slackClientOptions,
      },
      ...(db.schema ? { databaseSchema: db.schema } : {}),
      // PGlite is one embedded database per process: a replica shares it; PostgreSQL replicas connect anew.
      ...(replicaOf && !db.databaseUrl ? { database: replicaOf.database } : {}),
    });
    await latch.start();
    return latch;
  };
  const botUrl = `http://127.0.0.1:${port}`;
  const world: LatchWorld = {
    latch: await boot(),
    env,
    startReplica: () => boot(world.latch),
    async restart() {
      await world.latch.stop();
      world.latch = await boot();
      return world.latch;
    },
    clock,
    slack,
    aws,
    user: slackClientForBot({ botUrl, signingSecret: SIGNING_SECRET, fake: slack }),
    groups,
    awsUsers,
    botUrl,
    async stop() {
      await world.latch.stop();
      await Promise.all([slack.close(), aws.close()]);
      if (db.databaseUrl && db.schema) await dropSchema(db.databaseUrl, db.schema);
      else await rm(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const { db } = connectDatabase({ databaseUrl });
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
  await db.destroy();
}
