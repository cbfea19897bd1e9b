import type { Kysely } from 'kysely';

/**
 * Limits every replica shares on calls to AWS: a token bucket per name (`tokens` may go below
 * zero: calls reserved ahead), and numbered slots per name, each held until `held_until` at most,
 * so a slot whose holder died frees itself. Rows are created on first use.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('call_rate')
    .addColumn('bucket', 'text', (c) => c.primaryKey())
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('refilled_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('call_slot')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('held_until', 'timestamptz', (c) => c.notNull())
    .addColumn('holder', 'text')
    .addPrimaryKeyConstraint('call_slot_pkey', ['name', 'slot'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('call_slot').execute();
  await db.schema.dropTable('call_rate').execute();
}
