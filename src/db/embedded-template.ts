import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { migrations } from '../../migrations/index.js';
import { embeddedPGlite } from './embedded-settings.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';
import { introspectingOneSchema } from './schema-introspector.js';

/**
 * PGlite's initdb takes about 2 s of a new data directory's first start; restoring the same
 * cluster, already migrated, from an archive takes about 0.6 s. `npm run build` writes the archive
 * next to the compiled code, and the first start on an empty DATA_DIR restores it.
 */
export const BUILT_TEMPLATE = fileURLToPath(new URL('../../embedded-template.tar.gz', import.meta.url));

/** What the archive was made with; any difference and the first start runs initdb instead. */
interface TemplateStamp {
  pglite: string;
  migrations: string[];
}

/** The archive to restore into a new data directory, if there is one this build can use. */
export function usableTemplate(file: string): Blob | undefined {
  const stampFile = stampOf(file);
  if (!existsSync(file) || !existsSync(stampFile)) return undefined;
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as TemplateStamp;
    const expected = currentStamp();
    if (stamp.pglite !== expected.pglite || stamp.migrations.join() !== expected.migrations.join())
      return undefined;
  } catch {
    return undefined;
  }
  return new Blob([readFileSync(file)]);
}

/** Creates an empty Latch database in memory, migrates it, and writes it to `file` with its stamp. */
export async function writeTemplate(file: string): Promise<void> {
  const pglite = embeddedPGlite(undefined);
  const db = new Kysely<Database>({ dialect: introspectingOneSchema(new PGliteDialect(pglite), undefined) });
  try {
    await migrateToLatest({ db, kind: 'pglite', close: async () => {} });
    const archive = await pglite.dumpDataDir('gzip');
    // The stamp goes last, so an archive cut short by a crash is never taken for a good one.
    await rm(stampOf(file), { force: true });
    await writeFile(file, Buffer.from(await archive.arrayBuffer()));
    await writeFile(stampOf(file), `${JSON.stringify(currentStamp())}\n`);
  } finally {
    await db.destroy();
  }
}

function stampOf(file: string): string {
  return file.replace(/\.tar\.gz$/, '.json');
}

function currentStamp(): TemplateStamp {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return { pglite: pkg.version, migrations: Object.keys(migrations).sort() };
}
