import type { Kysely } from 'kysely';

/** A request's optional ticket reference, an approver's reason, and the audit thread a request posts into. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_request').addColumn('ticket', 'text').execute();
  await db.schema.alterTable('access_request').addColumn('audit_thread_ts', 'text').execute();
  await db.schema.alterTable('approval').addColumn('reason', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('approval').dropColumn('reason').execute();
  await db.schema.alterTable('access_request').dropColumn('audit_thread_ts').execute();
  await db.schema.alterTable('access_request').dropColumn('ticket').execute();
}
