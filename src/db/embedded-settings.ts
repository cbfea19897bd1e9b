import { setFlagsFromString } from 'node:v8';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

/**
 * PostgreSQL's default 128 MB of shared buffers lives in this process's memory with PGlite: with 16 MB
 * Latch on PGlite starts 0.3 s sooner and holds 120 MB less (`npm run bench -- --only footprint`), and
 * the history's pages stay in the operating system's cache. Start parameters override the data
 * directory's postgresql.conf without rewriting it.
 */
export const EMBEDDED_SETTINGS = {
  startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
};

/**
 * The embedded PostgreSQL, in memory (`dataDir` undefined) or in a directory.
 *
 * V8 compiles PGlite's WebAssembly with its baseline compiler, then compiles the functions that run
 * often a second time with its optimizing compiler and keeps both. Baseline only, Latch on PGlite
 * holds about 40 MB less and starts sooner; its indexed queries ran no slower, a scan of 100,000 rows
 * about 1.5× slower (docs/performance.md, session 10). The flag is read when the module is compiled,
 * so it is set here, before PGlite compiles it, and only in a process that uses PGlite.
 */
export function embeddedPGlite(dataDir: string | undefined, options: PGliteOptions = {}): PGlite {
  setFlagsFromString('--liftoff-only');
  const settings = { ...EMBEDDED_SETTINGS, ...options };
  return dataDir === undefined ? new PGlite(settings) : new PGlite(dataDir, settings);
}
