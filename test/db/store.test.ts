import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessRequest, Grant } from '../../src/core/model.js';
import { auditThreads } from '../../src/db/audit-threads.js';
import { KyselyStore } from '../../src/db/kysely-store.js';
import { createTestDatabase, DIALECT, type TestDatabase } from '../support/test-database.js';

const t0 = new Date('2026-11-21T09:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
let counter = 0;

function request(overrides: Partial<AccessRequest> = {}): AccessRequest {
  counter += 1;
  return {
    id: `R${counter}`,
    requesterId: 'U0ALICE',
    requesterEmail: 'alice@example.com',
    resourceId: 'oncall',
    durationSeconds: 3600,
    justification: 'x',
    status: 'pending',
    currentStep: 0,
    createdAt: t0,
    expiresAt: at(86_400),
    ...overrides,
  };
}

function grant(requestId: string, overrides: Partial<Grant> = {}): Grant {
  return {
    id: `G${requestId}`,
    requestId,
    requesterId: 'U0ALICE',
    requesterEmail: 'alice@example.com',
    resourceId: 'oncall',
    durationSeconds: 3600,
    status: 'provisioning',
    attempts: 0,
    nextAttemptAt: t0,
    createdAt: t0,
    ...overrides,
  };
}

async function seedGrant(db: TestDatabase, overrides: Partial<Grant> = {}): Promise<Grant> {
  const r = request({ status: 'approved' });
  await db.store.insertRequest(r);
  const g = grant(r.id, overrides);
  await db.store.insertGrant(g);
  return g;
}

describe(`KyselyStore on ${DIALECT}`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('stores a request and reads it back unchanged, text intact', async () => {
    const r = request({ justification: `'; drop table access_request; -- <!channel> ${'é'.repeat(50)}` });
    await db.store.insertRequest(r);
    expect(await db.store.getRequest(r.id)).toEqual(r);
  });

  it('reads a person’s pending requests and live grants in one statement, newest first, as stored', async () => {
    const ms = (n: number) => new Date(t0.getTime() + n);
    const mine = { requesterId: 'U0OPEN', requesterEmail: 'open@example.com' };
    const older = request({ ...mine, createdAt: ms(1_001), justification: 'older "quoted" é' });
    const newer = request({ ...mine, createdAt: ms(2_002) });
    const decided = request({ ...mine, status: 'approved', createdAt: ms(3_003), decidedAt: ms(3_500) });
    const someoneElses = request({ createdAt: ms(4_004) });
    for (const r of [older, newer, decided, someoneElses]) await db.store.insertRequest(r);
    // A grant per request: each of these has an approved request of its own.
    const approved = async () => {
      const r = request({ ...mine, status: 'approved', createdAt: ms(3_003), decidedAt: ms(3_500) });
      await db.store.insertRequest(r);
      return r.id;
    };
    const live = [
      grant(decided.id, {
        ...mine,
        id: 'GOPEN1',
        status: 'active',
        createdAt: ms(5_005),
        provisionedAt: ms(5_105),
        expiresAt: ms(3_605_105),
        warnAt: ms(2_705_105),
        principalId: 'u-open',
        awsRef: 'm-1',
      }),
      grant(await approved(), {
        ...mine,
        id: 'GOPEN2',
        status: 'revoking',
        createdAt: ms(6_006),
        lastError: 'Rate exceeded',
      }),
      grant(await approved(), { ...mine, id: 'GOPEN3', createdAt: ms(7_007) }),
    ];
    const ended = [
      grant(await approved(), {
        ...mine,
        id: 'GOPEN4',
        status: 'revoked',
        createdAt: ms(8_008),
        revokedAt: ms(9_000),
      }),
      grant(await approved(), { ...mine, id: 'GOPEN5', status: 'failed', createdAt: ms(9_009) }),
    ];
    for (const g of [...live, ...ended]) await db.store.insertGrant(g);

    const open = await db.store.openAccessOf('U0OPEN');

    expect(open.pending).toEqual([newer, older]);
    expect(open.grants).toEqual(
      await Promise.all(['GOPEN3', 'GOPEN2', 'GOPEN1'].map((id) => db.store.getGrant(id))),
    );
    expect(open.grants[2]?.expiresAt).toEqual(ms(3_605_105));
    expect(await db.store.openAccessOf('U0NOBODY')).toEqual({ pending: [], grants: [] });
  });

  it('reads the approvals of several requests at once, and only theirs', async () => {
    const [a, b, c] = [request(), request(), request()];
    for (const r of [a, b, c]) await db.store.insertRequest(r);
    const approve = (requestId: string, approverId: string, seconds: number) =>
      db.store.insertApproval({
        requestId,
        step: 0,
        approverId,
        decision: 'approve',
        decidedAt: at(seconds),
      });
    await approve(a.id, 'U0BOB', 20);
    await approve(b.id, 'U0CAROL', 10);
    await approve(c.id, 'U0DAVE', 5);
    const got = await db.store.listApprovalsFor([a.id, b.id]);
    expect(got.map((x) => [x.requestId, x.approverId])).toEqual([
      [b.id, 'U0CAROL'],
      [a.id, 'U0BOB'],
    ]);
    expect(await db.store.listApprovalsFor([])).toEqual([]);
  });

  it('commits a state change and its audit row together, or neither', async () => {
    const r = request();
    await db.store.insertRequest(r);
    await expect(
      db.store.transaction(async (tx) => {
        await tx.updateRequest(r.id, { status: 'approved', decidedAt: at(5), decidedBy: 'U0BOB' });
        await tx.appendAudit({ at: at(5), actor: 'U0BOB', action: 'request.approved', requestId: r.id });
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect((await db.store.getRequest(r.id))?.status).toBe('pending');
    expect(await db.store.listAudit({ requestId: r.id })).toEqual([]);
  });

  it('writes a request’s change or a new grant with its audit row in one statement, and no row for a request that does not exist', async () => {
    const r = request();
    await db.store.insertRequest(r);
    await db.store.updateRequest(
      r.id,
      { status: 'approved', decidedAt: at(5), decidedBy: 'U0BOB' },
      { at: at(5), actor: 'U0BOB', action: 'request.approved', requestId: r.id, detail: { step: 0 } },
    );
    const g: Grant = {
      id: `G-${r.id}`,
      requestId: r.id,
      requesterId: r.requesterId,
      requesterEmail: r.requesterEmail,
      resourceId: r.resourceId,
      durationSeconds: 3600,
      status: 'provisioning',
      attempts: 0,
      nextAttemptAt: at(5),
      createdAt: at(5),
    };
    await db.store.insertGrant(g, {
      at: at(5),
      actor: 'latch',
      action: 'grant.provisioning',
      requestId: r.id,
      grantId: g.id,
    });
    expect((await db.store.getRequest(r.id))?.status).toBe('approved');
    expect((await db.store.getGrant(g.id))?.status).toBe('provisioning');
    expect(
      (await db.store.listAudit({ requestId: r.id })).map((e) => [e.action, e.grantId, e.detail]),
    ).toEqual([
      ['request.approved', undefined, { step: 0 }],
      ['grant.provisioning', g.id, {}],
    ]);

    await db.store.updateRequest(
      'RNOSUCH',
      { status: 'denied' },
      { at: at(6), actor: 'U0BOB', action: 'request.denied', requestId: 'RNOSUCH' },
    );
    expect(await db.store.listAudit({ requestId: 'RNOSUCH' })).toEqual([]);
  });

  it('moves a grant and appends its audit row in one statement, only from the statuses it names', async () => {
    const g = await seedGrant(db);
    const audit = (action: string) => ({
      at: at(7),
      actor: 'latch',
      action,
      requestId: g.requestId,
      grantId: g.id,
      detail: { principalId: 'u-1' },
    });

    // Not from provisioning: nothing changes and nothing is audited.
    expect(
      await db.store.moveGrant(
        g.id,
        ['revoking'],
        { status: 'revoked', revokedAt: at(7) },
        audit('grant.revoked'),
      ),
    ).toBe(false);
    expect((await db.store.getGrant(g.id))?.status).toBe('provisioning');
    expect(await db.store.listAudit({ grantId: g.id })).toEqual([]);

    const moved = await db.store.moveGrant(
      g.id,
      ['provisioning'],
      { status: 'active', principalId: 'u-1', provisionedAt: at(7), expiresAt: at(3607) },
      audit('grant.active'),
    );
    expect(moved).toBe(true);
    expect(await db.store.getGrant(g.id)).toMatchObject({
      status: 'active',
      principalId: 'u-1',
      expiresAt: at(3607),
    });
    expect(await db.store.listAudit({ grantId: g.id })).toEqual([
      expect.objectContaining({
        at: at(7),
        actor: 'latch',
        action: 'grant.active',
        requestId: g.requestId,
        grantId: g.id,
        detail: { principalId: 'u-1' },
      }),
    ]);
    // A second replica's same move finds the grant moved already.
    expect(
      await db.store.moveGrant(g.id, ['provisioning'], { status: 'active' }, audit('grant.active')),
    ).toBe(false);
    expect(await db.store.listAudit({ grantId: g.id })).toHaveLength(1);
    expect(
      await db.store.moveGrant('GNOSUCH', ['provisioning'], { status: 'active' }, audit('grant.active')),
    ).toBe(false);
  });

  it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    await db.store.appendAudit({ at: t0, actor: 'latch', action: 'test.event', requestId: 'RAUDIT' });
    await expect(sql`update audit_event set actor = 'mallory'`.execute(db.database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_event`.execute(db.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_event`.execute(db.database.db)).rejects.toThrow(/append-only/);
    expect(await db.store.listAudit({ requestId: 'RAUDIT' })).toHaveLength(1);
  });

  it('claims a due grant once and leases it, so a second claimer gets nothing', async () => {
    const g = await seedGrant(db);
    const [first, second] = await Promise.all([
      db.store.claimGrantsToProvision(at(1), at(121), 10, g.id),
      db.store.claimGrantsToProvision(at(1), at(121), 10, g.id),
    ]);
    expect([...first, ...second].map((c) => c.id)).toEqual([g.id]);
    expect([...first, ...second][0]).toMatchObject({ attempts: 1, nextAttemptAt: at(121) });
    expect(await db.store.claimGrantsToProvision(at(60), at(180), 10, g.id)).toEqual([]);
    // After the lease, a crashed claimer's grant is taken again.
    expect(
      (await db.store.claimGrantsToProvision(at(121), at(241), 10, g.id)).map((c) => c.attempts),
    ).toEqual([2]);
  });

  it('gives a grant claimed by two replicas at once to one of them, and records that one as its holder', async () => {
    const g = await seedGrant(db);
    const replicas = ['host:1:a', 'host:2:b'].map((holder) => new KyselyStore(db.database.db, { holder }));
    const claims = await Promise.all(
      replicas.map((replica) => replica.claimGrantsToProvision(at(1), at(121), 10, g.id)),
    );
    expect(claims.flat().map((c) => c.id)).toEqual([g.id]);
    const winner = claims[0]?.length ? 'host:1:a' : 'host:2:b';
    const holders = await db.database.db
      .selectFrom('lease')
      .select(['holder', 'held_until'])
      .where('name', '=', `grant:${g.id}`)
      .execute();
    expect(holders).toEqual([{ holder: winner, held_until: at(121) }]);
  });

  it('keeps the first audit thread of a request, whichever replica posted it, and never one rolled back', async () => {
    const r = request();
    await db.store.insertRequest(r);
    const [a, b] = [new KyselyStore(db.database.db), new KyselyStore(db.database.db)];
    await expect(
      a.transaction(async (tx) => {
        await tx.setAuditThread(r.id, '1700000000.000001');
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(await a.auditThread(r.id)).toBeUndefined();

    await b.setAuditThread(r.id, '1700000000.000002');
    await a.setAuditThread(r.id, '1700000000.000003');
    expect(await a.auditThread(r.id)).toBe('1700000000.000002');
    expect(await b.auditThread(r.id)).toBe('1700000000.000002');
  });

  it('remembers the audit thread of a request it reads, but not one its own transaction set and rolled back', async () => {
    const [posted, unposted] = [request(), request()];
    await db.store.insertRequest(posted);
    await db.store.insertRequest(unposted);
    await db.store.setAuditThread(posted.id, '1700000000.000004');
    const threads = auditThreads();
    const replica = new KyselyStore(db.database.db, {}, threads);
    await replica.transaction((tx) => tx.getRequest(posted.id, { forUpdate: true }));
    expect(threads.get(posted.id)).toBe('1700000000.000004');

    await expect(
      replica.transaction(async (tx) => {
        await tx.setAuditThread(unposted.id, '1700000000.000005');
        await tx.getRequest(unposted.id, { forUpdate: true });
        throw new Error('crash before commit');
      }),
    ).rejects.toThrow('crash before commit');
    expect(threads.has(unposted.id)).toBe(false);
    expect(await replica.auditThread(unposted.id)).toBeUndefined();
  });

  it('moves an expired grant to revoking exactly once', async () => {
    const g = await seedGrant(db, {
      status: 'active',
      principalId: 'u-1',
      expiresAt: at(3600),
      warnAt: at(2700),
    });
    expect(await db.store.claimExpiredGrants(at(3599), 100)).not.toContainEqual(
      expect.objectContaining({ id: g.id }),
    );
    const claimed = await db.store.claimExpiredGrants(at(3600), 100);
    expect(claimed.find((c) => c.id === g.id)).toMatchObject({ status: 'revoking', revokeReason: 'expired' });
    expect(await db.store.claimExpiredGrants(at(3601), 100)).not.toContainEqual(
      expect.objectContaining({ id: g.id }),
    );
  });

  it('hands out an expiry warning once, only inside the warning window', async () => {
    const g = await seedGrant(db, {
      status: 'active',
      principalId: 'u-1',
      expiresAt: at(3600),
      warnAt: at(2700),
    });
    const ids = async (s: number) => (await db.store.claimGrantsToWarn(at(s), 100)).map((c) => c.id);
    expect(await ids(2699)).not.toContain(g.id);
    expect(await ids(2700)).toContain(g.id);
    expect(await ids(2800)).not.toContain(g.id);
  });

  it('expires pending requests past their time to live, and only those', async () => {
    const stale = request({ expiresAt: at(100) });
    const fresh = request({ expiresAt: at(1000) });
    await db.store.insertRequest(stale);
    await db.store.insertRequest(fresh);
    const expired = (await db.store.claimStaleRequests(at(100), 100)).map((r) => r.id);
    expect(expired).toContain(stale.id);
    expect(expired).not.toContain(fresh.id);
    expect((await db.store.getRequest(stale.id))?.status).toBe('expired');
  });

  it('refuses a second grant for the same request', async () => {
    const g = await seedGrant(db);
    await expect(db.store.insertGrant({ ...g, id: `${g.id}X` })).rejects.toThrow();
  });

  it('counts other active grants of the same access', async () => {
    const a = await seedGrant(db, { status: 'active', resourceId: 'shared', requesterId: 'U0OVER' });
    const b = await seedGrant(db, { status: 'active', resourceId: 'shared', requesterId: 'U0OVER' });
    expect(await db.store.countOverlappingGrants(a)).toBe(1);
    await db.store.updateGrant(b.id, { status: 'revoked' });
    expect(await db.store.countOverlappingGrants(a)).toBe(0);
    // One approved and on its way to AWS counts only when asked for.
    await seedGrant(db, { status: 'provisioning', resourceId: 'shared', requesterId: 'U0OVER' });
    expect(await db.store.countOverlappingGrants(a)).toBe(0);
    expect(await db.store.countOverlappingGrants(a, { provisioning: true })).toBe(1);
  });

  it('reads a resource’s live grants, and those revoked since a moment when asked, for reconciliation', async () => {
    const resourceId = 'reconciled';
    const live = await seedGrant(db, { status: 'active', resourceId, principalId: 'u-live' });
    const lately = await seedGrant(db, { status: 'revoked', resourceId, revokedAt: at(100) });
    await seedGrant(db, { status: 'revoked', resourceId, revokedAt: at(10) });
    await seedGrant(db, { status: 'failed', resourceId });
    const ids = (grants: Grant[]) => grants.map((g) => g.id).sort();
    expect(ids(await db.store.liveGrantsFor(resourceId))).toEqual([live.id]);
    expect(ids(await db.store.liveGrantsFor(resourceId, at(50)))).toEqual([live.id, lately.id].sort());
  });
});
