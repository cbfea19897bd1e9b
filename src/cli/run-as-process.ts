import type { Writable } from 'node:stream';
import { errorText, processIo } from './cli-command.js';
import { runCli } from './run-cli.js';

/**
 * Runs a command as this process, then exits with its code once stdout and stderr have drained:
 * pipes are asynchronous on some platforms, and a stopped bot may leave sockets behind.
 */
export async function runAsProcess(argv: readonly string[]): Promise<never> {
  let code: number;
  try {
    code = await runCli(argv, processIo());
  } catch (error) {
    process.stderr.write(`latch: ${errorText(error)}\n`);
    code = 1;
  }
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}
