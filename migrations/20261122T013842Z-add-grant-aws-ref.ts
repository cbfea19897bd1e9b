import type { Kysely } from 'kysely';

/**
 * What AWS named the access a grant created (an Identity Center group membership's id), so that
 * revoking it is one call instead of a lookup and a delete.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_grant').addColumn('aws_ref', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_grant').dropColumn('aws_ref').execute();
}
