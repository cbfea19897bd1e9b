import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { connectDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import type { Database } from '../src/db/schema.js';
import { slackClientForBot } from '../test/support/sign-slack-request.js';
import { createBenchSchema } from './support/bench-schema.js';
import { ADMIN, type BenchWorld, SIGNING_SECRET, startBenchWorld } from './support/bench-world.js';
import { buildLatch } from './support/build-latch.js';
import { type ServerProcess, startServerProcess } from './support/latch-process.js';
import { progress } from './support/progress.js';
import { SWEEP_EVERY_SECOND } from './support/scale-settings.js';
import { insertActiveGrants, insertHistory, type SeedGrant } from './support/seed-rows.js';
import { round, sleep } from './support/stats.js';
import { reportTableActivity } from './support/table-activity.js';

export interface FootprintSizes {
  historicalGrants: number;
  /** Active grants: people × teams of the bench world. */
  people: number;
  teams: number;
}

export interface FootprintResult {
  /** Resident memory after start and a round of App Home, `/access list`, a sweep and a metrics scrape. */
  rss_mb: number;
  peak_rss_mb: number;
  heap_used_mb: number;
  /** From spawning Latch as `npm start` runs it to the first 200 from /healthz, each on a database holding the history. */
  start_ms_pglite: number;
  start_ms_postgres: number;
  /** The first start of all: PGlite creates and migrates an empty data directory. */
  start_ms_pglite_empty: number;
  rss_mb_pglite: number;
  /** From an admin opening App Home to Latch publishing it (median of three), on PostgreSQL. */
  admin_home_ms: number;
  /** One scheduler pass over the history with nothing due, on PostgreSQL (mean). */
  sweep_ms: number;
  historical_grants: number;
  active_grants: number;
}

const HISTORY_PEOPLE = 1000;

/**
 * Latch on a database holding `historicalGrants` finished grants (with their requests, approvals and
 * audit rows) and people × teams active ones: cold start to healthy on PostgreSQL and on PGlite, then
 * memory once the screens that read that history have been drawn.
 */
export async function benchFootprint(sizes: FootprintSizes): Promise<FootprintResult> {
  const world = await startBenchWorld({ users: sizes.people, teams: sizes.teams });
  const schema = await createBenchSchema('footprint');
  const dirs: string[] = [];
  const newDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latch-bench-pglite-'));
    dirs.push(dir);
    return join(dir, 'data');
  };
  try {
    const active = activeGrants(world);
    progress(`footprint: seeding ${sizes.historicalGrants} historical and ${active.length} active grants`);
    await seed(schema.database.db, sizes, active, world);
    const mainJs = await buildLatch();

    const postgresPort = await world.freePort();
    const postgres = await startServerProcess({
      script: mainJs,
      asDeployed: true,
      args: ['start'],
      env: world.latchEnv({ port: postgresPort, databaseUrl: schema.url, sweepCron: SWEEP_EVERY_SECOND }),
      port: postgresPort,
    });
    progress(`footprint: PostgreSQL start ${Math.round(postgres.startMs)} ms; drawing screens`);
    const adminHomeMs = await exercise(world, postgres);
    const memory = await postgres.memory();
    const heapUsedMb = await heapUsed(postgres);
    const sweepPassMs = await sweepMs(postgres);
    await postgres.stop();
    await reportTableActivity('footprint', schema);

    const emptyDir = await newDir();
    const emptyPort = await world.freePort();
    const empty = await startServerProcess({
      script: mainJs,
      asDeployed: true,
      args: ['start'],
      env: world.latchEnv({ port: emptyPort, dataDir: emptyDir }),
      port: emptyPort,
    });
    await empty.stop();

    const pgliteDir = await newDir();
    const pglite = connectDatabase({ dataDir: pgliteDir });
    await migrateToLatest(pglite);
    await seed(pglite.db, sizes, active, world);
    await pglite.close();
    const pglitePort = await world.freePort();
    const embedded = await startServerProcess({
      script: mainJs,
      asDeployed: true,
      args: ['start'],
      env: world.latchEnv({ port: pglitePort, dataDir: pgliteDir }),
      port: pglitePort,
    });
    progress(
      `footprint: PGlite start ${Math.round(embedded.startMs)} ms (empty: ${Math.round(empty.startMs)} ms)`,
    );
    await exercise(world, embedded);
    const pgliteMemory = await embedded.memory();
    await embedded.stop();

    return {
      rss_mb: round(memory.rssMb),
      peak_rss_mb: round(memory.peakRssMb),
      heap_used_mb: round(heapUsedMb),
      start_ms_pglite: Math.round(embedded.startMs),
      start_ms_postgres: Math.round(postgres.startMs),
      start_ms_pglite_empty: Math.round(empty.startMs),
      rss_mb_pglite: round(pgliteMemory.rssMb),
      admin_home_ms: Math.round(adminHomeMs),
      sweep_ms: round(sweepPassMs),
      historical_grants: sizes.historicalGrants,
      active_grants: active.length,
    };
  } finally {
    await schema.drop();
    await world.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

function activeGrants(world: BenchWorld): SeedGrant[] {
  const provisionedAt = new Date();
  const expiresAt = new Date(provisionedAt.getTime() + 8 * 3600_000);
  return world.teams.flatMap((team, t) =>
    world.users.map((user, u) => ({
      id: `RACT${t}x${u}`,
      grantId: `GACT${t}x${u}`,
      requesterId: user.slackId,
      requesterEmail: user.email,
      resourceId: team.resourceId,
      principalId: user.awsUserId,
      provisionedAt,
      expiresAt,
    })),
  );
}

async function seed(
  db: Kysely<Database>,
  sizes: FootprintSizes,
  active: SeedGrant[],
  world: BenchWorld,
): Promise<void> {
  await insertHistory(db, {
    grants: sizes.historicalGrants,
    users: HISTORY_PEOPLE,
    resourceIds: world.teams.map((t) => t.resourceId),
  });
  await insertActiveGrants(db, active);
}

/**
 * What reads the history: App Home (the admin's shows every active grant), `/access list`, metrics.
 * Returns the median time from the admin opening App Home to Latch publishing it.
 */
async function exercise(world: BenchWorld, latch: ServerProcess): Promise<number> {
  const user = slackClientForBot({ botUrl: latch.url, signingSecret: SIGNING_SECRET, fake: world.slack });
  const homeMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = publishesTo(world, ADMIN.id);
    const started = performance.now();
    await user.event({ type: 'app_home_opened', user: ADMIN.id, channel: `D${ADMIN.id}`, tab: 'home' });
    await waitFor(() => publishesTo(world, ADMIN.id) > before);
    homeMs.push(performance.now() - started);
  }
  const people = world.users.slice(0, 20).map((u) => u.slackId);
  const publishedBefore = world.slack.callsTo('views.publish').length;
  for (const id of people) {
    await user.event({ type: 'app_home_opened', user: id, channel: `D${id}`, tab: 'home' });
    await user.command({ userId: id, text: 'list' });
  }
  await waitFor(() => world.slack.callsTo('views.publish').length >= publishedBefore + people.length);
  await (await fetch(`${latch.url}/metrics`)).text();
  // A few sweeps (every second here) over the history, and any Slack work after the acks, settle.
  await sleep(3000);
  return homeMs.sort((a, b) => a - b)[1] ?? 0;
}

function publishesTo(world: BenchWorld, userId: string): number {
  return world.slack.callsTo('views.publish').filter((c) => c.args.user_id === userId).length;
}

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(5);
}

/** Mean time of one sweep pass (all its jobs), from the scheduler's own histogram in /metrics. */
async function sweepMs(latch: ServerProcess): Promise<number> {
  const metrics = await (await fetch(`${latch.url}/metrics`)).text();
  const values = (suffix: string) =>
    [
      ...metrics.matchAll(new RegExp(`^latch_sweep_job_duration_seconds_${suffix}\\{[^}]*\\} (\\S+)$`, 'gm')),
    ].map((m) => Number(m[1]));
  const passes = Math.max(...values('count'), 1);
  return (values('sum').reduce((sum, v) => sum + v, 0) / passes) * 1000;
}

async function heapUsed(latch: ServerProcess): Promise<number> {
  const metrics = await (await fetch(`${latch.url}/metrics`)).text();
  const bytes = Number(/^latch_nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? 0);
  return bytes / 2 ** 20;
}
