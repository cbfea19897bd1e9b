import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsProvisioner } from '../../src/aws/aws-provisioner.js';
import {
  type CallLimits,
  IDENTITY_CENTER_RATE,
  MemoryCallRate,
  MemorySlots,
  waitAfterTake,
} from '../../src/aws/call-limits.js';
import type { PollSettings } from '../../src/aws/permission-sets.js';
import type { Resource } from '../../src/core/model.js';
import type { LatchDatabase } from '../../src/db/connect.js';
import { sharedCallLimits } from '../../src/db/shared-limits.js';
import type { FakeAwsServer } from '../support/fake-aws-server.js';
import { anotherReplica, createTestDatabase, DIALECT, type TestDatabase } from '../support/test-database.js';
import { addMemberAccount, MEMBER_ACCOUNT, startLocalAws } from './aws-env.js';

/** "IAM Identity Center APIs have a collective throttle maximum of 20 TPS" (PLATFORM.md B3). */
const AWS_IDENTITY_CENTER_TPS = 20;
const poll: PollSettings = { firstDelayMs: 5, maxDelayMs: 20, timeoutMs: 10_000 };

/** The most calls that arrived within any one second. */
function busiestSecond(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** Collects, from each `call_rate` answer, the moment (database clock, ms) its call was given. */
function recordMoments(moments: number[], perSecond: number): KyselyPlugin {
  return {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      for (const row of args.result.rows as Array<{ tokens?: unknown; reserved_at_ms?: unknown }>) {
        if (row.reserved_at_ms === undefined) continue;
        moments.push(Number(row.reserved_at_ms) + waitAfterTake(Number(row.tokens), perSecond) * 1000);
      }
      return args.result;
    },
  };
}

/**
 * Two Latch replicas granting at once, each with the production rate (19/s, no burst): how many
 * Identity Center calls (identitystore and sso-admin together) fall in the busiest second.
 */
describe(`two replicas' Identity Center calls (real SDK, local AWS, ${DIALECT})`, { timeout: 30_000 }, () => {
  let aws: FakeAwsServer;
  let db: TestDatabase;
  let otherConnection: LatchDatabase;
  let oncall: Resource;
  let powerUser: Resource;
  let batch = 0;

  beforeAll(async () => {
    aws = await startLocalAws();
    addMemberAccount(aws);
    db = await createTestDatabase();
    otherConnection = anotherReplica(db.database);
    oncall = {
      id: 'oncall',
      name: 'oncall',
      kind: 'sso_group',
      groupId: aws.addGroup({ displayName: 'oncall' }),
      tier: 'low',
      owners: [],
      enforce: false,
    };
    powerUser = {
      id: 'member-poweruser',
      name: 'PowerUser',
      kind: 'sso_permission_set',
      accountId: MEMBER_ACCOUNT,
      permissionSetArn: aws.ssoAdmin.addPermissionSet({ name: 'PowerUser' }),
      tier: 'high',
      owners: [],
      enforce: false,
    };
  });
  afterAll(async () => {
    if (otherConnection !== db.database) await otherConnection.close();
    await db.destroy();
    await aws.close();
  });

  /**
   * Each replica grants 8 new users the group and 2 the permission set, all at once (about 52 calls).
   * Answers when the local AWS received each Identity Center call.
   */
  async function grantFromBoth(limits: [CallLimits, CallLimits]): Promise<number[]> {
    aws.reset();
    batch += 1;
    const replicas = limits.map(
      (callLimits) =>
        new AwsProvisioner({
          region: 'us-east-1',
          instanceArn: aws.ssoAdmin.instanceArn,
          identityStoreId: aws.identityStoreId,
          poll,
          callLimits,
        }),
    );
    try {
      const grants = replicas.flatMap((replica, r) =>
        Array.from({ length: 10 }, (_, i) => {
          const email = `user-${batch}-${r}-${i}@example.com`;
          aws.addUser({ userName: email, email });
          return replica.grant(i < 8 ? oncall : powerUser, email);
        }),
      );
      const results = await Promise.all(grants);
      expect(results.every((result) => result.changed)).toBe(true);
    } finally {
      for (const replica of replicas) replica.destroy();
    }
    expect(aws.calls.filter((c) => c.status !== 200)).toEqual([]);
    const identityCenter = aws.calls.filter((c) => c.service === 'identitystore' || c.service === 'sso');
    expect(identityCenter.length).toBeGreaterThanOrEqual(50);
    return identityCenter.map((c) => c.at);
  }

  // The moments the database handed out, on its own clock: what the replicas share, exactly. When
  // the calls reached the local AWS is no measure here: it runs in this process, where fresh
  // connections and a busy machine delay its stamps by tens of milliseconds.
  it('hands both replicas moments no more than AWS 20 calls a second apart when they share the database limiter', async () => {
    const moments: number[] = [];
    const recording = (connection: LatchDatabase) =>
      sharedCallLimits(connection.db.withPlugin(recordMoments(moments, IDENTITY_CENTER_RATE.perSecond)));

    await grantFromBoth([recording(db.database), recording(otherConnection)]);

    expect(moments.length).toBeGreaterThanOrEqual(50);
    expect(busiestSecond(moments)).toBeLessThanOrEqual(AWS_IDENTITY_CENTER_TPS);
  });

  it('goes over it when each replica limits only itself, in memory', async () => {
    const own = (): CallLimits => ({ callRate: new MemoryCallRate(), assignmentSlots: new MemorySlots() });

    const arrivals = await grantFromBoth([own(), own()]);

    expect(busiestSecond(arrivals)).toBeGreaterThan(AWS_IDENTITY_CENTER_TPS);
  });

  it('takes from the rate for every attempt, the SDK retries included', async () => {
    aws.reset();
    const taken: string[] = [];
    const counting: CallLimits = {
      callRate: { take: async (bucket) => void taken.push(bucket.name) },
      assignmentSlots: new MemorySlots(),
    };
    // Every other call throttled, and the SDK allowed to retry them (read at the first call).
    process.env.AWS_MAX_ATTEMPTS = '3';
    aws.throttleEvery(2);
    const replica = new AwsProvisioner({
      region: 'us-east-1',
      identityStoreId: aws.identityStoreId,
      poll,
      callLimits: counting,
    });
    aws.addUser({ userName: 'retried', email: 'retried@example.com' });
    try {
      expect(await replica.grant(oncall, 'retried@example.com')).toMatchObject({ changed: true });
    } finally {
      replica.destroy();
      process.env.AWS_MAX_ATTEMPTS = '1';
    }

    expect(aws.calls.filter((c) => c.status !== 200).length).toBeGreaterThan(0);
    expect(taken).toHaveLength(aws.calls.length);
    expect(new Set(taken)).toEqual(new Set(['identity-center']));
  });
});
