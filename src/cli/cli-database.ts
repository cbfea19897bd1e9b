import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Kysely, Migrator } from 'kysely';
import { migrations } from '../../migrations/index.js';
import { ConfigError } from '../config/config-error.js';
import { connectDatabase, type DatabaseOptions, type LatchDatabase } from '../db/connect.js';

/** The database the bot uses, from the same two settings (env.ts checks them the same way). */
export function databaseOptions(
  env: Record<string, string | undefined>,
): DatabaseOptions & { dataDir: string } {
  const url = env.DATABASE_URL?.trim();
  if (url && !/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return { ...(url ? { databaseUrl: url } : {}), dataDir: env.DATA_DIR?.trim() || './data' };
}

export interface ReadOnlyDatabase {
  database: LatchDatabase;
  /** Where it is, for messages: `PostgreSQL` or the data directory. */
  where: string;
  close(): Promise<void>;
}

/**
 * Opens the database to read it. PGlite keeps one process's state in memory and writes it back
 * whole, so a second process on the same directory can lose the bot's writes: the embedded
 * database is read from a copy instead, so nothing this process does can reach the bot's files.
 */
export async function openForReading(env: Record<string, string | undefined>): Promise<ReadOnlyDatabase> {
  const options = databaseOptions(env);
  if (options.databaseUrl) {
    const database = connectDatabase(options);
    return { database, where: 'PostgreSQL', close: () => database.close() };
  }
  const dataDir = resolve(options.dataDir);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new ConfigError(
      `DATA_DIR: no embedded database in ${dataDir} (run \`latch migrate\`, or set DATABASE_URL)`,
    );
  }
  const copy = await mkdtemp(join(tmpdir(), 'latch-read-'));
  await cp(dataDir, copy, { recursive: true });
  const database = connectDatabase({ dataDir: copy });
  return {
    database,
    where: dataDir,
    async close() {
      await database.close();
      await rm(copy, { recursive: true, force: true });
    },
  };
}

/** Names of migrations the database has not applied yet. */
export async function pendingMigrations(database: LatchDatabase): Promise<string[]> {
  const migrator = new Migrator({
    db: database.db as Kysely<unknown>,
    provider: { getMigrations: async () => migrations },
  });
  return (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
}

/** Opens the database for reading and refuses one that is not migrated to this version. */
export async function openMigratedForReading(
  env: Record<string, string | undefined>,
): Promise<ReadOnlyDatabase> {
  const opened = await openForReading(env);
  const pending = await pendingMigrations(opened.database).catch(async (error: unknown) => {
    await opened.close();
    throw error;
  });
  if (pending.length) {
    await opened.close();
    throw new ConfigError(
      `the database (${opened.where}) lacks ${pending.length} migration(s): run \`latch migrate\` first`,
    );
  }
  return opened;
}
