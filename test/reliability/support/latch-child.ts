import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onLines } from '../../support/read-lines.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Inside node_modules so the build resolves Latch's dependencies; apart from dist/ and the benchmarks' build. */
const BUILD_DIR = join(ROOT, 'node_modules/.cache/latch-reliability');

let built: Promise<string> | undefined;

/** Compiles src/ and migrations/ as `npm run build` does, once per test process; returns main.js. */
export function buildLatch(): Promise<string> {
  built ??= compile();
  return built;
}

async function compile(): Promise<string> {
  await rm(BUILD_DIR, { recursive: true, force: true });
  await mkdir(BUILD_DIR, { recursive: true });
  // Node stops looking for a package scope at node_modules: say the build is ESM here.
  await writeFile(join(BUILD_DIR, 'package.json'), '{ "type": "module" }\n');
  const tsc = join(ROOT, 'node_modules/.bin/tsc');
  const child = spawn(tsc, ['-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const main = join(BUILD_DIR, 'src/main.js');
  if (code !== 0 || !existsSync(main)) throw new Error(`building Latch failed:\n${output}`);
  return main;
}

export interface LogLine {
  level: number;
  msg: string;
  raw: string;
  [key: string]: unknown;
}

/** Latch running as its own process (`node main.js start`), as `npm start` runs it. */
export interface LatchChild {
  readonly pid: number;
  readonly url: string;
  readonly spawnedAt: number;
  /** Every line it wrote, parsed where it was pino JSON. */
  readonly lines: LogLine[];
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  /** Resolves once GET /readyz answers 200 (migrated, scheduler running); the time it did. */
  ready(timeoutMs?: number): Promise<number>;
  /** kill -9: no handler runs, nothing is flushed. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit code (it finishes work in flight first). */
  stop(): Promise<number | null>;
}

const PINO_ERROR = 50;

export function spawnLatch(main: string, env: Record<string, string>, port: number): LatchChild {
  const spawnedAt = Date.now();
  const child: ChildProcess = spawn(process.execPath, [main, 'start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  onLines([child.stdout, child.stderr], (raw) => lines.push(parse(raw)));
  let exitedYet = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitedYet = true;
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  return {
    pid: child.pid ?? 0,
    url,
    spawnedAt,
    lines,
    exited,
    hasExited: () => exitedYet,
    async ready(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (exitedYet) throw new Error(`Latch exited before it was ready:\n${tail(lines)}`);
        const status = await fetch(`${url}/readyz`).then(
          async (res) => {
            await res.arrayBuffer();
            return res.status;
          },
          () => 0,
        );
        if (status === 200) return Date.now();
        if (Date.now() > deadline) throw new Error(`Latch not ready within ${timeoutMs} ms:\n${tail(lines)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async kill() {
      if (!exitedYet) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!exitedYet) child.kill('SIGTERM');
      return exited;
    },
  };
}

function parse(raw: string): LogLine {
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    if (typeof parsed.level === 'number') {
      return { ...parsed, level: parsed.level, msg: String(parsed.msg ?? ''), raw };
    }
  } catch {
    // Not pino: a crash or a one-line start error.
  }
  return { level: PINO_ERROR, msg: raw, raw };
}

export function tail(lines: LogLine[], count = 30): string {
  return lines
    .slice(-count)
    .map((line) => line.raw.slice(0, 600))
    .join('\n');
}
