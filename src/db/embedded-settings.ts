import { PGlite } from '@electric-sql/pglite';

/**
 * PostgreSQL's default 128 MB of shared buffers lives in this process's memory with PGlite: with 16 MB
 * Latch on PGlite starts 0.3 s sooner and holds 120 MB less (`npm run bench -- --only footprint`), and
 * the history's pages stay in the operating system's cache. Start parameters override the data
 * directory's postgresql.conf without rewriting it.
 */
export const EMBEDDED_SETTINGS = {
  startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
};
