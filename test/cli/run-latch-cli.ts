import { spawn } from 'node:child_process';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

// One child at a time per test file: a burst of Node processes starves the e2e tests' bots.
let queue: Promise<unknown> = Promise.resolve();

/** Runs `latch <args…>` from source as its own process, with exactly `env` (plus PATH and HOME). */
export function runLatchCli(
  args: readonly string[],
  env: Record<string, string> = {},
  entry = 'src/cli/latch.ts',
): Promise<CliRun> {
  const run = queue.then(() => spawnLatch(args, env, entry));
  queue = run.catch(() => {});
  return run;
}

function spawnLatch(args: readonly string[], env: Record<string, string>, entry: string): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** stderr without Node's own warnings (the AWS SDK warns about Node 20 on some versions). */
export function latchLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('latch') || line.startsWith('usage:') || line.startsWith('note:'));
}
