import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

/*
 * Preloaded into a server process by `npm run bench -- --queries <dir>` (node --import): counts every
 * SQL statement the process sends through pg, by its text, and writes the counts to
 * <dir>/queries-<pid>.json when the process exits. Diagnostic only: it loads tsx into the process.
 */

const dir = process.env.BENCH_QUERY_COUNT_DIR;
if (dir) {
  const counts = new Map<string, number>();
  const original = pg.Client.prototype.query;
  // biome-ignore lint/suspicious/noExplicitAny: pg's query has a dozen overloads; this only reads the text
  pg.Client.prototype.query = function (this: pg.Client, config: any, ...rest: any[]) {
    const text: string = typeof config === 'string' ? config : (config?.text ?? '');
    const key = text.replace(/\s+/g, ' ').replace(/\$\d+/g, '?').slice(0, 300);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return Reflect.apply(original, this, [config, ...rest]);
  } as typeof original;
  process.once('exit', () => {
    const sorted = [...counts].sort((a, b) => b[1] - a[1]).map(([sql, count]) => ({ count, sql }));
    writeFileSync(join(dir, `queries-${process.pid}.json`), JSON.stringify(sorted, null, 2));
  });
}
