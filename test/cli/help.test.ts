import { describe, expect, it } from 'vitest';
import { latchLines, runLatchCli } from './run-latch-cli.js';

const COMMANDS = [
  'start',
  'migrate',
  'doctor',
  'policy check',
  'aws-policy',
  'grants',
  'audit export',
  'sync',
  'insights',
];

describe('latch help and usage', () => {
  it.each(COMMANDS)('explains `%s` with --help and exits 0', async (command) => {
    const run = await runLatchCli([...command.split(' '), '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(new RegExp(`^usage: latch ${command}\\b`));
    expect(run.stdout).toContain('exit codes:');
  });

  it('lists every command for --help, and exits 2 with the same list when given none', async () => {
    const [help, none] = await Promise.all([runLatchCli(['--help']), runLatchCli([])]);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toContain(`  ${command} `);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(`${help.stdout}`);
  });

  it('refuses an unknown command or option with exit 2 and says where to look', async () => {
    const [unknown, option, extra] = await Promise.all([
      runLatchCli(['frobnicate']),
      runLatchCli(['grants', '--everything']),
      runLatchCli(['grants', 'now']),
    ]);
    expect(unknown.code).toBe(2);
    expect(latchLines(unknown.stderr)[0]).toBe('latch: unknown command "frobnicate"');
    const typo = await runLatchCli(['policy', 'chek']);
    expect([typo.code, latchLines(typo.stderr)[0]]).toEqual([2, 'latch policy: expected check, not "chek"']);
    expect(option.code).toBe(2);
    expect(latchLines(option.stderr)).toEqual([
      "latch grants: Unknown option '--everything'",
      'usage: latch grants [options]  (see `latch grants --help`)',
    ]);
    expect(extra.code).toBe(2);
    expect(latchLines(extra.stderr)[0]).toBe('latch grants: unexpected argument "now"');
  });

  it('refuses to sync without a policy file, with one line naming it and nothing written', async () => {
    const run = await runLatchCli(['sync'], { LATCH_POLICY_FILE: 'nope/latch.policy.yml' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^latch: LATCH_POLICY_FILE: nope\/latch.policy.yml does not exist/);
    expect(run.stdout).toBe('');
  });

  it('keeps `main.js` as `latch start`: with nothing set it stops with one line naming the setting', async () => {
    const run = await runLatchCli([], {}, 'src/main.ts');
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`.trim()).toBe(
      'latch: SLACK_BOT_TOKEN is required: the bot token (xoxb-…) from your Slack app',
    );
  });
});
