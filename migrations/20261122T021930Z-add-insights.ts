import type { Kysely } from 'kysely';

/**
 * Standing-access insights (issue 9): each inventory run with the time it was read, and the scores
 * and recommendations made from it. Runs are kept whole so a later view always shows one reading.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('insight_run')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('read_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('accounts', 'integer', (c) => c.notNull())
    .addColumn('failures', 'text', (c) => c.notNull())
    .addColumn('inventory', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('insight_score')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('insight_run.id').onDelete('cascade'))
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_score_pk', ['run_id', 'subject_kind', 'subject_id'])
    .execute();
  await db.schema
    .createTable('insight_recommendation')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('insight_run.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('risk', 'integer', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('insight_recommendation_pk', ['run_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('insight_recommendation').execute();
  await db.schema.dropTable('insight_score').execute();
  await db.schema.dropTable('insight_run').execute();
}
