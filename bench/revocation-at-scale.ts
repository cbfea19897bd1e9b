import { awsCallStats, describeCalls, THROTTLING_TEXT } from './support/aws-call-stats.js';
import { createBenchSchema } from './support/bench-schema.js';
import { startBenchWorld } from './support/bench-world.js';
import { buildLatch } from './support/build-latch.js';
import { readGrants, waitForGrants } from './support/grant-progress.js';
import { startServerProcess } from './support/latch-process.js';
import { progress } from './support/progress.js';
import {
  LATENCY_MS,
  LIMIT_PER_SECOND,
  type ScaleSizes,
  SWEEP_EVERY_SECOND,
} from './support/scale-settings.js';
import { insertActiveGrants, type SeedGrant } from './support/seed-rows.js';
import { round, sleep, summarize } from './support/stats.js';
import { reportTableActivity } from './support/table-activity.js';

export interface RevocationResult {
  grants: number;
  per_second: number;
  limit_per_second: number;
  lag_p50_ms: number;
  lag_p99_ms: number;
  lag_max_ms: number;
  /** N ÷ rate: the p99 lag if every call AWS allows went to a revocation. */
  best_lag_p99_ms: number;
  /** Grants not revoked when the run ended (its deadline is 3× the best possible, at least a minute). */
  failures: number;
  /** Log lines in which a throttling error reached Latch past the SDK's retries. */
  throttling_errors: number;
  aws_calls: number;
  aws_throttled: number;
  /** Memberships still in AWS after the run; 0 means every revocation really happened. */
  left_in_aws: number;
}

const LEAD_MS = 6_000;

/**
 * `grants` Identity Center group memberships, each held by an active grant, all expiring at the same
 * instant while Latch runs its scheduler; AWS answers after 30 ms and throttles each service above
 * 20 calls/s. Measures the lag from `expires_at` to the grant's `revoked_at` (set once AWS confirmed
 * the removal) and checks AWS afterwards.
 */
export async function benchRevocation(sizes: ScaleSizes): Promise<RevocationResult> {
  const people = Math.ceil(sizes.grants / sizes.teams);
  const world = await startBenchWorld({ users: people, teams: sizes.teams });
  const schema = await createBenchSchema('revoke');
  try {
    const expiresAt = new Date(Date.now() + LEAD_MS);
    const provisionedAt = new Date(expiresAt.getTime() - 3600_000);
    const seeded: SeedGrant[] = [];
    for (let i = 0; i < sizes.grants; i++) {
      const user = world.users[i % people];
      const team = world.teams[Math.floor(i / people)];
      if (!user || !team) throw new Error('bench: not enough people or teams');
      const awsRef = world.aws.addMembership(team.groupId, user.awsUserId);
      seeded.push({
        awsRef,
        id: `RREV${i}`,
        grantId: `GREV${i}`,
        requesterId: user.slackId,
        requesterEmail: user.email,
        resourceId: team.resourceId,
        principalId: user.awsUserId,
        provisionedAt,
        expiresAt,
      });
    }
    await insertActiveGrants(schema.database.db, seeded);
    world.aws.reset();
    world.aws.setLatency(LATENCY_MS);
    world.aws.setRateLimit(LIMIT_PER_SECOND);

    const port = await world.freePort();
    const latch = await startServerProcess({
      script: await buildLatch(),
      asDeployed: true,
      args: ['start'],
      env: world.latchEnv({ port, databaseUrl: schema.url, sweepCron: SWEEP_EVERY_SECOND }),
      port,
    });
    progress(`revocation: ${sizes.grants} grants expire at once in ${expiresAt.getTime() - Date.now()} ms`);
    const bestSeconds = sizes.grants / LIMIT_PER_SECOND;
    const deadlineAt = expiresAt.getTime() + Math.max(60, 3 * bestSeconds) * 1000;
    await sleep(Math.max(0, expiresAt.getTime() - Date.now()));
    const grants = await waitForGrants({
      db: schema.database.db,
      requestPrefix: 'RREV',
      expected: sizes.grants,
      isDone: (g) => g.status === 'revoked',
      deadlineAt,
      label: 'revocation: revoked',
    });
    await latch.stop();
    await reportTableActivity('revocation', schema);

    const revoked = grants.filter((g) => g.status === 'revoked' && g.revokedAt);
    const unfinishedLagMs = Date.now() - expiresAt.getTime();
    const lags = [
      ...revoked.map((g) => (g.revokedAt?.getTime() ?? 0) - expiresAt.getTime()),
      ...Array.from({ length: sizes.grants - revoked.length }, () => unfinishedLagMs),
    ];
    const lastRevokedAt = Math.max(...revoked.map((g) => g.revokedAt?.getTime() ?? 0));
    const calls = awsCallStats(world.aws.calls, LIMIT_PER_SECOND);
    progress(`revocation: AWS calls ${describeCalls(calls)}`);
    for (const [message, count] of latch.logs.warnings)
      progress(`revocation: Latch logged ${count}× "${message}"`);
    const lag = summarize(lags);
    const left = seeded.filter((g) => {
      const groupId = world.teams.find((t) => t.resourceId === g.resourceId)?.groupId ?? '';
      return world.aws.isMember(groupId, g.principalId);
    }).length;
    // A last look, in case the stop itself finished a revocation the poll missed.
    const final = await readGrants(schema.database.db, 'RREV');
    return {
      grants: sizes.grants,
      per_second: round(revoked.length / Math.max(0.001, (lastRevokedAt - expiresAt.getTime()) / 1000), 2),
      limit_per_second: LIMIT_PER_SECOND,
      lag_p50_ms: Math.round(lag.p50),
      lag_p99_ms: Math.round(lag.p99),
      lag_max_ms: Math.round(lag.max),
      best_lag_p99_ms: Math.round(bestSeconds * 1000),
      failures: final.filter((g) => g.status !== 'revoked').length,
      throttling_errors: latch.logs.count(THROTTLING_TEXT),
      aws_calls: calls.total,
      aws_throttled: calls.throttled,
      left_in_aws: left,
    };
  } finally {
    await schema.drop();
    await world.close();
  }
}
