import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Grant } from '../../src/core/model.js';
import { Heartbeat, releaseOrphanedClaims } from '../../src/db/claim-holders.js';
import { KyselyStore } from '../../src/db/kysely-store.js';
import { createTestDatabase, DIALECT, type TestDatabase } from '../support/test-database.js';

const quiet = { info() {}, warn() {}, error() {} };
const t0 = new Date('2026-11-21T09:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const LEASE_SECONDS = 120;
let counter = 0;

/** A grant due for revocation now, as the sweep finds it. */
async function seedRevoking(db: TestDatabase): Promise<Grant> {
  counter += 1;
  const requestId = `RCLAIM${counter}`;
  await db.store.insertRequest({
    id: requestId,
    requesterId: 'U0ALICE',
    requesterEmail: 'alice@example.com',
    resourceId: 'oncall',
    durationSeconds: 60,
    justification: 'x',
    status: 'approved',
    currentStep: 0,
    createdAt: t0,
    expiresAt: at(86_400),
  });
  const grant: Grant = {
    id: `GCLAIM${counter}`,
    requestId,
    requesterId: 'U0ALICE',
    requesterEmail: 'alice@example.com',
    resourceId: 'oncall',
    durationSeconds: 60,
    status: 'revoking',
    principalId: 'u-alice',
    attempts: 0,
    nextAttemptAt: t0,
    createdAt: t0,
  };
  await db.store.insertGrant(grant);
  return grant;
}

describe(`claims of a Latch that died, on ${DIALECT}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('are due again at once when their holder stops beating, while a live holder keeps its own', async () => {
    // The dead holder's heartbeat must outlast the claims and first check below on a loaded CI
    // machine (150 ms did not), and then lapse: it is never renewed.
    const deadTtlMs = 3000;
    const dead = new Heartbeat(db.database.db, 'host:1:dead', quiet, { everyMs: 60_000, ttlMs: deadTtlMs });
    const alive = new Heartbeat(db.database.db, 'host:2:alive', quiet, { everyMs: 50, ttlMs: 5000 });
    await Promise.all([dead.start(), alive.start()]);
    try {
      const orphan = await seedRevoking(db);
      const kept = await seedRevoking(db);
      const byDead = new KyselyStore(db.database.db, { holder: dead.holder });
      const byAlive = new KyselyStore(db.database.db, { holder: alive.holder });
      // Each replica claims one grant for the two-minute lease, then the first one is killed.
      expect(await byDead.claimGrantsToRevoke(t0, at(LEASE_SECONDS), 1, orphan.id)).toHaveLength(1);
      expect(await byAlive.claimGrantsToRevoke(t0, at(LEASE_SECONDS), 1, kept.id)).toHaveLength(1);
      expect(await releaseOrphanedClaims(db.database.db, at(1))).toEqual([]);

      await new Promise((resolve) => setTimeout(resolve, deadTtlMs + 100));
      expect(await releaseOrphanedClaims(db.database.db, at(2))).toEqual([orphan.id]);
      const retaken = await byAlive.claimGrantsToRevoke(at(2), at(2 + LEASE_SECONDS), 10);
      expect(retaken.map((g) => g.id)).toEqual([orphan.id]);
      expect(retaken[0]?.attempts).toBe(2);
      // Released once: the new holder's claim stands.
      expect(await releaseOrphanedClaims(db.database.db, at(3))).toEqual([]);
    } finally {
      await Promise.all([dead.stop(), alive.stop()]);
    }
  }, 15_000);

  it('never cut short a backoff whose claim lease simply ran out', async () => {
    const holder = new Heartbeat(db.database.db, 'host:3:backoff', quiet);
    await holder.start();
    try {
      const grant = await seedRevoking(db);
      const store = new KyselyStore(db.database.db, { holder: holder.holder });
      await store.claimGrantsToRevoke(t0, at(LEASE_SECONDS), 1, grant.id);
      // The attempt failed: retry in five minutes, longer than the lease.
      await store.updateGrant(grant.id, { nextAttemptAt: at(300), lastError: 'throttled' });
      expect(await releaseOrphanedClaims(db.database.db, at(LEASE_SECONDS + 1))).toEqual([]);
      expect((await store.getGrant(grant.id))?.nextAttemptAt).toEqual(at(300));
    } finally {
      await holder.stop();
    }
  });

  it('are taken back by their own holder after it lost the database, and only its own', async () => {
    const clock = { now: () => at(5) };
    const back = new Heartbeat(db.database.db, 'host:5:back', quiet, undefined, clock);
    const other = new Heartbeat(db.database.db, 'host:6:other', quiet);
    await Promise.all([back.start(), other.start()]);
    try {
      const mine = await seedRevoking(db);
      const theirs = await seedRevoking(db);
      await new KyselyStore(db.database.db, { holder: back.holder }).claimGrantsToRevoke(
        t0,
        at(LEASE_SECONDS),
        1,
        mine.id,
      );
      await new KyselyStore(db.database.db, { holder: other.holder }).claimGrantsToRevoke(
        t0,
        at(LEASE_SECONDS),
        1,
        theirs.id,
      );
      expect(await back.releaseOwnClaims()).toEqual([mine.id]);
      expect((await db.store.getGrant(mine.id))?.nextAttemptAt).toEqual(at(5));
      expect((await db.store.getGrant(theirs.id))?.nextAttemptAt).toEqual(at(LEASE_SECONDS));
    } finally {
      await Promise.all([back.stop(), other.stop()]);
    }
  });

  it('are handed back by a clean stop without touching a backoff, and the stopped holder leaves no trace', async () => {
    const holder = new Heartbeat(db.database.db, 'host:4:clean', quiet);
    await holder.start();
    const grant = await seedRevoking(db);
    const store = new KyselyStore(db.database.db, { holder: holder.holder });
    await store.claimGrantsToRevoke(t0, at(LEASE_SECONDS), 1, grant.id);
    await store.updateGrant(grant.id, { nextAttemptAt: at(30), lastError: 'throttled' });
    await holder.stop();
    expect(await releaseOrphanedClaims(db.database.db, at(1))).toEqual([]);
    expect((await store.getGrant(grant.id))?.nextAttemptAt).toEqual(at(30));
    const rows = await db.database.db
      .selectFrom('lease')
      .select('name')
      .where('holder', '=', holder.holder)
      .execute();
    expect(rows).toEqual([]);
  });
});
