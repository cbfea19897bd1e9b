import type { Kysely } from 'kysely';

/** When a pending request last reminded its approvers and when it escalated to the fallback approvers. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_request').addColumn('reminded_at', 'timestamptz').execute();
  await db.schema.alterTable('access_request').addColumn('escalated_at', 'timestamptz').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_request').dropColumn('escalated_at').execute();
  await db.schema.alterTable('access_request').dropColumn('reminded_at').execute();
}
