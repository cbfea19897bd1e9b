import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('person')
    .addColumn('slack_user_id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('identity_center_user_id', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('resource')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('sso_permission_set', 'sso_group', 'iam_group')`),
    )
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('permission_set_arn', 'text')
    .addColumn('group_name', 'text')
    .addColumn('group_id', 'text')
    .addColumn('owners', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('enforce', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('synced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('access_request')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('requester_id', 'text', (c) => c.notNull())
    .addColumn('requester_email', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('duration_seconds', 'integer', (c) => c.notNull().check(sql`duration_seconds > 0`))
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'approved', 'denied', 'cancelled', 'expired')`),
    )
    .addColumn('current_step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'text')
    .execute();
  await db.schema
    .createIndex('access_request_requester_idx')
    .on('access_request')
    .columns(['requester_id', 'status'])
    .execute();
  await db.schema
    .createIndex('access_request_pending_idx')
    .on('access_request')
    .column('expires_at')
    .where(sql.ref('status'), '=', 'pending')
    .execute();

  await db.schema
    .createTable('approval')
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_request.id'))
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('approver_id', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('approve', 'deny')`))
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('approval_pk', ['request_id', 'step', 'approver_id'])
    .execute();

  await db.schema
    .createTable('access_grant')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_request.id'))
    .addColumn('requester_id', 'text', (c) => c.notNull())
    .addColumn('requester_email', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('duration_seconds', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('provisioning', 'active', 'revoking', 'revoked', 'failed')`),
    )
    .addColumn('principal_id', 'text')
    .addColumn('provisioned_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('warn_at', 'timestamptz')
    .addColumn('warned_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('revoke_reason', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // One grant per request: a retried approval can never provision twice.
  await db.schema
    .createIndex('access_grant_request_idx')
    .unique()
    .on('access_grant')
    .column('request_id')
    .execute();
  await db.schema
    .createIndex('access_grant_requester_idx')
    .on('access_grant')
    .columns(['requester_id', 'status'])
    .execute();
  await db.schema
    .createIndex('access_grant_due_idx')
    .on('access_grant')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('access_grant_expiry_idx')
    .on('access_grant')
    .columns(['status', 'expires_at'])
    .execute();

  await db.schema
    .createTable('slack_message')
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_request.id'))
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('recipient_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('ts', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('slack_message_pk', ['channel', 'ts'])
    .execute();
  await db.schema.createIndex('slack_message_request_idx').on('slack_message').column('request_id').execute();

  await db.schema
    .createTable('audit_event')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('grant_id', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema.createIndex('audit_event_request_idx').on('audit_event').column('request_id').execute();
  await db.schema.createIndex('audit_event_grant_idx').on('audit_event').column('grant_id').execute();

  // The database itself keeps the audit log append-only, whatever the application does.
  await sql`
    create function audit_event_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_event is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger audit_event_append_only before update or delete on audit_event
    for each row execute function audit_event_refuse_change()`.execute(db);
  await sql`
    create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_event_refuse_change()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_event',
    'slack_message',
    'access_grant',
    'approval',
    'access_request',
    'resource',
    'person',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists audit_event_refuse_change()`.execute(db);
}
