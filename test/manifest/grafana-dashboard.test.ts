import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: Array<{ expr: string }>;
  panels?: Panel[];
}

/** The series names a metric family puts in /metrics, from its `# TYPE` line. */
function seriesOf(name: string, type: string): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

describe('deploy/grafana/latch-dashboard.json', () => {
  let db: TestDatabase;
  let panels: Panel[];
  let exported: Map<string, string>;
  const queried = () =>
    new Set(panels.flatMap((p) => p.targets ?? []).flatMap((t) => t.expr.match(/\blatch_\w+/g) ?? []));

  beforeAll(async () => {
    const dashboard = JSON.parse(
      await readFile(new URL('../../deploy/grafana/latch-dashboard.json', import.meta.url), 'utf8'),
    );
    panels = (dashboard.panels as Panel[]).flatMap((p) => [p, ...(p.panels ?? [])]);
    // What GET /metrics serves, over a real (empty) database.
    db = await createTestDatabase();
    const text = await createMetrics(db.store, { now: () => new Date() }).render();
    exported = new Map(
      [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name = '', type = '']) =>
        seriesOf(name, type).map((series) => [series, name] as const),
      ),
    );
  }, 30_000); // migrating an embedded database, on a busy machine
  afterAll(async () => {
    await db.destroy();
  });

  it('queries only metrics that /metrics exports', () => {
    const unknown = [...queried()].filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
  });

  it("shows every one of Latch's own metrics somewhere", () => {
    const shown = new Set([...queried()].map((series) => exported.get(series)));
    const own = [...new Set(exported.values())].filter((name) => !/^latch_(process|nodejs)_/.test(name));
    expect(own.filter((name) => !shown.has(name))).toEqual([]);
  });

  it('gives every graph a query on the chosen data source', () => {
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template literal
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
    }
  });
});
