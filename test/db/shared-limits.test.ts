import { randomUUID } from 'node:crypto';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/aws/call-limits.js';
import { Heartbeat } from '../../src/db/claim-holders.js';
import type { LatchDatabase } from '../../src/db/connect.js';
import { DbCallRate, DbSlots } from '../../src/db/shared-limits.js';
import { anotherReplica, createTestDatabase, DIALECT, type TestDatabase } from '../support/test-database.js';

/** The most moments that fall within any one window of `windowMs` starting at one of them. */
function busiestWindow(moments: number[], windowMs: number): number {
  const sorted = [...moments].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** Resolves with how long `promise` took, or rejects if it takes longer than `limitMs`. */
async function timed(promise: Promise<unknown>, limitMs: number): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${limitMs} ms`)), limitMs);
  });
  try {
    await Promise.race([promise, late]);
    return performance.now() - started;
  } finally {
    clearTimeout(timer);
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {} } as unknown as ConstructorParameters<
  typeof Heartbeat
>[2];

describe(`shared call limits on ${DIALECT}`, { timeout: 20_000 }, () => {
  let db: TestDatabase;
  // Two replicas: on PostgreSQL two connection pools on one schema; PGlite lives in one process.
  let first: LatchDatabase;
  let second: LatchDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    first = db.database;
    second = anotherReplica(first);
  });
  afterAll(async () => {
    if (second !== first) await second.close();
    await db.destroy();
  });

  it('keeps two replicas together within the rate and its burst', async () => {
    const replicas = [new DbCallRate(first.db), new DbCallRate(second.db)];
    const bucket = { name: `bucket-${randomUUID()}`, rate: { perSecond: 10, burst: 2 } };
    const started = performance.now();
    const sent: Array<{ at: number; replica: number }> = [];

    // Three callers per replica take as fast as they are let through, for 1.5 s.
    await Promise.all(
      replicas.flatMap((limiter, replica) =>
        [0, 1, 2].map(async () => {
          while (performance.now() - started < 1500) {
            await limiter.take(bucket);
            sent.push({ at: performance.now() - started, replica });
          }
        }),
      ),
    );

    const inTime = sent.filter((s) => s.at < 1500);
    // burst + 1.5 s × rate = 17 at most; slack for the database's round trips, none for a second replica.
    expect(inTime.length).toBeLessThanOrEqual(18);
    expect(inTime.length).toBeGreaterThanOrEqual(12);
    // A token bucket lets burst + rate through in any one second.
    expect(
      busiestWindow(
        sent.map((s) => s.at),
        1000,
      ),
    ).toBeLessThanOrEqual(14);
    expect(new Set(inTime.map((s) => s.replica)).size).toBe(2);
  });

  it('counts the wait from the moment reserved, so a late reply does not bunch its call with the next', async () => {
    const bucket = { name: `bucket-${randomUUID()}`, rate: { perSecond: 10, burst: 0 } };
    let replyDelayMs = 0;
    // As a commit that waited on the disk: the row is updated, the answer comes back late.
    const lateReplies: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        if (replyDelayMs > 0) await sleep(replyDelayMs);
        return args.result;
      },
    };
    const slow = new DbCallRate(first.db.withPlugin(lateReplies));
    const quick = new DbCallRate(second.db);
    // The slow replica first learns the database's clock from answers that were not late.
    for (let i = 0; i < 3; i++) await slow.take(bucket);
    replyDelayMs = 60;

    // Its take reserves the next 100 ms; the quick replica's, 5 ms later, the 100 ms after that.
    const [slowSent, quickSent] = await Promise.all([
      slow.take(bucket).then(() => performance.now()),
      sleep(5)
        .then(() => quick.take(bucket))
        .then(() => performance.now()),
    ]);

    // Counted from the reply, the slow call would leave 60 ms late, 45 ms before the quick one.
    expect(quickSent - slowSent).toBeGreaterThanOrEqual(80);
  });

  it('reserves again when its process wakes too late, rather than send on top of the next call', async () => {
    const bucket = { name: `bucket-${randomUUID()}`, rate: { perSecond: 10, burst: 0 } };
    const stalled = new DbCallRate(first.db);
    const other = new DbCallRate(second.db);
    await stalled.take(bucket);

    // The stalled replica's moment comes 100 ms on, the other's 100 ms after that; in between, the
    // event loop is held for 90 ms, so the first wakes some 70 ms late.
    const stalledSent = stalled.take(bucket).then(() => performance.now());
    await sleep(5);
    const otherSent = other.take(bucket).then(() => performance.now());
    await sleep(75);
    const until = performance.now() + 90;
    while (performance.now() < until) {}

    // Sent as it woke, it would leave some 30 ms before the other; it took the moment after instead.
    expect((await stalledSent) - (await otherSent)).toBeGreaterThanOrEqual(80);
  });

  it('never lets two replicas hold more than the slots there are', async () => {
    const settings = { size: 3, leaseMs: 60_000, retryMs: 20 };
    const replicas = [new DbSlots(first.db, settings), new DbSlots(second.db, settings)];
    const name = `slots-${randomUUID()}`;
    let holding = 0;
    let most = 0;

    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const release = await (replicas[i % 2] as DbSlots).acquire(name);
        holding += 1;
        most = Math.max(most, holding);
        await sleep(40);
        holding -= 1;
        await release();
      }),
    );

    expect(most).toBe(3);
    expect(holding).toBe(0);
  });

  it('frees a slot whose holder crashed once its lease runs out', async () => {
    const name = `slots-${randomUUID()}`;
    const crashed = new DbSlots(first.db, { size: 1, leaseMs: 400, retryMs: 20 });
    const survivor = new DbSlots(second.db, { size: 1, leaseMs: 60_000, retryMs: 20 });
    await crashed.acquire(name); // and never released

    const waited = await timed(survivor.acquire(name), 5_000);

    expect(waited).toBeGreaterThanOrEqual(250);
  });

  it('frees at once a slot whose Latch stopped beating, and keeps one whose Latch still beats', async () => {
    const name = `slots-${randomUUID()}`;
    const settings = { size: 2, leaseMs: 60_000, retryMs: 20 };
    const dead = `dead-${randomUUID()}`;
    const alive = `alive-${randomUUID()}`;
    const other = `survivor-${randomUUID()}`;
    const dying = new Heartbeat(first.db, dead, silent, { everyMs: 60_000, ttlMs: 200 });
    const beating = new Heartbeat(first.db, alive, silent, { everyMs: 60_000, ttlMs: 60_000 });
    const surviving = new Heartbeat(second.db, other, silent, { everyMs: 60_000, ttlMs: 60_000 });
    await Promise.all([dying.start(), beating.start(), surviving.start()]);
    // Each takes a slot for a minute; the first is then killed (its heartbeat lapses after 200 ms).
    await new DbSlots(first.db, settings, dead).acquire(name);
    await new DbSlots(first.db, settings, alive).acquire(name);
    const survivor = new DbSlots(second.db, settings, other);

    const release = await survivor.acquire(name);

    // The dead one's slot, long before its lease: and none is left, the live one's is still held.
    await expect(timed(survivor.acquire(name), 500)).rejects.toThrow(/still waiting/);
    await release();
    await Promise.all([dying.stop(), beating.stop(), surviving.stop()]);
  });

  it('frees a slot at once on release, and a waiting replica takes it', async () => {
    const name = `slots-${randomUUID()}`;
    const settings = { size: 1, leaseMs: 60_000, retryMs: 20 };
    const one = new DbSlots(first.db, settings);
    const other = new DbSlots(second.db, settings);
    const release = await one.acquire(name);
    const waiting = other.acquire(name);
    await sleep(100);

    await release();

    // Well before the 60 s lease: the release, not the lease, freed it.
    expect(await timed(waiting, 2_000)).toBeLessThan(2_000);
    const releaseAgain = await waiting;
    await releaseAgain();
    expect(await timed(one.acquire(name), 2_000)).toBeLessThan(2_000);
  });

  it('ignores a release that comes after the lease ran out and another replica took the slot', async () => {
    const name = `slots-${randomUUID()}`;
    const late = new DbSlots(first.db, { size: 1, leaseMs: 200, retryMs: 20 });
    const next = new DbSlots(second.db, { size: 1, leaseMs: 60_000, retryMs: 20 });
    const releaseLate = await late.acquire(name);
    const releaseNext = await next.acquire(name); // once the 200 ms lease ran out

    await releaseLate();

    const third = late.acquire(name);
    await expect(timed(third, 300)).rejects.toThrow(/still waiting/);
    await releaseNext();
    expect(await timed(third, 2_000)).toBeLessThan(2_000);
  });
});
