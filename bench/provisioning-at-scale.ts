import { awsCallStats, describeCalls, THROTTLING_TEXT } from './support/aws-call-stats.js';
import { createBenchSchema } from './support/bench-schema.js';
import { ADMIN, SIGNING_SECRET, startBenchWorld } from './support/bench-world.js';
import { buildLatch } from './support/build-latch.js';
import { withFilingMessages } from './support/filed-requests.js';
import { readGrants, waitForGrants } from './support/grant-progress.js';
import { startServerProcess } from './support/latch-process.js';
import { runOpenLoop } from './support/open-loop.js';
import { progress } from './support/progress.js';
import {
  LATENCY_MS,
  LIMIT_PER_SECOND,
  type ScaleSizes,
  SWEEP_EVERY_SECOND,
} from './support/scale-settings.js';
import { insertPendingRequests, type SeedRequest } from './support/seed-rows.js';
import { slackBodies } from './support/slack-payloads.js';
import { round, summarize } from './support/stats.js';
import { reportTableActivity } from './support/table-activity.js';

export interface ProvisioningResult {
  grants: number;
  per_second: number;
  limit_per_second: number;
  /** Grants not active when the run ended: failed, or still provisioning at the deadline. */
  failures: number;
  /** From the approval (the request's `decided_at`) to the grant's `provisioned_at`. */
  lag_p50_ms: number;
  lag_p99_ms: number;
  lag_max_ms: number;
  best_lag_p99_ms: number;
  throttling_errors: number;
  aws_calls: number;
  /**
   * AWS calls a second while the burst was provisioned, against the same limit: a grant takes a
   * membership call (and a user-id lookup for a request filing could not match), so this is the pace.
   */
  aws_calls_per_second: number;
  aws_throttled: number;
  /** Active grants whose membership AWS does not hold; 0 means every grant is real. */
  missing_in_aws: number;
  /** The approvers' clicks were answered this fast while the burst was provisioned. */
  ack_p99_ms: number;
}

/** The clicks arrive within a second or two, as when an admin clears a queue from App Home. */
const CLICKS_PER_SECOND = 500;

/**
 * `grants` pending requests for Identity Center groups, each with the user filing matched its
 * requester to (as `matchRequester` leaves a request while approvers read it), approved by
 * `Approve` clicks in one burst;
 * AWS answers after 30 ms and throttles each service above 20 calls/s. Measures how fast the grants
 * become active (the approval provisions at once; the scheduler retries what that left) and checks
 * AWS afterwards.
 */
export async function benchProvisioning(sizes: ScaleSizes): Promise<ProvisioningResult> {
  const people = Math.ceil(sizes.grants / sizes.teams);
  const world = await startBenchWorld({ users: people, teams: sizes.teams });
  const schema = await createBenchSchema('provision');
  try {
    const requests: Array<SeedRequest & { groupId: string; awsUserId: string }> = [];
    for (let i = 0; i < sizes.grants; i++) {
      const user = world.users[i % people];
      const team = world.teams[Math.floor(i / people)];
      if (!user || !team) throw new Error('bench: not enough people or teams');
      requests.push({
        id: `RPROV${i}`,
        requesterId: user.slackId,
        requesterEmail: user.email,
        resourceId: team.resourceId,
        groupId: team.groupId,
        awsUserId: user.awsUserId,
        matchedPrincipalId: user.awsUserId,
      });
    }
    await insertPendingRequests(schema.database.db, await withFilingMessages(world, requests), new Date());
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
    const make = slackBodies(world.slack);
    progress(`provisioning: ${sizes.grants} approvals at ${CLICKS_PER_SECOND}/s`);
    const startedAt = Date.now();
    const clicks = await runOpenLoop({
      url: latch.url,
      signingSecret: SIGNING_SECRET,
      ratePerSecond: CLICKS_PER_SECOND,
      warmup: 0,
      bodies: requests.map((r) => make.approveClick(ADMIN.id, r.id)),
    });
    if (clicks.errors)
      progress(`provisioning: ${clicks.errors} clicks failed: ${clicks.errorSamples.join(' | ')}`);
    const bestSeconds = sizes.grants / LIMIT_PER_SECOND;
    const grants = await waitForGrants({
      db: schema.database.db,
      requestPrefix: 'RPROV',
      expected: sizes.grants,
      isDone: (g) => g.status === 'active' || g.status === 'failed',
      deadlineAt: startedAt + Math.max(60, 3 * bestSeconds) * 1000,
      label: 'provisioning: active or failed',
    });
    await latch.stop();
    await reportTableActivity('provisioning', schema);

    const active = grants.filter((g) => g.status === 'active' && g.provisionedAt && g.decidedAt);
    const unfinishedLagMs = Date.now() - startedAt;
    const lags = [
      ...active.map((g) => (g.provisionedAt?.getTime() ?? 0) - (g.decidedAt?.getTime() ?? 0)),
      ...Array.from({ length: sizes.grants - active.length }, () => unfinishedLagMs),
    ];
    const firstApprovedAt = Math.min(...grants.map((g) => g.decidedAt?.getTime() ?? Date.now()));
    const lastActiveAt = Math.max(...active.map((g) => g.provisionedAt?.getTime() ?? 0));
    const calls = awsCallStats(world.aws.calls, LIMIT_PER_SECOND);
    const provisioningSeconds = Math.max(0.001, (lastActiveAt - firstApprovedAt) / 1000);
    const callsWhileProvisioning = world.aws.calls.filter(
      (c) => c.at >= firstApprovedAt && c.at <= lastActiveAt,
    ).length;
    progress(`provisioning: AWS calls ${describeCalls(calls)}`);
    for (const [message, count] of latch.logs.warnings) {
      progress(`provisioning: Latch logged ${count}× "${message}"`);
    }
    const lag = summarize(lags);
    const final = await readGrants(schema.database.db, 'RPROV');
    const activeRequests = new Set(final.filter((g) => g.status === 'active').map((g) => g.requestId));
    const missing = requests.filter(
      (r) => activeRequests.has(r.id) && !world.aws.isMember(r.groupId, r.awsUserId),
    ).length;
    return {
      grants: sizes.grants,
      per_second: round(active.length / provisioningSeconds, 2),
      limit_per_second: LIMIT_PER_SECOND,
      failures: sizes.grants - activeRequests.size,
      lag_p50_ms: Math.round(lag.p50),
      lag_p99_ms: Math.round(lag.p99),
      lag_max_ms: Math.round(lag.max),
      best_lag_p99_ms: Math.round(bestSeconds * 1000),
      throttling_errors: latch.logs.count(THROTTLING_TEXT),
      aws_calls: calls.total,
      aws_calls_per_second: round(callsWhileProvisioning / provisioningSeconds, 2),
      aws_throttled: calls.throttled,
      missing_in_aws: missing,
      ack_p99_ms: round(summarize(clicks.latenciesMs.click).p99),
    };
  } finally {
    await schema.drop();
    await world.close();
  }
}
