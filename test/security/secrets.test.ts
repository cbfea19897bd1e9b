import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.js';
import { KyselyStore } from '../../src/db/kysely-store.js';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import {
  approvalCard,
  click,
  dmContaining,
  eventually,
  fileRequest,
  typeCommand,
} from '../support/e2e-steps.js';
import { type FakeAwsServer, startFakeAwsServer } from '../support/fake-aws-server.js';
import { type FakeSlackServer, startFakeSlackServer } from '../support/fake-slack-server.js';
import { signSlackRequest, slackClientForBot } from '../support/sign-slack-request.js';
import { ACCOUNTS, freePort, type LatchWorld, PEOPLE } from '../support/start-latch.js';
import { createScratchPostgres } from '../support/test-database.js';
import { type LatchProcess, runLatchProcess } from './latch-process.js';

/** Every secret Latch is given carries this marker; it must appear in nothing Latch writes or posts. */
const MARKER = /leakcanary/i;
const SECRETS = {
  botToken: 'xoxb-1111-2222-LeakCanaryBotToken',
  signingSecret: 'LeakCanarySigningSecret0123456789abcdef',
  appToken: 'xapp-1-A0FAKE-LeakCanaryAppToken',
  awsAccessKeyId: 'AKIALEAKCANARY0KEYID',
  awsSecretAccessKey: 'LeakCanaryAwsSecret/AccessKey+0123456789ab',
  awsSessionToken: 'LeakCanaryAwsSessionToken/0123456789+abcdefghij==',
  externalId: 'LeakCanaryExternalId-0042',
  databasePassword: 'LeakCanaryDbPassw0rd',
};
const { alice, bob, eve, admin } = PEOPLE;

/** The lines of `text` that carry a secret, for a failure message that shows where. */
const leaks = (text: string) => text.split('\n').filter((line) => MARKER.test(line));

const AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: SECRETS.awsAccessKeyId,
  AWS_SECRET_ACCESS_KEY: SECRETS.awsSecretAccessKey,
  AWS_SESSION_TOKEN: SECRETS.awsSessionToken,
  AWS_MAX_ATTEMPTS: '1',
};

interface Fakes {
  slack: FakeSlackServer;
  aws: FakeAwsServer;
  groups: { readonly: string; oncall: string };
  /** Alice's Identity Center user id. */
  awsAlice: string;
  policyFile: string;
  dir: string;
}

/** Local Slack and AWS that know the secrets (the bot token, the role's ExternalId), and a policy file. */
async function startFakes(slackOptions: { botToken?: string; appToken?: string } = {}): Promise<Fakes> {
  const slack = await startFakeSlackServer({ botToken: SECRETS.botToken, ...slackOptions });
  const aws = await startFakeAwsServer({ identityStoreId: 'd-1234567890' });
  for (const person of Object.values(PEOPLE)) slack.addUser({ ...person, isEmailConfirmed: true });
  slack.addChannel('C0AUDIT', { isMember: true });
  const awsAlice = aws.addUser({ userName: 'alice', email: alice.email });
  const groups = {
    readonly: aws.addGroup({ displayName: 'readonly' }),
    oncall: aws.addGroup({ displayName: 'oncall' }),
  };
  aws.organizations.addAccount({ id: ACCOUNTS.prod, name: 'prod' });
  aws.organizations.addAccount({ id: ACCOUNTS.dev, name: 'dev' });
  aws.addRole({ arn: `arn:aws:iam::${ACCOUNTS.dev}:role/LatchAccess`, externalId: SECRETS.externalId });
  aws.iam.addGroup(ACCOUNTS.dev, { groupName: 'ReadOnly' });
  aws.iam.addUser(ACCOUNTS.dev, { userName: 'alice.dev', tags: { email: alice.email } });
  aws.ssoAdmin.setPollsUntilDone(0);
  const dir = await mkdtemp(join(tmpdir(), 'latch-secrets-'));
  const policy = (await readFile(new URL('../support/fixtures/policy.yml', import.meta.url), 'utf8'))
    .replace('GROUP_ONCALL', groups.oncall)
    .replace('GROUP_READONLY', groups.readonly)
    .replace('PS_ADMIN', aws.ssoAdmin.addPermissionSet({ name: 'AdministratorAccess' }))
    .replace('PS_READONLY', aws.ssoAdmin.addPermissionSet({ name: 'ReadOnlyAccess' }))
    .replace('external_id: e2e-external-id', `external_id: ${SECRETS.externalId}`);
  expect(policy).toContain(SECRETS.externalId);
  const policyFile = join(dir, 'policy.yml');
  await writeFile(policyFile, policy);
  return { slack, aws, groups, awsAlice, policyFile, dir };
}

