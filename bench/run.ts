import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchAckLatency } from './ack-latency.js';
import { benchCatalogSync } from './catalog-sync.js';
import { benchFootprint } from './footprint.js';
import { benchProvisioning } from './provisioning-at-scale.js';
import { benchRevocation } from './revocation-at-scale.js';
import { benchRevocationLag } from './revocation-lag.js';
import { describeMachine } from './support/machine.js';
import { progress } from './support/progress.js';
import { FULL, QUICK, type Sizes } from './support/sizes.js';

/*
 * `npm run bench [-- --quick] [--only ack,sync] [--profile <dir>] [--queries <dir>]`: runs each benchmark
 * in turn and prints one JSON document on stdout, with the keys fixed by issue 7 so runs can be compared;
 * progress goes to stderr. `--profile` writes a V8 CPU profile of every server process into <dir>;
 * `--queries` counts the SQL statements each sends and prints the most frequent (both slow Latch down).
 */

const BENCHMARKS = ['ack', 'revocation', 'provisioning', 'sync', 'footprint'] as const;
type Benchmark = (typeof BENCHMARKS)[number];

const runners: Record<Benchmark, (sizes: Sizes) => Promise<unknown>> = {
  ack: (sizes) => benchAckLatency(sizes.ack),
  revocation: async (sizes) => ({
    ...(await benchRevocation(sizes.revocation)),
    default_sweep: await benchRevocationLag(sizes.revocationLag),
  }),
  provisioning: (sizes) => benchProvisioning(sizes.provisioning),
  sync: (sizes) => benchCatalogSync(sizes.sync),
  footprint: (sizes) => benchFootprint(sizes.footprint),
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'string' },
    queries: { type: 'string' },
  },
});
if (values.profile) process.env.BENCH_CPU_PROFILE_DIR = values.profile;
if (values.queries) {
  // Each server process writes its counts here on exit, and would find no folder to write to.
  mkdirSync(values.queries, { recursive: true });
  process.env.BENCH_QUERY_COUNT_DIR = values.queries;
}
const selected = values.only ? values.only.split(',').map((name) => name.trim()) : [...BENCHMARKS];
const unknown = selected.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length) {
  process.stderr.write(
    `bench: unknown benchmark(s) ${unknown.join(', ')}; choose from ${BENCHMARKS.join(', ')}\n`,
  );
  process.exit(2);
}
const sizes = values.quick ? QUICK : FULL;

const report: Record<string, unknown> = { machine: await describeMachine() };
for (const name of BENCHMARKS) {
  if (!selected.includes(name)) {
    report[name] = null;
    continue;
  }
  progress(`${name}: starting (${values.quick ? 'quick' : 'full'})`);
  const started = performance.now();
  report[name] = await runners[name](sizes);
  progress(`${name}: done in ${Math.round((performance.now() - started) / 1000)} s`);
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(0);
