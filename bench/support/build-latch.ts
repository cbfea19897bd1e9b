import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { progress } from './progress.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Inside node_modules so the build resolves Latch's dependencies, and out of dist/, which is `npm start`'s. */
const BUILD_DIR = join(REPO_ROOT, 'node_modules/.cache/latch-bench');

let built: Promise<string> | undefined;

/**
 * The node flags `npm start` gives Latch (package.json's start script, between `node` and the
 * script), so every benchmark runs the process a deployment runs.
 */
export const LATCH_NODE_FLAGS: readonly string[] = (() => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('dist/src/main.js'));
})();

/**
 * Compiles src/ and migrations/ and writes the embedded template, as `npm run build` does, so Latch
 * runs under plain `node` as in production (no TypeScript loader in its memory or start time).
 * Returns the path of main.js.
 */
export function buildLatch(): Promise<string> {
  built ??= compile();
  return built;
}

async function compile(): Promise<string> {
  const started = performance.now();
  await rm(BUILD_DIR, { recursive: true, force: true });
  await mkdir(BUILD_DIR, { recursive: true });
  // Node stops looking for a package scope at node_modules: say the build is ESM here.
  await writeFile(join(BUILD_DIR, 'package.json'), '{ "type": "module" }\n');
  const tsc = join(REPO_ROOT, 'node_modules/.bin/tsc');
  const { code, output } = await run(tsc, ['-p', 'tsconfig.build.json', '--outDir', BUILD_DIR]);
  const main = join(BUILD_DIR, 'src/main.js');
  if (!existsSync(main)) throw new Error(`building Latch failed:\n${output}`);
  // tsc emits despite type errors; a half-edited file elsewhere should not stop a benchmark run.
  if (code !== 0) progress(`build has type errors (running anyway):\n${output.slice(0, 2000)}`);
  // As `npm run build` does after tsc: the archive a new embedded data directory starts from.
  const template = await run(process.execPath, [join(BUILD_DIR, 'src/db/build-embedded-template.js')]);
  if (template.code !== 0) throw new Error(`writing the embedded template failed:\n${template.output}`);
  progress(`built Latch in ${Math.round(performance.now() - started)} ms`);
  return main;
}

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}
