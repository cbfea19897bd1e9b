import { type Kysely, Migrator, sql } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { LatchDatabase } from './connect.js';

/** Applies every pending migration; Kysely holds an advisory lock, so replicas can race safely. */
export async function migrateToLatest(database: LatchDatabase): Promise<string[]> {
  const { db, schema } = database;
  if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db: db as Kysely<unknown>,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
