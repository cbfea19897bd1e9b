import type { Kysely } from 'kysely';

/**
 * An admin's tier for a resource (`/access admin tier`, the App Home selector), over the policy
 * file's: a catalog entry the file does not name becomes requestable once it has one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tier_override')
    .addColumn('resource_id', 'text', (c) => c.primaryKey())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('set_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tier_override').execute();
}
