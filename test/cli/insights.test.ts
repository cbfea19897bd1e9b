import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAwsServer, startFakeAwsServer } from '../support/fake-aws-server.js';
import { createScratchPostgres } from '../support/test-database.js';
import { runLatchCli } from './run-latch-cli.js';

const EXTERNAL_ID = 'cli-insights-ext';
const PROD = '222222222222';
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

describe('latch insights', () => {
  let dir: string;
  let env: Record<string, string>;
  let aws: FakeAwsServer;
  let postgres: Awaited<ReturnType<typeof createScratchPostgres>>;
  let key: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latch-cli-insights-'));
    postgres = await createScratchPostgres();
    aws = await startFakeAwsServer({ pageSize: 2 });
    aws.organizations.addAccount({ id: PROD, name: 'prod' });
    aws.addRole({ arn: `arn:aws:iam::${PROD}:role/LatchAccess`, externalId: EXTERNAL_ID });
    aws.organizations.addAccount({ id: '333333333333', name: 'no-role' });
    const admin = aws.iam.access.createPolicy('aws', 'AdministratorAccess', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    });
    aws.iam.addGroup(PROD, { groupName: 'Admins' });
    aws.iam.access.attachGroupPolicy(PROD, 'Admins', admin);
    aws.iam.addUser(PROD, { userName: 'bob' });
    aws.iam.addToGroup(PROD, 'Admins', 'bob');
    aws.iam.addUser(PROD, { userName: 'dave', createdAt: daysAgo(300) });
    key = aws.iam.access.addAccessKey(PROD, 'dave', { createdAt: daysAgo(200), lastUsedAt: daysAgo(143) });
    const policy = join(dir, 'policy.yml');
    await writeFile(
      policy,
      [
        'admins: [admin@example.com]',
        'aws:',
        '  region: us-east-1',
        '  cross_account_role: LatchAccess',
        `  external_id: ${EXTERNAL_ID}`,
        'resources:',
        `  - { id: prod-admin, kind: iam_group, account_id: "${PROD}", group_name: Admins, tier: high }`,
      ].join('\n'),
    );
    env = {
      ...(postgres ? { DATABASE_URL: postgres.url } : { DATA_DIR: join(dir, 'data') }),
      LATCH_POLICY_FILE: policy,
      AWS_ACCESS_KEY_ID: 'AKIACLIINSIGHTS',
      AWS_SECRET_ACCESS_KEY: 'cli-insights-secret',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: aws.url,
      AWS_MAX_ATTEMPTS: '1',
    };
    expect((await runLatchCli(['migrate'], env)).code).toBe(0);
  });

  afterAll(async () => {
    await aws.close();
    await postgres?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('says there is nothing yet, and refuses a bad --top without reading AWS', async () => {
    const none = await runLatchCli(['insights'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('nothing read yet; run `latch insights --refresh`');
    const bad = await runLatchCli(['insights', '--refresh', '--top', '0'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--top must be a whole number from 1 to 100, not "0"');
    expect(aws.calls).toEqual([]);
  });

  it('reads AWS, prints the top risks and changes, reports the account it could not read, and keeps it', async () => {
    const refreshed = await runLatchCli(['insights', '--refresh', '--top', '2'], env);
    expect(refreshed.code).toBe(1);
    const lines = refreshed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^standing access read \S+Z: 2 account\(s\), 1 part\(s\) could not be read$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^could not read account 333333333333 \(sts:AssumeRole\): cannot assume /),
    );
    expect(lines.slice(lines.indexOf('riskiest principals:'))).toEqual([
      'riskiest principals:',
      `  100  user bob (${PROD})  policy AdministratorAccess (via group Admins) scores 100; holds prod-admin standing through IAM group Admins; Latch grants it just in time`,
      `   25  user dave (${PROD})  active access key ${key} unused for 143 days; active access key ${key} is 200 days old`,
      'recommendations (2 of 2):',
      `  100  remove bob's standing membership in Admins (${PROD}); it stays requestable through Latch as prod-admin, tier high`,
      `   25  deactivate access key ${key} of dave (${PROD}), unused for 143 days`,
    ]);
    // Nothing in AWS was changed: every call was a read.
    expect(
      aws.calls.map((c) => c.operation).filter((op) => !/^(Get|List|Describe|AssumeRole)/.test(op)),
    ).toEqual([]);

    const calls = aws.calls.length;
    const stored = await runLatchCli(['insights', '--top', '2'], env);
    expect(stored.stdout).toBe(refreshed.stdout);
    expect(aws.calls.length).toBe(calls);
  });
});
