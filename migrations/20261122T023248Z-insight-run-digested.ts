import type { Kysely } from 'kysely';

/**
 * The weekly insights digest reports what changed since the reading the previous digest used, so
 * that reading is marked and kept past the usual retention until the next digest.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('insight_run').addColumn('digested_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('insight_run').dropColumn('digested_at').execute();
}
