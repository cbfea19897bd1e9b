import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './schema.js';

export interface DatabaseOptions {
  /** A PostgreSQL URL; when absent Latch uses the embedded PGlite. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; `memory://` keeps nothing (tests). */
  dataDir?: string;
  /** PostgreSQL schema to use instead of `public` (tests give each file its own). */
  schema?: string;
}

export interface LatchDatabase {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  schema?: string;
}

/** PostgresDialect over a pg Pool for DATABASE_URL, else the embedded PGlite under DATA_DIR. */
export function connectDatabase(options: DatabaseOptions): LatchDatabase {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client losing its server (a restart) must not crash the process; the pool reconnects.
    pool.on('error', () => {});
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      kind: 'postgres',
      ...(options.schema ? { schema: options.schema } : {}),
    };
  }
  const dataDir = options.dataDir ?? './data';
  if (!dataDir.startsWith('memory://')) mkdirSync(resolve(dataDir), { recursive: true });
  const pglite = new PGlite(dataDir.startsWith('memory://') ? undefined : resolve(dataDir));
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), kind: 'pglite' };
}
