import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectDatabase, DataDirInUseError } from '../../src/db/connect.js';

describe('the embedded database directory', () => {
  let root: string;
  let dataDir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'latch-lock-'));
    dataDir = join(root, 'data');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('refuses a second process while the first lives, and takes over once it is gone', async () => {
    // Another process (a stand-in for a running Latch) holds the directory.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    await writeFile(`${dataDir}.lock`, String(other.pid));

    expect(() => connectDatabase({ dataDir })).toThrow(DataDirInUseError);
    expect(() => connectDatabase({ dataDir })).toThrow(
      /in use by another Latch \(pid \d+\); stop it, or use DATABASE_URL/,
    );

    other.kill('SIGKILL');
    await new Promise((resolve) => other.once('exit', resolve));
    const database = connectDatabase({ dataDir });
    await database.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
    expect(existsSync(`${dataDir}.lock`)).toBe(true);
    await database.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    // PGlite's first start in a process can take seconds on a loaded CI machine.
  }, 30_000);

  it('keeps 16 MB of shared buffers in memory, leaving its own settings file as initdb wrote it', async () => {
    const database = connectDatabase({ dataDir });
    const { rows } = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(database.db);
    expect(rows[0]?.shared_buffers).toBe('16MB');
    await database.close();
    expect(await readFile(join(dataDir, 'postgresql.conf'), 'utf8')).toContain("timezone = 'Etc/GMT0'");
  }, 30_000);
});
