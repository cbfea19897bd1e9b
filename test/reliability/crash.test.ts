import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/e2e-steps.js';
import { seededRandom } from '../support/fake-aws-faults.js';
import { DIALECT } from '../support/test-database.js';
import {
  accessMismatches,
  auditViolations,
  grantsPerRequest,
  lateRevocations,
  type Uptime,
  unfinishedWork,
} from './support/convergence.js';
import { type Attempt, fileBatch, requestIdOf, sleep, startLead } from './support/crash-load.js';
import { CRASH_RESOURCES, type CrashWorld, startCrashWorld } from './support/crash-world.js';
import { buildLatch, type LatchChild, spawnLatch, tail } from './support/latch-child.js';
import { readOutcome } from './support/read-outcome.js';
import { waitForCounts } from './support/scrape-metrics.js';

/*
 * Issue 6, crash injection: Latch as a real process (HTTP, its own database, the local Slack and
 * AWS), killed with SIGKILL at random moments and inside the window between an AWS call and the
 * commit that records it, restarted each time; afterwards it must converge.
 *
 * CI runs LATCH_CRASH_ROUNDS (default 4) kills; the full form is
 *   LATCH_CRASH_ROUNDS=30 npx vitest run test/reliability/crash.test.ts
 * (and the same with DATABASE_URL set for PostgreSQL). LATCH_CRASH_SEED replays a run.
 */
