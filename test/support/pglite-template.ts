import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

let template: Promise<string> | undefined;

/**
 * A new PGlite data directory holding an empty, migrated Latch database. PGlite's initdb costs
 * 2–4 s of CPU for every new directory, and most tests start a fresh Latch: each test worker
 * creates and migrates one directory once, and every caller gets a copy of it (a few hundred ms).
 */
export async function migratedPgliteDir(prefix = 'latch-e2e-'): Promise<string> {
  template ??= createTemplate();
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(await template, dir, { recursive: true });
  return dir;
}

async function createTemplate(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'latch-template-'));
  const database = connectDatabase({ dataDir: dir });
  try {
    await migrateToLatest(database);
  } finally {
    await database.close();
  }
  process.once('exit', () => void rm(dir, { recursive: true, force: true }));
  return dir;
}
