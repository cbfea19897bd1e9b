import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { embeddedPGlite } from './embedded-settings.js';
import { BUILT_TEMPLATE, usableTemplate } from './embedded-template.js';
import type { Database } from './schema.js';
import { introspectingOneSchema } from './schema-introspector.js';

export interface DatabaseOptions {
  /** A PostgreSQL URL; when absent Latch uses the embedded PGlite. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; `memory://` keeps nothing (tests). */
  dataDir?: string;
  /** PostgreSQL schema to use instead of `public` (tests give each file its own). */
  schema?: string;
  /** The archive a new PGlite data directory starts from; the one `npm run build` wrote by default. */
  template?: string;
}

export interface LatchDatabase {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  schema?: string;
  /** Closes the connections and, for the embedded database, releases its directory. */
  close(): Promise<void>;
}

/** Another live process holds the embedded database's directory. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
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
    // Nor may a checked-out one, which the pool does not listen to: a connection dropped between two
    // queries of a transaction emitted an unhandled 'error' and killed Latch. Its query fails instead.
    pool.on('connect', (client) => client.on('error', () => {}));
    const db = new Kysely<Database>({
      dialect: introspectingOneSchema(new PostgresDialect({ pool }), options.schema),
    });
    return {
      db,
      kind: 'postgres',
      ...(options.schema ? { schema: options.schema } : {}),
      close: () => db.destroy(),
    };
  }
  const dataDir = options.dataDir ?? './data';
  if (dataDir.startsWith('memory://')) {
    const db = new Kysely<Database>({
      dialect: introspectingOneSchema(new PGliteDialect(embeddedPGlite(undefined)), undefined),
    });
    return { db, kind: 'pglite', close: () => db.destroy() };
  }
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const release = lockDataDir(dir);
  // A directory without PG_VERSION has never held a cluster: restore the built one instead of initdb.
  const template = existsSync(join(dir, 'PG_VERSION'))
    ? undefined
    : usableTemplate(options.template ?? BUILT_TEMPLATE);
  const pglite = embeddedPGlite(dir, template ? { loadDataDir: template } : {});
  const db = new Kysely<Database>({ dialect: introspectingOneSchema(new PGliteDialect(pglite), undefined) });
  return {
    db,
    kind: 'pglite',
    async close() {
      await db.destroy();
      release();
    },
  };
}

/**
 * PGlite keeps the database in this process's memory and writes it back whole, so a second
 * process on the same directory would lose the first one's writes: refuse it while the holder
 * lives. The lock sits beside the directory, so a copy of the directory carries none.
 */
function lockDataDir(dir: string): () => void {
  const lockPath = `${dir}.lock`;
  const holder = readHolder(lockPath);
  if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
    throw new DataDirInUseError(
      `DATA_DIR: ${dir} is in use by another Latch (pid ${holder}); stop it, or use DATABASE_URL to run several`,
    );
  }
  writeFileSync(lockPath, String(process.pid));
  const release = () => {
    if (readHolder(lockPath) === process.pid) unlinkSync(lockPath);
  };
  process.once('exit', release);
  return release;
}

function readHolder(lockPath: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