const ROUNDS = Number(process.env.LATCH_CRASH_ROUNDS ?? 4);
const SEED = Number(process.env.LATCH_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const REQUESTS_PER_ROUND = 10;
const SWEEP_CRON = '* * * * * *';
const SWEEP_MS = 1000;
/** The bound: one sweep plus 10 seconds. */
const REVOCATION_BOUND_MS = SWEEP_MS + 10_000;

type KillPlan =
  | { kind: 'random'; afterMs: number }
  | { kind: 'startup'; afterMs: number }
  /** Kill as the AWS request arrives: it is applied in AWS, but Latch never learns the answer. */
  | { kind: 'in-flight'; operation: string }
  /** Kill as AWS answers: Latch holds the answer but has not committed it. */
  | { kind: 'answered'; operation: string };

/** Window kills cycle through every AWS change Latch makes, a creation then a removal. */
const WINDOW_PLANS: KillPlan[] = [
  { kind: 'in-flight', operation: 'CreateGroupMembership' },
  { kind: 'answered', operation: 'DeleteGroupMembership' },
  { kind: 'in-flight', operation: 'CreateAccountAssignment' },
  { kind: 'in-flight', operation: 'RemoveUserFromGroup' },
  { kind: 'answered', operation: 'AddUserToGroup' },
  { kind: 'in-flight', operation: 'DeleteGroupMembership' },
  { kind: 'answered', operation: 'DescribeAccountAssignmentCreationStatus' },
  { kind: 'in-flight', operation: 'DeleteAccountAssignment' },
  { kind: 'answered', operation: 'CreateGroupMembership' },
  { kind: 'answered', operation: 'RemoveUserFromGroup' },
];

/** Odd rounds kill at a random moment (every other one while Latch is still starting), even rounds in a window. */
function planFor(round: number, random: () => number): KillPlan {
  if (round % 4 === 1) return { kind: 'random', afterMs: 300 + Math.floor(random() * 4000) };
  if (round % 4 === 3) return { kind: 'startup', afterMs: 100 + Math.floor(random() * 1500) };
  return WINDOW_PLANS[(round / 2 - 1) % WINDOW_PLANS.length] ?? { kind: 'random', afterMs: 1000 };
}

interface Kill {
  round: number;
  plan: string;
  /** False when the awaited AWS call did not come within the round (killed at the timeout instead). */
  hitWindow: boolean;
  uptimeMs: number;
}

describe(`Latch killed with SIGKILL ${ROUNDS} times on ${DIALECT}`, () => {
  let world: CrashWorld;
  let main: string;
  const children: LatchChild[] = [];

  beforeAll(async () => {
    [main, world] = await Promise.all([
      buildLatch(),
      startCrashWorld({ requesters: 24, sweepCron: SWEEP_CRON }),
    ]);
  });

  afterAll(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await world?.close();
  });

  function start(): LatchChild {
    const child = spawnLatch(main, world.env, world.port);
    children.push(child);
    return child;
  }

  /** Waits for the planned moment; true if it was the AWS window asked for. */
  async function killMoment(plan: KillPlan): Promise<boolean> {
    switch (plan.kind) {
      case 'random':
      case 'startup':
        await sleep(plan.afterMs);
        return true;
      case 'in-flight':
        return world.aws
          .waitForArrival(plan.operation, () => true, 12_000)
          .then(
            () => true,
            () => false,
          );
      case 'answered':
        return world.aws
          .waitForArrival(plan.operation, () => true, 12_000)
          .then(
            (arrival) =>
              world.aws
                .waitForCall(plan.operation, (input) => input === arrival.input, 5000)
                .then(
                  () => true,
                  () => false,
                ),
            () => false,
          );
    }
  }

  it(
    'converges: AWS matches the active grants, revocations are on time, nothing is lost or logged twice',
    async () => {
      const random = seededRandom(SEED);
      const uptimes: Uptime[] = [];
      const kills: Kill[] = [];
      const attempts: Attempt[] = [];
      const lead = startLead(world, random);
      const started = Date.now();

      // Arrange and act: rounds of load, each ended by kill -9 at a chosen moment.
      for (let round = 1; round <= ROUNDS; round++) {
        const plan = planFor(round, random);
        // In-flight kills need the call to still be on its way when it arrives.
        world.aws.setLatency(plan.kind === 'in-flight' ? 100 : 0);
        const child = start();
        let uptime: Uptime | undefined;
        let load: Promise<Attempt[]> = Promise.resolve([]);
        if (plan.kind !== 'startup') {
          uptime = { readyAt: await child.ready() };
          uptimes.push(uptime);
          load = fileBatch(world, random, {
            round: String(round),
            count: REQUESTS_PER_ROUND,
            minSeconds: 10,
            maxSeconds: 20,
            spreadMs: 2000,
          });
        }
        const hitWindow = await killMoment(plan);
        await child.kill();
        if (uptime) uptime.downAt = Date.now();
        kills.push({
          round,
          plan: 'operation' in plan ? `${plan.kind} ${plan.operation}` : plan.kind,
          hitWindow,
          uptimeMs: Date.now() - (uptime?.readyAt ?? child.spawnedAt),
        });
        attempts.push(...(await load));
      }

      // The last restart: a final batch with Latch up, then no more kills.
      world.aws.setLatency(0);
      const last = start();
      const lastUp: Uptime = { readyAt: await last.ready() };
      uptimes.push(lastUp);
      attempts.push(
        ...(await fileBatch(world, random, {
          round: 'final',
          count: REQUESTS_PER_ROUND,
          minSeconds: 15,
          maxSeconds: 15,
          spreadMs: 1000,
        })),
      );
      // Everything the crashes left half-done is finished within the bound.
      const settled = await waitForCounts(
        last.url,
        (c) => c.grants.provisioning === 0 && c.grants.revoking === 0,
        REVOCATION_BOUND_MS + 5000,
      ).catch((error: unknown) => {
        throw new Error(
          `${String(error)}\nLATCH_CRASH_SEED=${SEED}; Latch's last lines:\n${tail(last.lines, 80)}`,
        );
      });
      const stoppedAt = Date.now();
      expect(await last.stop()).toBe(0);
      lastUp.downAt = stoppedAt;
      const snapshot = await readOutcome(world.database);
      const holdersNow = Object.fromEntries(CRASH_RESOURCES.map((id) => [id, world.holders(id)]));

      // Then run until every grant has ended and every request is decided or expired.
      const again = start();
      uptimes.push({ readyAt: await again.ready() });
      await waitForCounts(
        again.url,
        (c) =>
          c.requests.pending === 0 &&
          c.grants.provisioning === 0 &&
          c.grants.active === 0 &&
          c.grants.revoking === 0,
        60_000,
      );
      const leadStats = lead.stop();
      expect(await again.stop()).toBe(0);
      const outcome = await readOutcome(world.database);
      const holdersAtEnd = Object.fromEntries(CRASH_RESOURCES.map((id) => [id, world.holders(id)]));

      // Assert: what the issue calls converged.
      const acknowledged = attempts.map((a) => requestIdOf(world, a)).filter((id) => id !== undefined);
      const stored = new Set(outcome.requests.map((r) => r.id));
      const lost = acknowledged.filter((id) => !stored.has(id));
      const late = lateRevocations(outcome.grants, uptimes, REVOCATION_BOUND_MS);
      const figures = {
        dialect: DIALECT,
        seed: SEED,
        rounds: ROUNDS,
        kills: kills.length,
        killsInAwsWindow: kills.filter((k) => k.plan.includes(' ') && k.hitWindow).length,
        killsByPlan: countBy(kills.map((k) => `${k.plan}${k.hitWindow ? '' : ' (timed out)'}`)),
        requestsTyped: attempts.length,
        requestsAcknowledged: acknowledged.length,
        requestsStored: outcome.requests.length,
        requestsLost: lost.length,
        requestsByStatus: countBy(outcome.requests.map((r) => r.status)),
        grantsByStatus: countBy(outcome.grants.map((g) => g.status)),
        activeAtSnapshot: snapshot.grants.filter((g) => g.status === 'active').length,
        auditRows: outcome.audit.length,
        revocationsMeasured: late.measured,
        worstRevocationLatenessMs: late.worstMs,
        worstRevocation: late.worst,
        uptimes,
        lead: leadStats,
        latchErrorLines: children.reduce((n, c) => n + c.lines.filter((l) => l.level >= 50).length, 0),
        wallSeconds: Math.round((Date.now() - started) / 1000),
      };
      console.info(`crash figures ${JSON.stringify(figures)}`);
      if (process.env.LATCH_CRASH_LOG) {
        const warnings = children.flatMap((c, i) =>
          c.lines.filter((l) => l.level >= 40).map((l) => `${i} ${l.raw}`),
        );
        await writeFile(process.env.LATCH_CRASH_LOG, warnings.join('\n'));
      }

      expect(settled.grants.provisioning).toBe(0);
      expect(accessMismatches(snapshot.grants, holdersNow)).toEqual([]);
      expect(unfinishedWork(snapshot, { requests: ['pending'], grants: ['active'] })).toEqual([]);
      expect(lost).toEqual([]);
      expect(unfinishedWork(outcome)).toEqual([]);
      expect(grantsPerRequest(outcome)).toEqual([]);
      expect(auditViolations(outcome)).toEqual([]);
      expect(late.violations).toEqual([]);
      expect(accessMismatches(outcome.grants, holdersAtEnd)).toEqual([]);
      expect(Object.values(holdersAtEnd).flat()).toEqual([]);
      // AWS never failed here: a failed grant could only be the crashes' doing.
      expect(outcome.grants.filter((g) => g.status === 'failed').map((g) => g.id)).toEqual([]);
      expect(kills).toHaveLength(ROUNDS);
      expect(outcome.grants.length).toBeGreaterThan(0);
      for (const child of children) expect(tail(child.lines, 10_000)).not.toContain('crash-fake-secret');
    },
    ROUNDS * 15_000 + 180_000,
  );

  it('writes the process warnings Node would print as text as JSON log lines, like every other line', async () => {
    const preload = fileURLToPath(new URL('./support/warn-when-ready.mjs', import.meta.url));
    const child = spawnLatch(main, { ...world.env, NODE_OPTIONS: `--import=${preload}` }, world.port);
    children.push(child);
    await child.ready();
    const warned = await eventually(
      () =>
        child.lines.find(
          (line) => line.msg === 'Node warning' && JSON.stringify(line.warning).includes('LatchTestWarning'),
        ),
      (line) => line !== undefined,
      10_000,
    );
    expect(await child.stop()).toBe(0);

    expect(warned).toMatchObject({
      level: 40,
      warning: { name: 'LatchTestWarning', code: 'LATCH_TEST', message: 'a warning emitted after start' },
    });
    // Every line parses as JSON; on Node 20 that includes the AWS SDK's notice about Node versions.
    expect(child.lines.filter((line) => !isJson(line.raw)).map((line) => line.raw)).toEqual([]);
  });
});

function isJson(raw: string): boolean {
  try {
    JSON.parse(raw);
    return true;
  } catch {
    return false;
  }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
