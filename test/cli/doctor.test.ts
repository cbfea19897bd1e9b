import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAwsServer, startFakeAwsServer } from '../support/fake-aws-server.js';
import { type FakeSlackServer, startFakeSlackServer } from '../support/fake-slack-server.js';
import { SIGNING_SECRET } from '../support/start-latch.js';
import { createScratchPostgres } from '../support/test-database.js';
import { runLatchCli } from './run-latch-cli.js';

describe('latch doctor', () => {
  let slack: FakeSlackServer;
  let aws: FakeAwsServer;
  let dir: string;
  let postgres: Awaited<ReturnType<typeof createScratchPostgres>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    slack = await startFakeSlackServer();
    aws = await startFakeAwsServer({ identityStoreId: 'd-1234567890' });
    dir = await mkdtemp(join(tmpdir(), 'latch-cli-doctor-'));
    postgres = await createScratchPostgres();
    env = {
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      ...(postgres ? { DATABASE_URL: postgres.url } : { DATA_DIR: join(dir, 'data') }),
      LATCH_POLICY_FILE: 'test/cli/fixtures/policy.yml',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIADOCTORFAKE',
      AWS_SECRET_ACCESS_KEY: 'doctor-fake-secret',
      AWS_ENDPOINT_URL: aws.url,
    };
    expect((await runLatchCli(['migrate'], env)).code).toBe(0);
  });

  afterAll(async () => {
    await Promise.all([slack.close(), aws.close(), postgres?.drop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('passes every check against working Slack, AWS and database, one line each', async () => {
    const run = await runLatchCli(['doctor'], env);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^settings: ok \(HTTP on port 3000, /),
      'policy: ok (test/cli/fixtures/policy.yml: 3 resources)',
      expect.stringMatching(/^database: ok \(.+, migrations applied\)$/),
      'slack token: ok (workspace Test, bot latch)',
      // The local Slack server sends no x-oauth-scopes header yet; when it does, this must be ok.
      expect.stringMatching(/^slack scopes: (ok\b|warning: could not read \(no x-oauth-scopes header\)$)/),
      'slack mode: ok (HTTP, signing secret set)',
      expect.stringMatching(/^aws identity: ok \(arn:aws:(iam|sts)::123456789012:/),
      'identity store: ok (d-1234567890 answers)',
      `identity center: ok (${aws.ssoAdmin.instanceArn}, identity store d-1234567890)`,
      'cross-account roles: skipped: the policy names no aws.cross_account_role',
      expect.stringMatching(/^doctor: all checks passed \((1 warning\(s\), )?1 skipped\)$/),
    ]);
    expect(run.code).toBe(0);
    expect(aws.calls.map((call) => call.operation)).toEqual(
      expect.arrayContaining(['GetCallerIdentity', 'GetUserId']),
    );
    expect(`${run.stdout}${run.stderr}`).not.toContain('doctor-fake-secret');
  });

  it('fails with exit 1 and a line saying what to fix when the Slack token is wrong', async () => {
    const run = await runLatchCli(['doctor'], { ...env, SLACK_BOT_TOKEN: 'xoxb-not-the-token' });
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toContain(
      'slack token: FAIL: Slack says invalid_auth: SLACK_BOT_TOKEN is wrong or revoked; copy the Bot User OAuth Token (xoxb-…) from the Slack app again',
    );
    expect(lines).toContain('slack scopes: skipped: the token did not work');
    expect(lines.at(-1)).toBe('doctor: 1 of 10 checks failed (2 skipped)');
    expect(run.stdout).not.toContain('xoxb-not-the-token');
  });

  it('names the identity store when the policy points at one that does not exist', async () => {
    const other = await startFakeAwsServer({ identityStoreId: 'd-9999999999' });
    try {
      const run = await runLatchCli(['doctor'], { ...env, AWS_ENDPOINT_URL: other.url });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        'identity store: FAIL: d-1234567890 does not exist: check aws.identity_center.identity_store_id in the policy',
      );
    } finally {
      await other.close();
    }
  });

  it('names each member account whose role cannot be assumed with the ExternalId', async () => {
    const org = await startFakeAwsServer({ identityStoreId: 'd-1234567890' });
    try {
      for (const [id, externalId] of [
        ['222222222222', 'doctor-ext'],
        ['333333333333', 'another-ext'],
      ] as const) {
        org.organizations.addAccount({ id, name: id });
        org.addRole({ arn: `arn:aws:iam::${id}:role/LatchAccess`, externalId });
      }
      org.organizations.addAccount({ id: '444444444444', name: 'no role' });
      const policy = join(dir, 'cross-account.yml');
      await writeFile(
        policy,
        [
          'admins: [admin@example.com]',
          'aws: { region: us-east-1, cross_account_role: LatchAccess, external_id: doctor-ext }',
          'resources: []',
        ].join('\n'),
      );
      const run = await runLatchCli(['doctor'], {
        ...env,
        AWS_ENDPOINT_URL: org.url,
        LATCH_POLICY_FILE: policy,
      });
      expect(run.code).toBe(1);
      const lines = run.stdout.trim().split('\n');
      expect(lines).toContain(
        'cross-account roles: FAIL: 2 of 3 account(s) of the organization cannot be reached through LatchAccess',
      );
      for (const account of ['333333333333', '444444444444']) {
        expect(lines).toContainEqual(
          expect.stringMatching(
            new RegExp(
              `^cross-account role in ${account}: FAIL: .*cannot assume arn:aws:iam::${account}:role/LatchAccess`,
            ),
          ),
        );
      }
      expect(lines.join('\n')).not.toMatch(/role in 222222222222/);
      const assumed = org.calls.filter((c) => c.operation === 'AssumeRole');
      expect(assumed.every((c) => (c.input as { ExternalId?: string }).ExternalId === 'doctor-ext')).toBe(
        true,
      );
    } finally {
      await org.close();
    }
  });
});
