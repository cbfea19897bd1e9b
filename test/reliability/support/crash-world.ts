import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeAwsServer, startFakeAwsServer } from '../../support/fake-aws-server.js';
import { type FakeSlackServer, startFakeSlackServer } from '../../support/fake-slack-server.js';
import { type SlackClientForBot, slackClientForBot } from '../../support/sign-slack-request.js';
import { freePort } from '../../support/start-latch.js';
import { createScratchPostgres } from '../../support/test-database.js';

export const CRASH_SIGNING_SECRET = 'crash-signing-secret';
const ACCOUNTS = { prod: '111111111111', dev: '222222222222' } as const;
export const LEAD = { id: 'U0LEAD', email: 'lead@example.com' } as const;
export const ADMIN = { id: 'U0ADMIN', email: 'admin@example.com' } as const;

export interface Requester {
  slackId: string;
  email: string;
}

export type CrashResourceId = 'team-auto' | 'team-approved' | 'ops-console' | 'dev-readonly';
export const CRASH_RESOURCES: readonly CrashResourceId[] = [
  'team-auto',
  'team-approved',
  'ops-console',
  'dev-readonly',
];

/** Local Slack and AWS, people in both, and a database, for Latch run as a child process. */
export interface CrashWorld {
  slack: FakeSlackServer;
  aws: FakeAwsServer;
  requesters: Requester[];
  port: number;
  /** Acts as Slack towards the child: signed commands and clicks. */
  user: SlackClientForBot;
  /** The environment a deployment gives Latch, pointed at the local servers. */
  env: Record<string, string>;
  database: { dataDir: string } | { databaseUrl: string };
  /** Who holds each resource in AWS now, as the principal ids Latch records. */
  holders(resourceId: CrashResourceId): string[];
  close(): Promise<void>;
}

/**
 * On PGlite (DATABASE_URL unset) a data directory of its own; on PostgreSQL a scratch database.
 * `databaseUrl` gives Latch that database instead (the caller creates and drops it).
 */
export async function startCrashWorld(options: {
  requesters: number;
  sweepCron: string;
  databaseUrl?: string;
}): Promise<CrashWorld> {
  const slack = await startFakeSlackServer();
  const aws = await startFakeAwsServer({ identityStoreId: 'd-1234567890' });
  slack.addUser({ id: LEAD.id, email: LEAD.email, name: 'lead', isEmailConfirmed: true });
  slack.addUser({ id: ADMIN.id, email: ADMIN.email, name: 'admin', isEmailConfirmed: true });
  slack.addChannel('C0AUDIT', { isMember: true });

  aws.organizations.addAccount({ id: ACCOUNTS.prod, name: 'prod' });
  aws.organizations.addAccount({ id: ACCOUNTS.dev, name: 'dev' });
  aws.addRole({ arn: `arn:aws:iam::${ACCOUNTS.dev}:role/LatchAccess`, externalId: 'crash-external-id' });
  aws.iam.addGroup(ACCOUNTS.dev, { groupName: 'ReadOnly' });
  // Identity Center finishes assignment requests by itself, whether or not a (crashed) caller polls.
  aws.ssoAdmin.setCompletesAfterMs(1000);
  const requesters: Requester[] = [];
  for (let i = 1; i <= options.requesters; i++) {
    const n = String(i).padStart(2, '0');
    const person = { slackId: `U0CRASH${n}`, email: `crash${n}@example.com` };
    slack.addUser({ id: person.slackId, email: person.email, name: `crash${n}`, isEmailConfirmed: true });
    aws.addUser({ userName: `crash${n}`, email: person.email });
    aws.iam.addUser(ACCOUNTS.dev, { userName: `crash${n}`, tags: { email: person.email } });
    requesters.push(person);
  }
  const groups = {
    auto: aws.addGroup({ displayName: 'team-auto' }),
    approved: aws.addGroup({ displayName: 'team-approved' }),
  };
  const permissionSet = aws.ssoAdmin.addPermissionSet({ name: 'OperationsConsole' });

  const dir = await mkdtemp(join(tmpdir(), 'latch-crash-'));
  const policyFile = join(dir, 'latch.policy.yml');
  const policy = (await readFile(new URL('../fixtures/crash-policy.yml', import.meta.url), 'utf8'))
    .replace('GROUP_AUTO', groups.auto)
    .replace('GROUP_APPROVED', groups.approved)
    .replace('PS_OPS', permissionSet);
  await writeFile(policyFile, policy);
  const scratch = options.databaseUrl ? undefined : await createScratchPostgres();
  const postgres = options.databaseUrl ? { url: options.databaseUrl } : scratch;
  const database = postgres ? { databaseUrl: postgres.url } : { dataDir: join(dir, 'data') };
  const port = await freePort();
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: CRASH_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    ...(postgres ? { DATABASE_URL: postgres.url } : { DATA_DIR: join(dir, 'data') }),
    LATCH_POLICY_FILE: policyFile,
    LATCH_SWEEP_CRON: options.sweepCron,
    LATCH_SYNC_CRON: 'off',
    LATCH_RECONCILE_CRON: 'off',
    LOG_LEVEL: 'info',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIACRASHFAKE',
    AWS_SECRET_ACCESS_KEY: 'crash-fake-secret',
    AWS_ENDPOINT_URL: aws.url,
  };

  return {
    slack,
    aws,
    requesters,
    port,
    user: slackClientForBot({
      botUrl: `http://127.0.0.1:${port}`,
      signingSecret: CRASH_SIGNING_SECRET,
      fake: slack,
    }),
    env,
    database,
    holders(resourceId) {
      switch (resourceId) {
        case 'team-auto':
          return aws.membersOf(groups.auto);
        case 'team-approved':
          return aws.membersOf(groups.approved);
        case 'ops-console':
          return aws.ssoAdmin.assignmentsOf(ACCOUNTS.prod, permissionSet).map((a) => a.principalId);
        case 'dev-readonly':
          return aws.iam.membersOf(ACCOUNTS.dev, 'ReadOnly');
      }
    },
    async close() {
      await Promise.all([slack.close(), aws.close(), scratch?.drop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
