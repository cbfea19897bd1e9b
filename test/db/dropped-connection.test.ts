import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECT, type TestDatabase } from '../support/test-database.js';

describe(`losing the ${DIALECT} database in the middle of a transaction`, () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    await test.destroy().catch(() => {});
  });

  it('fails that transaction and nothing else: the process lives and, on PostgreSQL, the next query works', async () => {
    const { database, store } = test;
    const failed = database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('audit_event')
        .values({ at: new Date(), actor: 'U0ADMIN', action: 'test.started', detail: '{}' })
        .execute();
      // The database goes away while this transaction holds its connection, between two queries.
      if (database.kind === 'postgres') {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await sql`select pg_terminate_backend(${rows[0]?.pid ?? 0})`.execute(database.db);
      } else {
        await database.close();
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      await trx.selectFrom('audit_event').select('id').execute();
    });

    await expect(failed).rejects.toThrow();
    if (database.kind === 'postgres') {
      await expect(store.ping()).resolves.toBeUndefined();
      expect((await store.listAudit({})).map((e) => e.action)).not.toContain('test.started');
    }
  });
});
