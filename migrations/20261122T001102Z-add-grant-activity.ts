import { type Kysely, sql } from 'kysely';

/**
 * What was done with a grant, read from CloudTrail some time after it ended (CloudTrail delivers
 * events late): due when `activity_due_at` is set, the summary JSON and its event count once read.
 * Also an index for reconciliation's per-resource reads of live grants.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('access_grant')
    .addColumn('activity_due_at', 'timestamptz')
    .addColumn('activity_events', 'integer')
    .addColumn('activity', 'text')
    .execute();
  await db.schema
    .createIndex('access_grant_activity_due_idx')
    .on('access_grant')
    .column('activity_due_at')
    .where(sql.ref('activity_due_at'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('access_grant_resource_idx')
    .on('access_grant')
    .columns(['resource_id', 'status'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_grant_resource_idx').execute();
  await db.schema.dropIndex('access_grant_activity_due_idx').execute();
  await db.schema
    .alterTable('access_grant')
    .dropColumn('activity_due_at')
    .dropColumn('activity_events')
    .dropColumn('activity')
    .execute();
}
