import type { ParseArgsConfig } from 'node:util';

/** Exit codes every `latch` command keeps: 0 done, 1 a check or the work failed, 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Where a command reads settings and writes lines; tests and `main.ts` both pass the process's. */
export interface CliIo {
  env: Record<string, string | undefined>;
  out(line: string): void;
  err(line: string): void;
}

export interface CliArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** How every database command finds the database, for its help text. */
export const DATABASE_HELP =
  'DATABASE_URL (a postgres:// URL), or else the embedded database under DATA_DIR (default ./data).';

/**
 * A command's metadata is loaded for every `latch` run (help, dispatch); what its `run` needs that is
 * heavy (the AWS SDK, Bolt, the database drivers) it imports when it runs, so `latch --help` stays fast.
 */
export interface CliCommand {
  /** One or two words: `grants`, `policy check`. */
  name: string;
  summary: string;
  /** `--help` text after the usage line: what it does, options, exit codes. */
  help: string;
  /** Written after `latch <name>` in the usage line, e.g. `<file>`. */
  usage?: string;
  options?: ParseArgsConfig['options'];
  positionals?: { min: number; max: number };
  run(args: CliArgs, io: CliIo): Promise<number>;
}

/** Wrong arguments: printed with the usage line, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function processIo(): CliIo {
  return {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}

export function usageLine(command: Pick<CliCommand, 'name' | 'usage' | 'options'>): string {
  const hasOptions = Object.keys(command.options ?? {}).length > 0;
  return ['usage: latch', command.name, hasOptions ? '[options]' : '', command.usage ?? '']
    .filter(Boolean)
    .join(' ');
}

/** An error as one line for a person: its first line, or the first of an AggregateError's. */
export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const first = error.message.split('\n')[0];
  if (first) return first;
  const inner = (error as { errors?: unknown[] }).errors?.[0];
  return inner === undefined ? error.name : errorText(inner);
}
