import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { connectDatabase } from '../../src/db/connect.js';
import { usableTemplate, writeTemplate } from '../../src/db/embedded-template.js';
import { migrateToLatest } from '../../src/db/migrate.js';

const allMigrations = Object.keys(migrations).sort();

describe('the embedded database a new data directory starts from', () => {
  let root: string;
  let template: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'latch-template-test-'));
    template = join(root, 'embedded-template.tar.gz');
    await writeTemplate(template);
  }, 60_000);
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('starts an empty data directory from the built archive, already migrated', async () => {
    const dataDir = join(root, 'fresh');
    const database = connectDatabase({ dataDir, template });
    try {
      expect(await appliedMigrations(database)).toEqual(allMigrations);
      expect(await migrateToLatest(database)).toEqual([]);
    } finally {
      await database.close();
    }
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  }, 30_000);

  it('never restores over a data directory that already holds a database', async () => {
    const dataDir = join(root, 'lived-in');
    const first = connectDatabase({ dataDir, template });
    await sql`create table kept (note text)`.execute(first.db);
    await sql`insert into kept values ('still here')`.execute(first.db);
    await first.close();

    const again = connectDatabase({ dataDir, template });
    try {
      const { rows } = await sql<{ note: string }>`select note from kept`.execute(again.db);
      expect(rows).toEqual([{ note: 'still here' }]);
    } finally {
      await again.close();
    }
  }, 30_000);

  it('is ignored when it was built for other migrations, and the directory is made from scratch', async () => {
    const stale = join(root, 'stale.tar.gz');
    await writeFile(stale, await readFile(template));
    const stamp = JSON.parse(await readFile(template.replace(/\.tar\.gz$/, '.json'), 'utf8'));
    await writeFile(
      stale.replace(/\.tar\.gz$/, '.json'),
      JSON.stringify({ ...stamp, migrations: stamp.migrations.slice(0, -1) }),
    );
    expect(usableTemplate(stale)).toBeUndefined();

    const database = connectDatabase({ dataDir: join(root, 'from-scratch'), template: stale });
    try {
      expect(await appliedMigrations(database)).toEqual([]);
      expect(await migrateToLatest(database)).toEqual(allMigrations);
    } finally {
      await database.close();
    }
  }, 60_000);

  it('is ignored without its stamp, as after a build cut short', async () => {
    const unstamped = join(root, 'unstamped.tar.gz');
    await writeFile(unstamped, await readFile(template));
    expect(usableTemplate(unstamped)).toBeUndefined();
    expect(usableTemplate(join(root, 'missing.tar.gz'))).toBeUndefined();
    expect(usableTemplate(template)).toBeInstanceOf(Blob);
  });
});

async function appliedMigrations(database: ReturnType<typeof connectDatabase>): Promise<string[]> {
  const exists = await sql<{
    table: string | null;
  }>`select to_regclass('kysely_migration')::text as table`.execute(database.db);
  if (!exists.rows[0]?.table) return [];
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
    database.db,
  );
  return rows.map((row) => row.name);
}
