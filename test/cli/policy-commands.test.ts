import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latchLines, runLatchCli } from './run-latch-cli.js';

const FIXTURE = 'test/cli/fixtures/policy.yml';

describe('latch policy check and aws-policy', () => {
  let dir: string;
  let badPolicy: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latch-cli-policy-'));
    badPolicy = join(dir, 'bad.yml');
    const text = await readFile(FIXTURE, 'utf8');
    await writeFile(badPolicy, text.replace('tier: low', 'tier: hihg'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('shows what a valid policy does: tiers, then who approves each resource step', async () => {
    const run = await runLatchCli(['policy', 'check', FIXTURE]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`${FIXTURE} is valid.`);
    expect(lines).toContain('  medium    manager; 5m to 8h; approval valid 7d; warn 15m before the end');
    expect(lines).toContain(
      '  readonly (Read-only everywhere): sso_group group 9067b5e4-0000-0000-0000-000000000002, tier low',
    );
    expect(lines).toContain('    step 2, owner: no owners listed, so fallback: admins (admin@example.com)');
  });

  it('refuses a bad policy with exit 1 and one line naming the key', async () => {
    const run = await runLatchCli(['policy', 'check', badPolicy]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(`latch: ${badPolicy}: resources[1].tier: unknown tier "hihg"`);
  });

  it('refuses a policy file that does not exist, and a missing argument as usage', async () => {
    const [missing, none] = await Promise.all([
      runLatchCli(['policy', 'check', join(dir, 'nope.yml')]),
      runLatchCli(['policy', 'check']),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`latch: ${join(dir, 'nope.yml')} does not exist`);
    expect(none.code).toBe(2);
  });

  it('prints an IAM policy as JSON for the calls Latch makes, scoped to the store', async () => {
    const run = await runLatchCli(['aws-policy', '--account', '123456789012'], {
      LATCH_POLICY_FILE: FIXTURE,
    });
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document.Version).toBe('2012-10-17');
    const actions: string[] = document.Statement.flatMap((s: { Action: string[] }) => s.Action);
    // The fixture has Identity Center groups and a permission set, but no IAM group.
    expect(actions).toEqual(
      expect.arrayContaining([
        'identitystore:CreateGroupMembership',
        'sso:CreateAccountAssignment',
        'sso:DescribeAccountAssignmentCreationStatus',
        'organizations:ListAccounts',
        'cloudtrail:LookupEvents',
        'iam:ListGroups',
      ]),
    );
    expect(actions).not.toContain('iam:AddUserToGroup');
    expect(actions.filter((a) => a.endsWith('*'))).toEqual([]);
    const store = document.Statement.find((s: { Sid: string }) => s.Sid === 'LatchIdentityStore');
    expect(store.Resource).toEqual([
      'arn:aws:identitystore::123456789012:identitystore/d-1234567890',
      'arn:aws:identitystore:::user/*',
      'arn:aws:identitystore:::group/*',
      'arn:aws:identitystore:::membership/*',
    ]);
    expect(latchLines(run.stderr)).toEqual([]);
  });

  it('refuses an account id that is not 12 digits, and a bad policy file', async () => {
    const [account, policy] = await Promise.all([
      runLatchCli(['aws-policy', '--account', '1234', '--policy', FIXTURE]),
      runLatchCli(['aws-policy', '--policy', badPolicy]),
    ]);
    expect(account.code).toBe(2);
    expect(latchLines(account.stderr)[0]).toBe(
      'latch aws-policy: --account must be a 12-digit AWS account id, not "1234"',
    );
    expect(policy.code).toBe(1);
    expect(policy.stdout).toBe('');
  });
});
