import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onLines } from '../../test/support/read-lines.js';
import { LATCH_NODE, REPO_ROOT } from './build-latch.js';
import { progress } from './progress.js';
import { sleep } from './stats.js';

export interface ProcessLogs {
  /** Log lines at warn or above, counted by message. */
  readonly warnings: Map<string, number>;
  /** The first few warn/error lines in full, for diagnosis. */
  readonly samples: string[];
  /** Lines at warn or above whose text matches `pattern`. */
  count(pattern: RegExp): number;
}

export interface ServerProcess {
  readonly pid: number;
  readonly url: string;
  /** From spawn to the first 200 from GET /healthz. */
  readonly startMs: number;
  readonly logs: ProcessLogs;
  /** Resident memory now and its peak (Linux /proc), in MB. */
  memory(): Promise<{ rssMb: number; peakRssMb: number }>;
  /** CPU time (user and system, all threads) the process has used so far, in seconds (Linux /proc). */
  cpuSeconds(): Promise<number>;
  /**
   * SIGTERM, then waits for the exit (the bot finishes work in flight first); `now` kills at once
   * instead, unless a CPU profile is being written (it is written on a clean exit only).
   */
  stop(options?: { now?: boolean }): Promise<number | null>;
}

const PINO_WARN = 40;
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * Runs a server (Latch's `main.js start`, or the bare Bolt floor) as its own process, so it has
 * an event loop to itself, and waits until it answers GET /healthz.
 */
export async function startServerProcess(options: {
  script: string;
  args?: string[];
  /** Node flags, e.g. `--import tsx` for a TypeScript script. */
  nodeArgs?: string[];
  /** Run Node as `npm start` does, through bin/latch-node.sh and the flags it gives. */
  asDeployed?: boolean;
  env: Record<string, string>;
  port: number;
  timeoutMs?: number;
}): Promise<ServerProcess> {
  const started = performance.now();
  const diagnostics = diagnosticOptions();
  const nodeArgs = [...diagnostics.nodeArgs, ...(options.nodeArgs ?? [])];
  const [command, ...launcherArgs] = options.asDeployed ? ['sh', LATCH_NODE] : [process.execPath];
  const child = spawn(command, [...launcherArgs, ...nodeArgs, options.script, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    // The launcher runs `node` from PATH: this one first.
    env: {
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '',
      ...diagnostics.env,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = collectLogs(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = started + (options.timeoutMs ?? 60_000);
  while (!(await isHealthy(url))) {
    if (hasExited || performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.script} did not become healthy:\n${logs.tail()}`);
    }
    await sleep(5);
  }
  const startMs = performance.now() - started;
  const pid = child.pid ?? 0;
  return {
    pid,
    url,
    startMs,
    logs,
    memory: () => memoryOf(pid),
    cpuSeconds: () => cpuSecondsOf(pid),
    async stop({ now = false } = {}) {
      if (hasExited) return exited;
      child.kill(now && !diagnostics.needCleanExit ? 'SIGKILL' : 'SIGTERM');
      // Latch's own stop takes up to 30 s (in-flight work, then Slack's queue); a profile needs that exit.
      const timer = setTimeout(() => child.kill('SIGKILL'), diagnostics.needCleanExit ? 60_000 : 30_000);
      const code = await exited;
      clearTimeout(timer);
      await reportQueries(pid);
      return code;
    },
  };
}

/**
 * `--profile <dir>` writes a V8 CPU profile of every server process there; `--queries <dir>` counts
 * the SQL each one sends. Both are written on a clean exit only.
 */
function diagnosticOptions(): { nodeArgs: string[]; env: Record<string, string>; needCleanExit: boolean } {
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const queryDir = process.env.BENCH_QUERY_COUNT_DIR;
  const counter = fileURLToPath(new URL('./query-counter.ts', import.meta.url));
  return {
    nodeArgs: [
      ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      ...(queryDir ? ['--import', 'tsx', '--import', counter] : []),
    ],
    env: queryDir ? { BENCH_QUERY_COUNT_DIR: queryDir } : {},
    needCleanExit: Boolean(profileDir || queryDir),
  };
}

async function reportQueries(pid: number): Promise<void> {
  const dir = process.env.BENCH_QUERY_COUNT_DIR;
  if (!dir) return;
  const counts = JSON.parse(
    await readFile(join(dir, `queries-${pid}.json`), 'utf8').catch(() => '[]'),
  ) as Array<{
    count: number;
    sql: string;
  }>;
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  progress(`process ${pid} sent ${total} SQL statements; the most frequent:`);
  for (const { count, sql } of counts.slice(0, 12)) progress(`  ${count}× ${sql.slice(0, 200)}`);
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function memoryOf(pid: number): Promise<{ rssMb: number; peakRssMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/** utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux). */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

const CLOCK_TICKS_PER_SECOND = 100;

function collectLogs(child: ChildProcess): ProcessLogs & { tail(): string } {
  const warnings = new Map<string, number>();
  const samples: string[] = [];
  const lines: string[] = [];
  const recent: string[] = [];
  const take = (line: string) => {
    recent.push(line);
    if (recent.length > 40) recent.shift();
    let level = 0;
    let message = line;
    try {
      const parsed = JSON.parse(line) as { level?: number; msg?: string };
      level = parsed.level ?? 0;
      message = parsed.msg ?? line;
    } catch {
      // Not pino: a crash, a one-line start error, or a library writing to the console.
      level = PINO_WARN;
      message = line.replace(ANSI_COLOUR, '').replace(/\d+/g, '#');
    }
    if (level < PINO_WARN) return;
    warnings.set(message, (warnings.get(message) ?? 0) + 1);
    lines.push(line);
    if (samples.length < 5) samples.push(line.slice(0, 1000));
  };
  onLines([child.stdout, child.stderr], take);
  return {
    warnings,
    samples,
    count: (pattern) => lines.filter((line) => pattern.test(line)).length,
    tail: () => recent.join('\n'),
  };
}

/** Runs a one-shot command (`main.js sync`) to its exit, with the same environment handling. */
export function runCommandProcess(options: {
  script: string;
  args: string[];
  env: Record<string, string>;
}): Promise<{ code: number | null; ms: number; stdout: string; stderr: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [options.script, ...options.args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, ms: performance.now() - started, stdout, stderr }));
  });
}
