import type { Kysely } from 'kysely';

/**
 * The Identity Center user a request's requester was matched to when it was filed, and the email
 * that matched it: its approval provisions that user without looking them up again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('access_request')
    .addColumn('principal_id', 'text')
    .addColumn('principal_email', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('access_request')
    .dropColumn('principal_id')
    .dropColumn('principal_email')
    .execute();
}
