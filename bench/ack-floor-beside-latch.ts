/**
 * How fast could any Latch ack on this machine while Latch's work runs? The bare Bolt floor is
 * measured twice under the ack benchmark's load (200 requests/s of slash commands, `Approve` clicks
 * and options loads): alone, then while Latch, in its own process, takes the same load beside it.
 * The second figure is what an ack answered on a thread that does nothing else (its own process
 * here) would see: the CPU the work after Latch's acks takes from it, on this machine, and
 * PostgreSQL's and the local Slack's and AWS's. Latch's own figures of that run are printed too.
 * `npx tsx bench/ack-floor-beside-latch.ts [seconds]` (default 15) prints one JSON document.
 */
import { loadBodies, seedApprovals, startFloor, startLatch } from './ack-latency.js';
import { createBenchSchema } from './support/bench-schema.js';
import { SIGNING_SECRET, startBenchWorld } from './support/bench-world.js';
import type { LoadResult } from './support/load-generator.js';
import { describeMachine } from './support/machine.js';
import { runOpenLoop } from './support/open-loop.js';
import { progress } from './support/progress.js';
import { round, summarize } from './support/stats.js';

const RATE = 200;
const WARMUP_SECONDS = 1;
const seconds = Number(process.argv[2] ?? 15);

function figures(result: LoadResult) {
  const all = summarize(Object.values(result.latenciesMs).flat());
  return { p50_ms: round(all.p50), p99_ms: round(all.p99), max_ms: round(all.max), errors: result.errors };
}

const world = await startBenchWorld({ users: 200, teams: 10 });
const schema = await createBenchSchema('ackbeside');
try {
  const total = RATE * (seconds + WARMUP_SECONDS);
  await seedApprovals(world, schema.database.db, total);
  const floor = await startFloor(world);
  const load = (url: string) =>
    runOpenLoop({
      url,
      signingSecret: SIGNING_SECRET,
      ratePerSecond: RATE,
      warmup: RATE * WARMUP_SECONDS,
      bodies: loadBodies(world, total),
    });
  progress(`floor alone: ${total} requests at ${RATE}/s`);
  const alone = await load(floor.url);
  const latch = await startLatch(world, schema.url);
  progress('floor and Latch side by side, each at the same load');
  const [beside, latchBeside] = await Promise.all([load(floor.url), load(latch.url)]);
  await latch.stop({ now: true });
  await floor.stop();
  console.log(
    JSON.stringify(
      {
        machine: await describeMachine(),
        requests_per_second: RATE,
        seconds,
        floor_alone: figures(alone),
        floor_beside_latch: figures(beside),
        latch_beside_floor: figures(latchBeside),
      },
      null,
      2,
    ),
  );
} finally {
  await schema.drop();
  await world.close();
}
