import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { sql } from 'kysely';
import { connectDatabase, type DatabaseOptions, type LatchDatabase } from '../../src/db/connect.js';
import { KyselyStore } from '../../src/db/kysely-store.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migratedPgliteDir } from './pglite-template.js';

/** Tests run on PGlite unless DATABASE_URL points at a PostgreSQL server (`.ci/run` does both). */
export const DIALECT: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** Where a test's Latch should keep its data: its own PostgreSQL schema, or an in-memory PGlite. */
export function testDatabaseOptions(): DatabaseOptions & { dataDir: string } {
  const url = process.env.DATABASE_URL;
  return url
    ? { databaseUrl: url, schema: `test_${randomBytes(6).toString('hex')}`, dataDir: 'memory://' }
    : { dataDir: 'memory://' };
}

export interface TestDatabase {
  database: LatchDatabase;
  store: KyselyStore;
  destroy(): Promise<void>;
}

/** A migrated, empty database for one test file (on PGlite, a copy of one migrated once). */
export async function createTestDatabase(
  options: DatabaseOptions = testDatabaseOptions(),
): Promise<TestDatabase> {
  const copied = !options.databaseUrl && options.dataDir === 'memory://';
  const dataDir = copied ? await migratedPgliteDir('latch-test-') : undefined;
  const database = connectDatabase(dataDir ? { ...options, dataDir } : options);
  await migrateToLatest(database);
  return {
    database,
    store: new KyselyStore(database.db),
    async destroy() {
      if (database.schema)
        await sql`drop schema if exists ${sql.id(database.schema)} cascade`.execute(database.db);
      await database.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The same database as a second Latch replica reaches it: on PostgreSQL a pool of its own on the
 * same schema (close it when done); PGlite lives in one process, so there it is `database` itself.
 */
export function anotherReplica(database: LatchDatabase): LatchDatabase {
  if (database.kind !== 'postgres') return database;
  return connectDatabase({
    databaseUrl: process.env.DATABASE_URL ?? '',
    ...(database.schema ? { schema: database.schema } : {}),
  });
}

/**
 * A whole PostgreSQL database of its own, for a Latch run as a child process (which takes only
 * DATABASE_URL); undefined on PGlite, where a data directory does the same.
 */
export async function createScratchPostgres(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const base = process.env.DATABASE_URL;
  if (!base) return undefined;
  const name = `latch_test_${randomBytes(6).toString('hex')}`;
  const { db } = connectDatabase({ databaseUrl: base });
  await sql`create database ${sql.id(name)}`.execute(db);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(db);
      await db.destroy();
    },
  };
}
