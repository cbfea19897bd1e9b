import type { Kysely } from 'kysely';

/** Access in AWS that no grant explains, as reconciliation last found it; a row goes when the access does. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('drift_finding')
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('found_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('drift_finding_pk', ['resource_id', 'principal_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('drift_finding').execute();
}