async function stopFakes(fakes: Fakes): Promise<void> {
  await Promise.all([fakes.slack.close(), fakes.aws.close()]);
  await rm(fakes.dir, { recursive: true, force: true });
}

/** Everything Latch said to Slack: every Web API call's arguments and every response_url answer. */
function saidToSlack(slack: FakeSlackServer): string {
  return [
    ...slack.calls.map((c) => JSON.stringify(c.args)),
    ...slack.responses.map((r) => JSON.stringify(r.body)),
  ].join('\n');
}

async function waitUntilReady(botUrl: string, run: LatchProcess): Promise<void> {
  await eventually(
    () =>
      fetch(`${botUrl}/readyz`).then(
        (r) => r.status,
        () => (run.child.exitCode === null ? 0 : -1),
      ),
    (status) => status === 200 || status === -1,
    60_000,
  );
  if (run.child.exitCode !== null) throw new Error(`Latch exited at start:\n${run.output()}`);
}

describe('secrets never reach a log line, a Slack message or the audit log', () => {
  describe('a whole day of work in HTTP mode, failures included, on the real process', () => {
    let fakes: Fakes;
    let run: LatchProcess;
    let world: Pick<LatchWorld, 'slack' | 'user'>;
    let botUrl: string;
    let postgres: Awaited<ReturnType<typeof createScratchPostgres>>;
    let databaseUrl: string | undefined;
    const answers: string[] = [];

    beforeAll(async () => {
      fakes = await startFakes();
      postgres = await createScratchPostgres();
      if (postgres) {
        // PostgreSQL on 127.0.0.1 trusts the connection and ignores the password, which is all this needs.
        const url = new URL(postgres.url);
        url.password = SECRETS.databasePassword;
        databaseUrl = url.toString();
      }
      const port = await freePort();
      botUrl = `http://127.0.0.1:${port}`;
      run = runLatchProcess({
        SLACK_BOT_TOKEN: SECRETS.botToken,
        SLACK_SIGNING_SECRET: SECRETS.signingSecret,
        SLACK_API_URL: fakes.slack.apiUrl,
        PORT: String(port),
        DATA_DIR: join(fakes.dir, 'data'),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        LATCH_POLICY_FILE: fakes.policyFile,
        LATCH_SWEEP_CRON: '* * * * * *',
        AWS_ENDPOINT_URL: fakes.aws.url,
        ...AWS_ENV,
        LOG_LEVEL: 'trace',
      });
      await waitUntilReady(botUrl, run);
      world = {
        slack: fakes.slack,
        user: slackClientForBot({ botUrl, signingSecret: SECRETS.signingSecret, fake: fakes.slack }),
      };
    }, 90_000);

    afterAll(async () => {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
      await run.exited;
      await Promise.all([stopFakes(fakes), postgres?.drop()]);
    });

    it('requests, approves, provisions (the ExternalId role too), fails, revokes and stops without writing a secret', async () => {
      const w = world as LatchWorld;
      const { slack, aws } = fakes;
      // The day's work: grants on an Identity Center group and, through the ExternalId role, an IAM group.
      await fileRequest(w, alice.id, 'request readonly 1h dashboards');
      await eventually(() => aws.isMember(fakes.groups.readonly, fakes.awsAlice), Boolean, 10_000);
      await fileRequest(w, alice.id, 'request dev-readonly 1h iam');
      await eventually(() => aws.iam.isMember(ACCOUNTS.dev, 'ReadOnly', 'alice.dev'), Boolean, 10_000);
      const requestId = await fileRequest(w, alice.id, 'request oncall 1h pager');
      const card = await approvalCard(w, bob.id, requestId);
      await click(w, bob.id, APPROVE_ACTION, requestId, card);
      await eventually(() => aws.isMember(fakes.groups.oncall, fakes.awsAlice), Boolean, 10_000);
      const list = await typeCommand(w, alice.id, 'list');
      const grantOf = (resourceId: string) =>
        new RegExp(`\`(G[0-9A-Z]{6})\` ${resourceId} `).exec(list)?.[1] ?? '';
      const grantIds = [grantOf('readonly'), grantOf('dev-readonly')];
      expect(grantIds).toEqual([expect.stringMatching(/^G/), expect.stringMatching(/^G/)]);

      // Failures: AWS refuses, Slack refuses, people type nonsense, someone forges a request.
      aws.failNext('AssumeRole', {
        status: 403,
        type: 'AccessDenied',
        message: 'not authorized to perform sts:AssumeRole',
      });
      answers.push(await typeCommand(w, alice.id, 'request dev-readonly 30m again'));
      aws.failNext('CreateGroupMembership', {
        status: 400,
        type: 'AccessDeniedException',
        message: 'denied',
      });
      answers.push(await typeCommand(w, alice.id, 'request readonly 30m again'));
      await dmContaining(w, alice.id, 'could not give you access');
      slack.failNext('chat.postMessage', { error: 'invalid_auth', times: 2 });
      answers.push(await typeCommand(w, alice.id, 'request readonly 20m slack says no'));
      // Eve's first command: Latch remembers a profile for a minute, so only a new face reads one.
      slack.failNext('users.info', { error: 'invalid_auth' });
      answers.push(await typeCommand(w, eve.id, 'request readonly 20m profile unreadable'));
      expect(slack.callsTo('users.info').filter((c) => c.response.error === 'invalid_auth')).toEqual([
        expect.objectContaining({ args: expect.objectContaining({ user: eve.id }) }),
      ]);
      answers.push(await typeCommand(w, alice.id, 'frobnicate'));
      answers.push(await typeCommand(w, alice.id, 'request nosuch 1h x'));
      const body = 'command=%2Faccess&text=admin+sync&user_id=U0ALICE';
      const forged = await w.user.raw(body, {
        'content-type': 'application/x-www-form-urlencoded',
        ...signSlackRequest('not-the-secret', body),
      });
      expect(forged.status).toBe(401);
      if (postgres) {
        // The database drops every connection Latch holds: its next queries fail and it reconnects.
        const { db } = connectDatabase({ databaseUrl: process.env.DATABASE_URL ?? '' });
        await sql`select pg_terminate_backend(pid) from pg_stat_activity
                  where datname = ${new URL(postgres.url).pathname.slice(1)} and pid <> pg_backend_pid()`.execute(
          db,
        );
        await db.destroy();
        // Its next commands may fail on a dropped connection; it answers again once it has reconnected.
        answers.push(
          await eventually(
            () => typeCommand(w, alice.id, 'list'),
            (answer) => answer.includes('Your grants'),
            20_000,
          ),
        );
      }

      // Revocations, AWS failing the first attempt of each: the Identity Center grant released by the
      // grantee, the IAM one revoked by an admin through the ExternalId role; the sweep (every second)
      // retries until both are gone. Then a sync AWS half refuses.
      aws.failNext('DeleteGroupMembership', {
        status: 500,
        type: 'InternalServerException',
        message: 'try again',
      });
      aws.failNext('RemoveUserFromGroup', { status: 500, type: 'ServiceFailure', message: 'try again' });
      answers.push(await typeCommand(w, alice.id, `release ${grantIds[0]}`));
      answers.push(await typeCommand(w, admin.id, `admin revoke ${grantIds[1]} leaving`));
      await eventually(
        () => typeCommand(w, alice.id, 'list'),
        (mine) => !mine.includes(grantIds[0] ?? '-') && !mine.includes(grantIds[1] ?? '-'),
        20_000,
      );
      aws.failNext('ListAccounts', {
        status: 400,
        type: 'AccessDeniedException',
        message: 'cannot list accounts',
      });
      answers.push(await typeCommand(w, admin.id, 'admin sync'));
      expect(await run.stop()).toBe(0);

      const output = run.output();
      const dataDir = join(fakes.dir, 'data');
      const { db, close } = connectDatabase(databaseUrl ? { databaseUrl } : { dataDir });
      const audit = JSON.stringify(await new KyselyStore(db).listAudit({}));
      await close();

      // The run did what it claims: it logged, failed, revoked and audited.
      expect(output).toContain('"msg":"latch started"');
      expect(output).toMatch(/"level":50/);
      expect(output).toContain('AccessDenied');
      expect(audit).toContain('grant.revoked');
      expect(audit).toContain('grant.failed');
      expect(answers.join('\n')).toContain('is not an /access command');
      // And nothing it wrote, said or recorded carries a secret.
      expect(leaks(output)).toEqual([]);
      expect(leaks(saidToSlack(slack))).toEqual([]);
      expect(leaks(answers.join('\n'))).toEqual([]);
      expect(leaks(audit)).toEqual([]);
    }, 120_000);
  });

  it('keeps the app-level token out of everything in Socket Mode, a Slack failure included', async () => {
    const fakes = await startFakes({ appToken: SECRETS.appToken });
    const port = await freePort();
    const run = runLatchProcess({
      SLACK_BOT_TOKEN: SECRETS.botToken,
      SLACK_APP_TOKEN: SECRETS.appToken,
      SLACK_API_URL: fakes.slack.apiUrl,
      PORT: String(port),
      DATA_DIR: 'memory://', // nothing to read back afterwards
      LATCH_POLICY_FILE: fakes.policyFile,
      LATCH_SWEEP_CRON: '* * * * * *',
      AWS_ENDPOINT_URL: fakes.aws.url,
      ...AWS_ENV,
      LOG_LEVEL: 'trace',
    });
    try {
      await waitUntilReady(`http://127.0.0.1:${port}`, run);
      await fakes.slack.socket.waitForConnection(20_000);
      fakes.slack.failNext('chat.postMessage', { error: 'invalid_auth' });
      const sent = await fakes.slack.socket.sendSlashCommand({
        userId: alice.id,
        text: 'request readonly 1h x',
      });
      await fakes.slack.waitForResponse(() => true, 10_000);
      expect(sent.ackPayload).toEqual({});
      expect(await run.stop()).toBe(0);

      expect(fakes.slack.callsTo('apps.connections.open')).toHaveLength(1);
      expect(leaks(run.output())).toEqual([]);
      expect(leaks(saidToSlack(fakes.slack))).toEqual([]);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
      await stopFakes(fakes);
    }
  }, 120_000);

  // Four processes that stop at once: run side by side.
  it.concurrent.for<[string, Record<string, string>, string]>([
    [
      'a database that does not answer',
      { DATABASE_URL: `postgres://postgres:${SECRETS.databasePassword}@127.0.0.1:1/test` },
      'latch: failed to start: connect ECONNREFUSED 127.0.0.1:1',
    ],
    [
      'a database URL that does not parse',
      { DATABASE_URL: `postgres://postgres:${SECRETS.databasePassword}@127.0.0.1:port/test` },
      'latch: failed to start: Invalid URL',
    ],
    [
      'a bot token where the app token goes',
      { SLACK_APP_TOKEN: SECRETS.botToken },
      'latch: SLACK_APP_TOKEN must be an app-level token starting with xapp-',
    ],
    [
      'a bot token Slack does not know',
      { SLACK_BOT_TOKEN: `${SECRETS.botToken}-revoked` },
      "latch: failed to start: SLACK_BOT_TOKEN: Slack's auth.test failed: invalid_auth",
    ],
  ])(
    'stops at start with one line naming the problem, never the secret: %s',
    { timeout: 40_000 },
    async ([, bad, line], { expect }) => {
      const fakes = await startFakes();
      const run = runLatchProcess({
        SLACK_BOT_TOKEN: SECRETS.botToken,
        SLACK_SIGNING_SECRET: SECRETS.signingSecret,
        SLACK_API_URL: fakes.slack.apiUrl,
        PORT: String(await freePort()),
        DATA_DIR: 'memory://',
        LATCH_POLICY_FILE: fakes.policyFile,
        AWS_ENDPOINT_URL: fakes.aws.url,
        ...AWS_ENV,
        LOG_LEVEL: 'trace',
        ...bad,
      });
      try {
        expect(await run.exited).toBe(1);
        const output = run.output();
        expect(output.split('\n').filter((l) => l.startsWith('latch: '))).toEqual([line]);
        expect(output).not.toMatch(/^\s+at /m);
        expect(leaks(output)).toEqual([]);
        expect(leaks(saidToSlack(fakes.slack))).toEqual([]);
      } finally {
        if (run.child.exitCode === null) run.child.kill('SIGKILL');
        await stopFakes(fakes);
      }
    },
  );
});
