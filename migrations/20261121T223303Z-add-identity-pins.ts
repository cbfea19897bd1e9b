import type { Kysely } from 'kysely';

/** An admin's hand-made link from a Slack user to the email Latch matches in AWS. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('identity_pin')
    .addColumn('slack_user_id', 'text', (c) => c.primaryKey())
    .addColumn('aws_email', 'text', (c) => c.notNull())
    .addColumn('pinned_by', 'text', (c) => c.notNull())
    .addColumn('pinned_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('identity_pin').execute();
}
