import { cpus, release, totalmem, type } from 'node:os';
import { sql } from 'kysely';
import { connectDatabase } from '../../src/db/connect.js';
import { BASE_DATABASE_URL } from './bench-schema.js';

/** Where the figures came from: CPU, memory, OS, Node and PostgreSQL versions. */
export async function describeMachine(): Promise<string> {
  const cores = cpus();
  const { db } = connectDatabase({ databaseUrl: BASE_DATABASE_URL });
  try {
    const { rows } = await sql<{ server_version: string }>`show server_version`.execute(db);
    const postgres = rows[0]?.server_version ?? 'unknown';
    const memoryGb = Math.round(totalmem() / 2 ** 30);
    return `${cores.length} cores ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${memoryGb} GB RAM, ${type()} ${release()}, Node ${process.version}, PostgreSQL ${postgres}`;
  } finally {
    await db.destroy();
  }
}
