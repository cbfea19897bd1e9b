import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildLatch as buildSharedLatch } from '../../../scripts/build-latch.js';
import { onLines } from '../../support/read-lines.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Latch compiled as `npm run build` compiles it (scripts/build-latch.ts); returns main.js. */
export async function buildLatch(): Promise<string> {
  const { main, typeErrors } = await buildSharedLatch();
  if (typeErrors) throw new Error(`building Latch failed:\n${typeErrors}`);
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
