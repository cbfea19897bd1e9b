import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LATCH_NODE } from '../../bench/support/build-latch.js';

const run = promisify(execFile);

/** The flags Node gets from bin/latch-node.sh, with these environment variables. */
async function flagsWith(env: Record<string, string>): Promise<string[]> {
  const { stdout } = await run('sh', [LATCH_NODE, '-p', 'JSON.stringify(process.execArgv)'], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return (JSON.parse(stdout) as string[]).filter((flag) => flag.startsWith('--'));
}

/** `npm start` (which the benchmarks run) and the container image must run the same Node process. */
describe('the node flags Latch runs with', () => {
  it('come from bin/latch-node.sh in `npm start` and in the image’s CMD', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: { start: string };
    };
    const dockerfile = await readFile(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const cmdLine = dockerfile.split('\n').find((line) => line.startsWith('CMD '));

    expect(pkg.scripts.start).toBe('sh bin/latch-node.sh dist/src/main.js');
    expect(JSON.parse(cmdLine?.slice(4) ?? '[]')).toEqual(['sh', 'bin/latch-node.sh', 'dist/src/main.js']);
  });

  it('give V8 a 64 MB young generation on PostgreSQL and a 4 MB one with the embedded PGlite', async () => {
    const pg = 'postgres://latch@db/latch';
    expect(await flagsWith({ DATABASE_URL: pg, LATCH_ACK_THREAD: 'off' })).toEqual([
      '--max-semi-space-size=64',
      '--enable-source-maps',
    ]);
    expect(await flagsWith({})).toEqual(['--max-semi-space-size=4', '--enable-source-maps']);
    expect(await flagsWith({ DATABASE_URL: '' })).toEqual([
      '--max-semi-space-size=4',
      '--enable-source-maps',
    ]);
  });

  it('scavenge without V8’s helper threads whenever the front thread answers Slack (LATCH_ACK_THREAD)', async () => {
    const pg = 'postgres://latch@db/latch';
    const withoutHelpers = (flags: string[]) => flags.includes('--no-parallel-scavenge');
    // The front thread's default: HTTP mode with PostgreSQL.
    expect(withoutHelpers(await flagsWith({ DATABASE_URL: pg }))).toBe(true);
    expect(withoutHelpers(await flagsWith({ DATABASE_URL: pg, LATCH_ACK_THREAD: 'on' }))).toBe(true);
    expect(withoutHelpers(await flagsWith({ LATCH_ACK_THREAD: 'on' }))).toBe(true);
    expect(withoutHelpers(await flagsWith({ DATABASE_URL: pg, LATCH_ACK_THREAD: 'off' }))).toBe(false);
    expect(withoutHelpers(await flagsWith({ DATABASE_URL: pg, SLACK_APP_TOKEN: 'xapp-1' }))).toBe(false);
    expect(withoutHelpers(await flagsWith({}))).toBe(false);
  });

  it('passes its arguments on to node, as the command line of the process it becomes', async () => {
    const { stdout } = await run(
      'sh',
      [LATCH_NODE, '-e', 'console.log(process.argv.slice(1).join(" "))', 'a', 'b c'],
      {
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(stdout.trim()).toBe('a b c');
  });
});
