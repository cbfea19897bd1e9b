import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import {
  type CliArgs,
  type CliCommand,
  type CliIo,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  errorText,
  UsageError,
  usageLine,
} from './cli-command.js';
import { auditExportCommand } from './commands/audit-export-command.js';
import { awsPolicyCommand } from './commands/aws-policy-command.js';
import { doctorCommand } from './commands/doctor-command.js';
import { grantsCommand } from './commands/grants-command.js';
import { insightsCommand } from './commands/insights-command.js';
import { migrateCommand } from './commands/migrate-command.js';
import { policyCheckCommand } from './commands/policy-check-command.js';
import { startCommand } from './commands/start-command.js';
import { syncCommand } from './commands/sync-command.js';

/** The one list of `latch` commands, in the order `latch --help` shows them. */
export const COMMANDS: readonly CliCommand[] = [
  startCommand,
  migrateCommand,
  doctorCommand,
  policyCheckCommand,
  awsPolicyCommand,
  grantsCommand,
  auditExportCommand,
  syncCommand,
  insightsCommand,
];

/** Runs `latch <argv…>` and resolves with its exit code (`start` resolves once the bot has stopped). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? findCommand(argv.slice(1)) : undefined;
    if (topic && topic.rest.length === 0) return printHelp(topic.command, io);
    if (first === undefined) {
      io.err(overview());
      return EXIT_USAGE;
    }
    io.out(overview());
    return EXIT_OK;
  }
  const found = findCommand(argv);
  if (!found) {
    const subcommands = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map(
      (c) => c.name.split(' ')[1],
    );
    io.err(
      subcommands.length
        ? `latch ${first}: expected ${subcommands.join(' or ')}${argv[1] ? `, not "${argv[1]}"` : ''}`
        : `latch: unknown command "${first}"`,
    );
    io.err('run `latch --help` to see the commands');
    return EXIT_USAGE;
  }
  const { command, rest } = found;
  let args: CliArgs;
  try {
    args = parse(command, rest);
  } catch (error) {
    return usageFailure(command, error, io);
  }
  if (args.values.help) return printHelp(command, io);
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(command, error, io);
    io.err(
      error instanceof ConfigError ? `latch: ${error.message}` : `latch ${command.name}: ${errorText(error)}`,
    );
    return EXIT_FAILED;
  }
}

function findCommand(argv: readonly string[]): { command: CliCommand; rest: string[] } | undefined {
  const twoWords = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (twoWords) return { command: twoWords, rest: argv.slice(2) };
  const oneWord = COMMANDS.find((c) => c.name === argv[0]);
  return oneWord && { command: oneWord, rest: argv.slice(1) };
}

function parse(command: CliCommand, rest: string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: rest,
    options: { ...command.options, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return { values, positionals };
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (positionals.length < min) throw new UsageError(`expected ${command.usage ?? 'more arguments'}`);
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`);
  return { values, positionals };
}

function printHelp(command: CliCommand, io: CliIo): number {
  io.out(`${usageLine(command)}\n\n${command.summary}.\n\n${command.help.trim()}`);
  return EXIT_OK;
}

function usageFailure(command: CliCommand, error: unknown, io: CliIo): number {
  // parseArgs explains itself in its first sentence; the rest is advice about `--`.
  const reason = errorText(error).split('. ')[0] ?? '';
  io.err(`latch ${command.name}: ${reason}`);
  io.err(`${usageLine(command)}  (see \`latch ${command.name} --help\`)`);
  return EXIT_USAGE;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'latch: just-in-time AWS access from Slack',
    '',
    'usage: latch <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    '`latch <command> --help` explains one. Exit codes: 0 ok, 1 a check or the work failed, 2 bad usage.',
  ].join('\n');
}
