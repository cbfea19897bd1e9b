import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.js';
import { type FakeAwsServer, startFakeAwsServer } from '../support/fake-aws-server.js';
import { createScratchPostgres } from '../support/test-database.js';
import { runLatchCli } from './run-latch-cli.js';

const EXTERNAL_ID = 'cli-sync-ext';

describe('latch sync', () => {
  let dir: string;
  let env: Record<string, string>;
  let aws: FakeAwsServer;
  let postgres: Awaited<ReturnType<typeof createScratchPostgres>>;
  let groupId: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latch-cli-sync-'));
    postgres = await createScratchPostgres();
    aws = await startFakeAwsServer({ pageSize: 2 });
    groupId = aws.addGroup({ displayName: 'On-call' });
    aws.addGroup({ displayName: 'Auditors' });
    const ps = aws.ssoAdmin.addPermissionSet({ name: 'AdministratorAccess' });
    for (const [id, externalId] of [
      ['222222222222', EXTERNAL_ID],
      ['333333333333', 'someone-elses-id'],
    ] as const) {
      aws.organizations.addAccount({ id, name: `team-${id.slice(0, 3)}` });
      aws.addRole({ arn: `arn:aws:iam::${id}:role/LatchAccess`, externalId });
      aws.iam.addGroup(id, { groupName: 'ReadOnly' });
      aws.ssoAdmin.provision(ps, id);
    }
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
        `  - { id: oncall, kind: sso_group, group_id: ${groupId}, tier: medium }`,
        '  - { id: team-ro, kind: iam_group, account_id: "222222222222", group_name: ReadOnly, tier: low }',
        '  - { id: gone, kind: iam_group, account_id: "222222222222", group_name: Deleted, tier: low }',
      ].join('\n'),
    );
    env = {
      ...(postgres ? { DATABASE_URL: postgres.url } : { DATA_DIR: join(dir, 'data') }),
      LATCH_POLICY_FILE: policy,
      AWS_ACCESS_KEY_ID: 'AKIACLISYNC',
      AWS_SECRET_ACCESS_KEY: 'cli-sync-secret',
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

  it('records the catalog, names what is unclassified and missing, and reports an account it cannot read', async () => {
    const run = await runLatchCli(['sync'], env);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^synced 3 account\(s\): \d+ resource\(s\), \d+ unclassified; \d+ AWS call\(s\) in/,
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^could not read account 333333333333 \(iam:ListGroups\): cannot assume .*AccessDenied/,
      ),
    );
    expect(lines).toContain('not found in AWS: policy resource gone');
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}group-auditors {2}sso_group {2}Auditors$/));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^ {2}administratoraccess-222222222222 {2}sso_permission_set {2}AdministratorAccess in team-222/,
      ),
    );
    // Policy resources are not unclassified; the unreadable account's groups are not invented.
    expect(lines.join('\n')).not.toMatch(/^ {2}(oncall|team-ro)\b/m);
    expect(lines.join('\n')).not.toMatch(/readonly-333333333333/);
  });

  it('keeps the ids it gave on the next sync, and exits 0 once every account reads', async () => {
    const first = await runLatchCli(['sync'], env);
    aws.addRole({ arn: 'arn:aws:iam::333333333333:role/LatchAccess', externalId: EXTERNAL_ID });
    const second = await runLatchCli(['sync'], env);
    expect(second.code).toBe(0);
    const ids = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('  '))
        .map((l) => l.trim().split(/\s+/)[0]);
    expect(ids(second.stdout)).toEqual(expect.arrayContaining(ids(first.stdout)));
    expect(ids(second.stdout)).toContain('readonly-333333333333');
  });

  it('takes its AWS calls from the rate limits in the database, which the bot shares', async () => {
    expect((await runLatchCli(['sync'], env)).code).toBe(0);
    // The CLI has exited, so the embedded database can be opened here.
    const database = connectDatabase(
      postgres ? { databaseUrl: postgres.url } : { dataDir: join(dir, 'data') },
    );
    try {
      const { rows } = await sql<{ bucket: string }>`select bucket from call_rate order by bucket`.execute(
        database.db,
      );
      expect(rows.map((r) => r.bucket)).toEqual(expect.arrayContaining(['iam', 'identity-center', 'sts']));
    } finally {
      await database.close();
    }
  });
});
