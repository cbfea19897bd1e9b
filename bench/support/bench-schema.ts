import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { connectDatabase, type LatchDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/** The benchmarks' PostgreSQL: DATABASE_URL when set, else the local server the tests use. */
export const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchSchema {
  name: string;
  /** DATABASE_URL for a Latch process: the base URL with this schema as its search_path. */
  url: string;
  /** The benchmark's own connection, for seeding and reading results. */
  database: LatchDatabase;
  drop(): Promise<void>;
}

/** A fresh, migrated schema of its own for one benchmark, as each test file gets one. */
export async function createBenchSchema(label: string): Promise<BenchSchema> {
  const name = `bench_${label}_${randomBytes(4).toString('hex')}`;
  const database = connectDatabase({ databaseUrl: BASE_DATABASE_URL, schema: name });
  await migrateToLatest(database);
  const url = new URL(BASE_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    database,
    async drop() {
      await sql`drop schema if exists ${sql.id(name)} cascade`.execute(database.db);
      await database.close();
    },
  };
}
