import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Database } from '../src/db/schema.js';
import { createBenchSchema } from './support/bench-schema.js';
import { ADMIN, type BenchWorld, SIGNING_SECRET, startBenchWorld } from './support/bench-world.js';
import { buildLatch } from './support/build-latch.js';
import { withFilingMessages } from './support/filed-requests.js';
import { type GrantOutcome, waitForGrants } from './support/grant-progress.js';
import { type ServerProcess, startServerProcess } from './support/latch-process.js';
import type { LoadResult } from './support/load-generator.js';
import { runOpenLoop } from './support/open-loop.js';
import { progress } from './support/progress.js';
import { insertPendingRequests, type SeedRequest } from './support/seed-rows.js';
import { type SlackBody, slackBodies } from './support/slack-payloads.js';
import { round, summarize } from './support/stats.js';
import { reportTableActivity } from './support/table-activity.js';

export interface AckSizes {
  ratePerSecond: number;
  seconds: number;
  warmupSeconds: number;
  /** How long to wait, after the load, for the approvals' provisioning to catch up. */
  drainLimitSeconds: number;
}

export interface AckResult {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  floor_p50_ms: number;
  floor_p95_ms: number;
  floor_p99_ms: number;
  floor_max_ms: number;
  /** p99 by kind of request: slash commands, button clicks, options loads. */
  p99_ms_by_kind: Record<SlackBody['kind'], number>;
  requests_per_second: number;
  seconds: number;
  errors: number;
  /**
   * How long after the load stopped the last approval's grant was active: near 0 when Latch's work
   * after the acks keeps up with the load. Capped at `drainLimitSeconds`.
   */
  backlog_drain_seconds: number;
  /** Approvals still not provisioned at that cap. */
  backlog_unfinished: number;
  /**
   * CPU seconds Latch's process used from the start of the load to the end of that wait: what the
   * requests and the work after them cost, steadier from run to run than the latencies.
   */
  cpu_seconds: number;
  /**
   * How long after the load stopped the last approval was recorded (its request's `decided_at`):
   * near 0 when the work after the acks keeps up; the clicks' answers wait this long.
   */
  decisions_drain_seconds: number;
}

export const USERS = 200;
export const TEAMS = 10;
const COMMANDS = ['list', 'request team-{k} 1h load test', 'resources team', 'help'];
const SEARCHES = ['', 'team', 'read', 'team-1'];

/**
 * Signed slash commands, `Approve` clicks and options loads, in equal parts, at a steady rate against
 * Latch over HTTP (PostgreSQL, fresh schema), then the same against a bare Bolt app that only acks.
 * Approvals are of real pending requests, so the work after each ack (database, DMs, provisioning
 * in the local AWS) runs as it would in production and competes with the acks that follow.
 */
export async function benchAckLatency(sizes: AckSizes): Promise<AckResult> {
  const world = await startBenchWorld({ users: USERS, teams: TEAMS });
  const schema = await createBenchSchema('ack');
  try {
    const total = sizes.ratePerSecond * (sizes.seconds + sizes.warmupSeconds);
    const warmup = sizes.ratePerSecond * sizes.warmupSeconds;
    await seedApprovals(world, schema.database.db, total);

    // The floor first, on a quiet machine; Latch's run leaves PostgreSQL and the local Slack busy.
    const floor = await startFloor(world);
    progress(`ack: bare Bolt floor up; ${total} requests at ${sizes.ratePerSecond}/s`);
    const floorMeasured = await load(world, floor, sizes, total, warmup);
    await floor.stop();

    const latch = await startLatch(world, schema.url);
    progress(`ack: Latch up in ${Math.round(latch.startMs)} ms; the same load`);
    const cpuBefore = await latch.cpuSeconds();
    const slackCallsBefore = world.slack.calls.length;
    const measured = await load(world, latch, sizes, total, warmup);
    const loadEndedAt = Date.now();
    const isDone = (g: GrantOutcome) => g.status === 'active' || g.status === 'failed';
    const approved = await waitForGrants({
      db: schema.database.db,
      requestPrefix: 'RACK',
      expected: Math.floor((total + 1) / 3),
      isDone,
      deadlineAt: loadEndedAt + sizes.drainLimitSeconds * 1000,
      label: 'ack: approvals provisioned after the load',
    });
    const drainSeconds = (Date.now() - loadEndedAt) / 1000;
    const cpuSeconds = (await latch.cpuSeconds()) - cpuBefore;
    const lastDecidedAt = Math.max(...approved.map((g) => g.decidedAt?.getTime() ?? 0));
    await latch.stop({ now: true });
    reportWarnings('Latch', latch);
    reportSlackCalls(world, slackCallsBefore);
    await reportTableActivity('ack', schema);

    const all = summarize(Object.values(measured.latenciesMs).flat());
    const bare = summarize(Object.values(floorMeasured.latenciesMs).flat());
    const p99Of = (kind: SlackBody['kind']) => round(summarize(measured.latenciesMs[kind]).p99);
    return {
      p50_ms: round(all.p50),
      p95_ms: round(all.p95),
      p99_ms: round(all.p99),
      max_ms: round(all.max),
      floor_p50_ms: round(bare.p50),
      floor_p95_ms: round(bare.p95),
      floor_p99_ms: round(bare.p99),
      floor_max_ms: round(bare.max),
      p99_ms_by_kind: { command: p99Of('command'), click: p99Of('click'), options: p99Of('options') },
      requests_per_second: sizes.ratePerSecond,
      seconds: sizes.seconds,
      errors: measured.errors,
      backlog_drain_seconds: round(drainSeconds),
      backlog_unfinished: Math.floor((total + 1) / 3) - approved.filter(isDone).length,
      decisions_drain_seconds: round(Math.max(0, lastDecidedAt - loadEndedAt) / 1000),
      cpu_seconds: round(cpuSeconds),
    };
  } finally {
    await schema.drop();
    await world.close();
  }
}

