import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmContaining, eventually, fileRequest } from '../support/e2e-steps.js';
import { type FakeAwsServer, startFakeAwsServer } from '../support/fake-aws-server.js';
import { type FakeSlackServer, startFakeSlackServer } from '../support/fake-slack-server.js';
import { slackClientForBot } from '../support/sign-slack-request.js';
import type { LatchWorld } from '../support/start-latch.js';
import { freePort, PEOPLE, SIGNING_SECRET } from '../support/start-latch.js';
import { createScratchPostgres } from '../support/test-database.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Runs `src/main.ts` as `npm start` would run the built file, with exactly `env`. */
function runLatch(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('latch as a process', () => {
  it('stops at once with one line naming SLACK_BOT_TOKEN when nothing is set', async () => {
    const run = runLatch({});
    expect(await run.exited).not.toBe(0);
    expect(run.output().trim()).toBe(
      'latch: SLACK_BOT_TOKEN is required: the bot token (xoxb-…) from your Slack app',
    );
  });

  describe('configured as the README says, against local Slack and AWS', () => {
    let slack: FakeSlackServer;
    let aws: FakeAwsServer;
    let dir: string;
    let run: ReturnType<typeof runLatch>;
    let world: Pick<LatchWorld, 'slack' | 'user'>;
    let postgres: Awaited<ReturnType<typeof createScratchPostgres>>;

    beforeAll(async () => {
      slack = await startFakeSlackServer();
      aws = await startFakeAwsServer({ identityStoreId: 'd-1234567890' });
      slack.addUser({ ...PEOPLE.alice, isEmailConfirmed: true });
      slack.addUser({ ...PEOPLE.admin, isEmailConfirmed: true });
      slack.addChannel('C0AUDIT', { isMember: true });
      aws.addUser({ userName: 'alice', email: PEOPLE.alice.email });
      const group = aws.addGroup({ displayName: 'readonly' });
      dir = await mkdtemp(join(tmpdir(), 'latch-process-'));
      const policy = (await readFile(new URL('../support/fixtures/policy.yml', import.meta.url), 'utf8'))
        .replace('GROUP_READONLY', group)
        .replace('PS_ADMIN', aws.ssoAdmin.addPermissionSet({ name: 'AdministratorAccess' }))
        .replace('PS_READONLY', aws.ssoAdmin.addPermissionSet({ name: 'ReadOnlyAccess' }))
        .replace('warn_before: 15m', 'warn_before: 5s')
        .replace('tiers:\n', 'tiers:\n  low: { min_duration: 10s }\n');
      await writeFile(join(dir, 'policy.yml'), policy);
      postgres = await createScratchPostgres();
      const port = await freePort();
      run = runLatch({
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        DATA_DIR: join(dir, 'data'),
        ...(postgres ? { DATABASE_URL: postgres.url } : {}),
        LATCH_POLICY_FILE: join(dir, 'policy.yml'),
        LATCH_SWEEP_CRON: '* * * * * *',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIAPROCESSFAKE',
        AWS_SECRET_ACCESS_KEY: 'process-fake-secret',
        AWS_ENDPOINT_URL: aws.url,
        LOG_LEVEL: 'info',
      });
      const botUrl = `http://127.0.0.1:${port}`;
      await eventually(
        () =>
          fetch(`${botUrl}/readyz`).then(
            (r) => r.status,
            () => 0,
          ),
        (status) => status === 200,
        20_000,
      );
      world = { slack, user: slackClientForBot({ botUrl, signingSecret: SIGNING_SECRET, fake: slack }) };
    }, 30_000);

    afterAll(async () => {
      run.child.kill('SIGKILL');
      await run.exited;
      await Promise.all([slack.close(), aws.close(), postgres?.drop()]);
      await rm(dir, { recursive: true, force: true });
    });

    it('grants, warns and revokes on the real clock through its own cron sweep, then stops cleanly on SIGTERM', async () => {
      const requestId = await fileRequest(
        world as LatchWorld,
        PEOPLE.alice.id,
        'request readonly 10s smoke test',
      );
      expect(requestId).toMatch(/^R/);
      await dmContaining(world as LatchWorld, PEOPLE.alice.id, 'is active until');
      expect(aws.calls.some((c) => c.operation === 'CreateGroupMembership')).toBe(true);

      await eventually(
        () => slack.dmsTo(PEOPLE.alice.id).some((m) => (m.text ?? '').includes('has ended')),
        Boolean,
        20_000,
      );
      expect(slack.dmsTo(PEOPLE.alice.id).some((m) => (m.text ?? '').includes('⏳'))).toBe(true);
      expect(aws.calls.some((c) => c.operation === 'DeleteGroupMembership')).toBe(true);
      expect(run.output()).not.toContain(slack.botToken);
      expect(run.output()).not.toContain('process-fake-secret');

      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    }, 40_000);
  });
});
