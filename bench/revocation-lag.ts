import { createBenchSchema } from './support/bench-schema.js';
import { startBenchWorld } from './support/bench-world.js';
import { buildLatch } from './support/build-latch.js';
import { readGrants, waitForGrants } from './support/grant-progress.js';
import { startServerProcess } from './support/latch-process.js';
import { progress } from './support/progress.js';
import { LATENCY_MS, LIMIT_PER_SECOND } from './support/scale-settings.js';
import { insertActiveGrants, type SeedGrant } from './support/seed-rows.js';
import { sleep, summarize } from './support/stats.js';

export interface LagSizes {
  /** Grants expiring at the same instant. */
  atOnce: number;
  /** Such bursts, one every `everySeconds`. */
  bursts: number;
  everySeconds: number;
}

export interface RevocationLagResult {
  grants: number;
  due_at_once: number;
  bursts: number;
  /** The sweep Latch ran with: its default, as issue 5 measures it. */
  sweep: string;
  lag_p50_ms: number;
  lag_p99_ms: number;
  lag_max_ms: number;
  failures: number;
}

const LEAD_MS = 6_000;

/**
 * Issue 5's goal: p99 lag from `expires_at` to confirmed removal under 5 s with the default sweep,
 * whatever the number of grants due at once up to the AWS rate limit. `atOnce` grants expire at the
 * same instant, a burst every `everySeconds`, while Latch runs with no LATCH_SWEEP_CRON (every 15 s,
 * and a timer for the next expiry); AWS answers after 30 ms and throttles above 20 calls/s per service.
 */
export async function benchRevocationLag(sizes: LagSizes): Promise<RevocationLagResult> {
  const teams = 10;
  const total = sizes.atOnce * sizes.bursts;
  const people = Math.ceil(total / teams);
  const world = await startBenchWorld({ users: people, teams });
  const schema = await createBenchSchema('revoke_lag');
  try {
    const firstAt = Date.now() + LEAD_MS;
    const seeded: SeedGrant[] = [];
    for (let i = 0; i < total; i++) {
      const user = world.users[i % people];
      const team = world.teams[Math.floor(i / people)];
      if (!user || !team) throw new Error('bench: not enough people or teams');
      const expiresAt = new Date(firstAt + Math.floor(i / sizes.atOnce) * sizes.everySeconds * 1000);
      seeded.push({
        id: `RLAG${i}`,
        grantId: `GLAG${i}`,
        requesterId: user.slackId,
        requesterEmail: user.email,
        resourceId: team.resourceId,
        principalId: user.awsUserId,
        awsRef: world.aws.addMembership(team.groupId, user.awsUserId),
        provisionedAt: new Date(expiresAt.getTime() - 3600_000),
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
      env: world.latchEnv({ port, databaseUrl: schema.url }),
      port,
    });
    progress(
      `revocation lag: ${sizes.atOnce} grants expire at once, every ${sizes.everySeconds} s, ${sizes.bursts} times`,
    );
    const lastAt = firstAt + (sizes.bursts - 1) * sizes.everySeconds * 1000;
    await sleep(Math.max(0, lastAt - Date.now()));
    await waitForGrants({
      db: schema.database.db,
      requestPrefix: 'RLAG',
      expected: total,
      isDone: (g) => g.status === 'revoked',
      deadlineAt: lastAt + 60_000,
      label: 'revocation lag: revoked',
    });
    await latch.stop();
    const grants = await readGrants(schema.database.db, 'RLAG');
    const lags = grants.map((g) =>
      g.revokedAt && g.expiresAt ? g.revokedAt.getTime() - g.expiresAt.getTime() : Date.now() - lastAt,
    );
    const lag = summarize(lags);
    return {
      grants: total,
      due_at_once: sizes.atOnce,
      bursts: sizes.bursts,
      sweep: 'default (LATCH_SWEEP_CRON unset)',
      lag_p50_ms: Math.round(lag.p50),
      lag_p99_ms: Math.round(lag.p99),
      lag_max_ms: Math.round(lag.max),
      failures: grants.filter((g) => g.status !== 'revoked').length,
    };
  } finally {
    await schema.drop();
    await world.close();
  }
}
