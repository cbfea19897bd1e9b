import { sql } from 'kysely';
import type { BenchSchema } from './bench-schema.js';
import { progress } from './progress.js';

interface TableActivity {
  relname: string;
  seq_scan: string;
  seq_tup_read: string;
  idx_scan: string | null;
  n_tup_ins: string;
  n_tup_upd: string;
}

/**
 * Prints what PostgreSQL counted for the schema's tables (scans, rows read, writes): sequential scans
 * of a large table, or many scans per request, point at the queries to look at first.
 */
export async function reportTableActivity(label: string, schema: BenchSchema): Promise<void> {
  const { rows } = await sql<TableActivity>`
    select relname, seq_scan, seq_tup_read, idx_scan, n_tup_ins, n_tup_upd
    from pg_stat_user_tables where schemaname = ${schema.name} order by seq_tup_read desc`.execute(
    schema.database.db,
  );
  const busy = rows.filter((r) => Number(r.seq_scan) + Number(r.idx_scan ?? 0) + Number(r.n_tup_ins) > 0);
  for (const r of busy) {
    progress(
      `${label}: ${r.relname}: ${r.seq_scan} seq scans (${r.seq_tup_read} rows read), ${r.idx_scan ?? 0} index scans, ${r.n_tup_ins} inserts, ${r.n_tup_upd} updates`,
    );
  }
}
