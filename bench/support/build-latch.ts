import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLatch as buildSharedLatch } from '../../scripts/build-latch.js';
import { progress } from './progress.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let built: Promise<string> | undefined;

/**
 * How `npm start` and the container image run Node (package.json's start script): through this
 * script, which gives Node the flags for the database. Every benchmark starts Latch the same way.
 */
export const LATCH_NODE = join(REPO_ROOT, 'bin/latch-node.sh');

/**
 * Latch compiled as `npm run build` compiles it (scripts/build-latch.ts), so it runs under plain
 * `node` as in production (no TypeScript loader in its memory or start time). Returns main.js.
 */
export function buildLatch(): Promise<string> {
  built ??= build();
  return built;
}

async function build(): Promise<string> {
  const started = performance.now();
  const { main, typeErrors } = await buildSharedLatch();
  // tsc emits despite type errors; a half-edited file elsewhere should not stop a benchmark run.
  if (typeErrors) progress(`build has type errors (running anyway):\n${typeErrors.slice(0, 2000)}`);
  progress(`Latch built or found in ${Math.round(performance.now() - started)} ms`);
  return main;
}