/** The pending requests the load's `Approve` clicks decide (one for every three requests), as filing leaves them. */
export async function seedApprovals(world: BenchWorld, db: Kysely<Database>, total: number): Promise<void> {
  const requests = Array.from({ length: Math.ceil(total / 3) }, (_, i): SeedRequest => {
    const user = world.users[i % USERS];
    return {
      id: `RACK${i}`,
      requesterId: user?.slackId ?? '',
      requesterEmail: user?.email ?? '',
      resourceId: `team-${1 + (i % TEAMS)}`,
      ...(user ? { matchedPrincipalId: user.awsUserId } : {}),
    };
  });
  await insertPendingRequests(db, await withFilingMessages(world, requests), new Date());
}

/** The floor: a bare Bolt app on the same machine that only acks. */
export async function startFloor(world: BenchWorld): Promise<ServerProcess> {
  const port = await world.freePort();
  return startServerProcess({
    script: fileURLToPath(new URL('./support/bare-bolt-app.ts', import.meta.url)),
    nodeArgs: ['--import', 'tsx'],
    env: world.latchEnv({ port }),
    port,
  });
}

export async function startLatch(world: BenchWorld, databaseUrl: string): Promise<ServerProcess> {
  const port = await world.freePort();
  return startServerProcess({
    script: await buildLatch(),
    asDeployed: true,
    args: ['start'],
    env: world.latchEnv({ port, databaseUrl }),
    port,
  });
}

async function load(
  world: BenchWorld,
  server: ServerProcess,
  sizes: AckSizes,
  total: number,
  warmup: number,
): Promise<LoadResult> {
  const result = await runOpenLoop({
    url: server.url,
    signingSecret: SIGNING_SECRET,
    ratePerSecond: sizes.ratePerSecond,
    warmup,
    bodies: loadBodies(world, total),
  });
  if (result.errors)
    progress(`ack: ${result.errors} failed requests, e.g. ${result.errorSamples.join(' | ')}`);
  if (result.maxLateMs > 20)
    progress(`ack: the load generator fell ${Math.round(result.maxLateMs)} ms behind`);
  return result;
}

/** Slash commands, `Approve` clicks (of `seedApprovals`' requests) and options loads, in turn. */
export function loadBodies(world: BenchWorld, total: number): SlackBody[] {
  const make = slackBodies(world.slack);
  const bodies: SlackBody[] = [];
  for (let i = 0; i < total; i++) {
    const cycle = Math.floor(i / 3);
    const user = world.users[i % USERS]?.slackId ?? ADMIN.id;
    if (i % 3 === 0) {
      const text = COMMANDS[cycle % COMMANDS.length] ?? 'help';
      bodies.push(make.command(user, text.replace('{k}', String(1 + (cycle % TEAMS)))));
    } else if (i % 3 === 1) bodies.push(make.approveClick(ADMIN.id, `RACK${cycle}`));
    else bodies.push(make.resourceSearch(user, SEARCHES[cycle % SEARCHES.length] ?? ''));
  }
  return bodies;
}

/** The Web API calls Latch made from the start of the load to the end of the wait after it, by method. */
function reportSlackCalls(world: BenchWorld, from: number): void {
  const byMethod = new Map<string, number>();
  for (const call of world.slack.calls.slice(from))
    byMethod.set(call.method, (byMethod.get(call.method) ?? 0) + 1);
  const counts = [...byMethod].sort((a, b) => b[1] - a[1]).map(([method, n]) => `${method} ${n}`);
  progress(`ack: Slack calls from Latch: ${counts.join(', ')}`);
}

function reportWarnings(name: string, server: ServerProcess): void {
  const top = [...server.logs.warnings].sort((a, b) => b[1] - a[1]).slice(0, 8);
  for (const [message, count] of top) progress(`${name} logged ${count}× "${message.slice(0, 160)}"`);
}
