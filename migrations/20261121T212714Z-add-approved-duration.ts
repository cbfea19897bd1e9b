import type { Kysely } from 'kysely';

/** An approver may approve for less time than was asked; the grant takes the shortest. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('approval').addColumn('duration_seconds', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('approval').dropColumn('duration_seconds').execute();
}
