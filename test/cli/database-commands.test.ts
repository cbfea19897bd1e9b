import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.js';
import { KyselyStore } from '../../src/db/kysely-store.js';
import { createScratchPostgres } from '../support/test-database.js';
import { latchLines, runLatchCli } from './run-latch-cli.js';

const TRICKY = 'prod is down, "again"\nsee INC-42, then =1+1';

/** A minimal RFC 4180 reader, to prove the export round-trips. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') field += text[++i];
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
    } else field += char;
  }
  return rows;
}

describe('latch migrate, grants and audit export', () => {
  let dir: string;
  let env: Record<string, string>;
  let postgres: Awaited<ReturnType<typeof createScratchPostgres>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'latch-cli-db-'));
    postgres = await createScratchPostgres();
    env = postgres ? { DATABASE_URL: postgres.url } : { DATA_DIR: join(dir, 'data') };
  });

  afterAll(async () => {
    await postgres?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to read a database that was never migrated', async () => {
    const run = await runLatchCli(['grants'], env);
    expect(run.code).toBe(1);
    expect(latchLines(run.stderr)).toEqual([expect.stringMatching(/run `latch migrate`/)]);
  });

  it('migrates a fresh database, then finds it up to date', async () => {
    const first = await runLatchCli(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^applied: 20261121T200000Z-create-core-tables/);
    const again = await runLatchCli(['migrate'], env);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe('database is up to date');
  });

  it('lists no grants on a fresh database', async () => {
    const [all, active] = await Promise.all([
      runLatchCli(['grants'], env),
      runLatchCli(['grants', '--active'], env),
    ]);
    expect([all.code, all.stdout.trim()]).toEqual([0, 'no grants']);
    expect([active.code, active.stdout.trim()]).toEqual([0, 'no active grants']);
  });

  describe('with audit events whose justification has commas, quotes and a newline', () => {
    beforeAll(async () => {
      const database = connectDatabase(
        postgres ? { databaseUrl: postgres.url } : { dataDir: env.DATA_DIR ?? '' },
      );
      const store = new KyselyStore(database.db);
      await store.appendAudit({
        at: new Date('2026-11-20T09:00:00Z'),
        actor: 'U0ALICE',
        action: 'request.filed',
        requestId: 'R1',
        detail: { resourceId: 'oncall', justification: TRICKY },
      });
      await store.appendAudit({
        at: new Date('2026-11-21T09:00:00Z'),
        actor: 'U0BOB',
        action: 'request.approved',
        requestId: 'R1',
        detail: { step: 0 },
      });
      await store.appendAudit({
        at: new Date('2026-11-22T09:00:00Z'),
        actor: 'latch',
        action: 'grant.revoked',
        grantId: 'G1',
      });
      await database.close();
    });

    it('exports CSV that a CSV reader turns back into the same values', async () => {
      const run = await runLatchCli(['audit', 'export', '--format', 'csv'], env);
      expect(run.code).toBe(0);
      const [header, ...rows] = readCsv(run.stdout);
      expect(header).toEqual([
        'id',
        'at',
        'actor',
        'action',
        'request_id',
        'grant_id',
        'justification',
        'detail',
      ]);
      expect(rows.map((row) => row.slice(1, 6))).toEqual([
        ['2026-11-20T09:00:00.000Z', 'U0ALICE', 'request.filed', 'R1', ''],
        ['2026-11-21T09:00:00.000Z', 'U0BOB', 'request.approved', 'R1', ''],
        ['2026-11-22T09:00:00.000Z', 'latch', 'grant.revoked', '', 'G1'],
      ]);
      expect(rows[0]?.[6]).toBe(TRICKY);
      expect(JSON.parse(rows[0]?.[7] ?? '')).toEqual({ resourceId: 'oncall', justification: TRICKY });
    });

    it('exports JSON Lines within --since and --until, one exact event per line', async () => {
      const run = await runLatchCli(
        ['audit', 'export', '--format', 'jsonl', '--since', '2026-11-20', '--until', '2026-11-22T09:00:00Z'],
        env,
      );
      expect(run.code).toBe(0);
      const events = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(events.map((e) => e.action)).toEqual(['request.filed', 'request.approved']);
      expect(events[0]).toMatchObject({ actor: 'U0ALICE', request_id: 'R1', grant_id: null });
      expect(events[0].detail.justification).toBe(TRICKY);
    });

    it('refuses a bad format or range as usage', async () => {
      const [format, range] = await Promise.all([
        runLatchCli(['audit', 'export', '--format', 'xml'], env),
        runLatchCli(['audit', 'export', '--since', '2026-11-22', '--until', '2026-11-21'], env),
      ]);
      expect(format.code).toBe(2);
      expect(latchLines(format.stderr)[0]).toBe(
        'latch audit export: --format must be csv or jsonl, not "xml"',
      );
      expect(range.code).toBe(2);
    });
  });
});
