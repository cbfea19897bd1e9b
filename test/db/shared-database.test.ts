import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type LatchDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/*
 * Latch on a PostgreSQL database other applications use too: its start (the migration run) must
 * not depend on their schemas, even as they drop them. This runs on PostgreSQL in both passes
 * (DATABASE_URL, else the local server), in a scratch database of its own.
 */
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('Latch on a database shared with other applications', () => {
  let admin: LatchDatabase;
  const scratch: string[] = [];

  /** A database of its own for one test, and a connection to it as another application. */
  const scratchDatabase = async () => {
    const name = `latch_shared_${randomBytes(5).toString('hex')}`;
    await sql`create database ${sql.id(name)}`.execute(admin.db);
    scratch.push(name);
    const url = new URL(BASE_URL);
    url.pathname = `/${name}`;
    return { url: url.toString(), other: connectDatabase({ databaseUrl: url.toString() }) };
  };

  beforeAll(() => {
    admin = connectDatabase({ databaseUrl: BASE_URL });
  });

  afterAll(async () => {
    for (const name of scratch)
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    await admin?.close();
  });

  it('migrates while another application creates and drops its schemas', async () => {
    const { url, other } = await scratchDatabase();
    let churning = true;
    let dropped = 0;
    // Another application's schemas, each with tables and serial columns, come and go meanwhile.
    const churn = (async () => {
      for (let round = 0; churning; round++) {
        const schema = `other_app_${round % 4}`;
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(other.db);
        dropped++;
        await sql`create schema ${sql.id(schema)}`.execute(other.db);
        for (let t = 0; t < 6; t++) {
          await sql`create table ${sql.id(schema, `t${t}`)} (id serial primary key, a text, b int)`.execute(
            other.db,
          );
        }
      }
    })();
    const failures: string[] = [];
    try {
      for (let run = 0; run < 8; run++) {
        // Each run is a first start on a schema of its own, and the last one in the default schema.
        const schema = run < 7 ? `latch_${run}` : undefined;
        const latch = connectDatabase({ databaseUrl: url, ...(schema ? { schema } : {}) });
        try {
          expect((await migrateToLatest(latch)).length).toBeGreaterThan(0);
          // A second start finds everything applied.
          expect(await migrateToLatest(latch)).toEqual([]);
        } catch (error) {
          failures.push(`${schema ?? 'public'}: ${(error as Error).message}`);
        } finally {
          await latch.close();
        }
      }
    } finally {
      churning = false;
      await churn;
      await other.close();
    }
    expect(failures).toEqual([]);
    expect(dropped).toBeGreaterThan(8);
  });

  it('keeps its migrations in its own schema when another schema has Kysely’s tables', async () => {
    const { url, other } = await scratchDatabase();
    // Another Kysely application keeps its bookkeeping in a schema of its own.
    await sql`create schema other_app`.execute(other.db);
    await sql`create table other_app.kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`.execute(
      other.db,
    );
    await sql`create table other_app.kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`.execute(
      other.db,
    );
    await other.close();
    const latch = connectDatabase({ databaseUrl: url });
    try {
      const applied = await migrateToLatest(latch);
      expect(applied.length).toBeGreaterThan(0);
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from public.kysely_migration`.execute(latch.db);
      expect(rows[0]?.n).toBe(applied.length);
    } finally {
      await latch.close();
    }
  });
});
