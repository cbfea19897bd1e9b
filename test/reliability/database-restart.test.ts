import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type LatchDatabase } from '../../src/db/connect.js';
import { APPROVE_ACTION } from '../../src/slack/action-ids.js';
import { buttonTexts, eventually, visible } from '../support/e2e-steps.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { fileBatch, sleep } from './support/crash-load.js';
import { type CrashWorld, LEAD, startCrashWorld } from './support/crash-world.js';
import { buildLatch, type LatchChild, spawnLatch, tail } from './support/latch-child.js';

/*
 * Issue 6, PostgreSQL restarted mid-run. The machine's PostgreSQL is shared with other tests, so a
 * TCP proxy stands between it and Latch: "restart" drops every connection and refuses new ones for
 * OUTAGE_MS, then accepts again. Latch runs as its own process with a sweep every second. This runs
 * on PostgreSQL in both passes (DATABASE_URL, else the local server).
 */
const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const OUTAGE_MS = Number(process.env.LATCH_DB_OUTAGE_MS ?? 6000);
const SWEEP_MS = 1000;

describe('PostgreSQL restarted under a running Latch', () => {
  let world: CrashWorld;
  let proxy: TcpProxy;
  let admin: LatchDatabase;
  let direct: LatchDatabase;
  let child: LatchChild;
  let name: string;

  beforeAll(async () => {
    name = `latch_restart_${randomBytes(5).toString('hex')}`;
    admin = connectDatabase({ databaseUrl: BASE_URL });
    await sql`create database ${sql.id(name)}`.execute(admin.db);
    const url = new URL(BASE_URL);
    url.pathname = `/${name}`;
    direct = connectDatabase({ databaseUrl: url.toString() });
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    const [main, started] = await Promise.all([
      buildLatch(),
      startCrashWorld({
        requesters: 4,
        sweepCron: '* * * * * *',
        databaseUrl: proxy.through(url.toString()),
      }),
    ]);
    world = started;
    child = spawnLatch(main, world.env, world.port);
    await child.ready();
  });

  afterAll(async () => {
    await child?.kill();
    await proxy?.close();
    await world?.close();
    await direct?.close();
    if (admin) {
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
      await admin.close();
    }
  });

  const health = () =>
    fetch(`${child.url}/healthz`).then(
      async (res) => ({ status: res.status, body: await res.text() }),
      () => ({ status: 0, body: '' }),
    );
  const grantOf = (requestId: string) =>
    direct.db.selectFrom('access_grant').selectAll().where('request_id', '=', requestId).executeTakeFirst();
  const answerTo = (responseUrl: string | undefined) =>
    eventually(
      () => world.slack.responses.find((r) => responseUrl?.endsWith(r.id)),
      (r) => r !== undefined,
      15_000,
    ).then((r) => String(r?.body.text));
  const requestIdIn = (text: string) => /`(R[0-9A-Z]{6})`/.exec(text)?.[1] ?? '';

  it('answers 503 while the database is away, reconnects by itself, and loses nothing filed or due around it', async () => {
    const [first, second, third, fourth] = world.requesters;
    const type = (who: typeof first, text: string) =>
      world.user.command({ userId: who?.slackId ?? '', text }).then((sent) => sent.responseUrl);

    // Arrange: a grant that will expire during the outage, and a request waiting for the lead.
    const expiring = requestIdIn(
      await answerTo(await type(first, 'request team-auto 10s expires while the database is away')),
    );
    const active = await eventually(
      () => grantOf(expiring),
      (g) => g?.status === 'active',
      15_000,
    );
    const waiting = requestIdIn(
      await answerTo(await type(second, 'request team-approved 15s filed before the outage')),
    );
    expect(waiting).not.toBe('');
    expect(await health()).toMatchObject({ status: 200 });

    // Act: PostgreSQL goes away two seconds before the grant expires, for OUTAGE_MS.
    const expiresAt = new Date(active?.expires_at ?? 0).getTime();
    await sleep(Math.max(0, expiresAt - Date.now() - 2500));
    // One more request right before, cut in the middle: filed, its AWS call on the way.
    world.aws.setLatency(300);
    const inFlight = world.aws.waitForArrival('CreateGroupMembership', () => true, 5000);
    const justBefore = type(third, 'request team-auto 10s just before the outage');
    await inFlight;
    world.aws.setLatency(0);
    const cutAt = Date.now();
    await proxy.cut();
    const unhealthy = await eventually(health, (h) => h.status === 503, 5000).catch((error: unknown) => {
      console.info(`exited: ${child.hasExited()}\n${tail(child.lines, 40)}`);
      throw error;
    });
    const duringAnswer = await answerTo(
      await type(fourth, 'request team-auto 10s while the database is away'),
    );
    await sleep(Math.max(0, cutAt + OUTAGE_MS - Date.now()));
    await proxy.restore();
    const restoredAt = Date.now();
    await eventually(health, (h) => h.status === 200, 15_000);
    const healthyAfterMs = Date.now() - restoredAt;

    // Assert: the same process, back at work without a restart.
    expect(child.hasExited()).toBe(false);
    expect(JSON.parse(unhealthy.body)).toMatchObject({ database: 'unreachable' });
    // The grant that expired meanwhile is revoked within one sweep plus 10 seconds of the database's return.
    const revoked = await eventually(
      () => grantOf(expiring),
      (g) => g?.status === 'revoked',
      SWEEP_MS + 10_000,
    );
    const revokedAfterMs = new Date(revoked?.revoked_at ?? 0).getTime() - restoredAt;
    expect(world.holders('team-auto')).not.toContain(active?.principal_id);
    // The request filed before the outage is approved and granted after it.
    const card = await eventually(
      () =>
        world.slack
          .dmsTo(LEAD.id)
          .find((m) => visible(m).includes(waiting) && buttonTexts(m).includes('Approve')),
      (m) => m !== undefined,
    );
    const clicked = await world.user.clickButton({
      userId: LEAD.id,
      actionId: APPROVE_ACTION,
      value: waiting,
      channelId: card?.channel ?? '',
      messageTs: card?.ts ?? '',
    });
    expect(clicked.status).toBe(200);
    await eventually(
      () => grantOf(waiting),
      (g) => g?.status === 'active',
      15_000,
    );
    // The one cut in the middle is granted once the database is back (its answer may have been lost).
    const cutShort = await direct.db
      .selectFrom('access_request')
      .select('id')
      .where('justification', '=', 'just before the outage')
      .executeTakeFirstOrThrow();
    await eventually(
      () => grantOf(cutShort.id),
      (g) => g?.status === 'active' || g?.status === 'revoked',
      15_000,
    );
    const beforeAnswer = await answerTo(await justBefore).catch(() => 'no answer');
    // The one typed during the outage was refused in words, and nothing of it was stored.
    expect(duringAnswer).toContain('Something went wrong on Latch’s side; nothing was changed');
    const stored = await direct.db.selectFrom('access_request').select('justification').execute();
    expect(stored.map((r) => r.justification)).not.toContain('while the database is away');
    // New work after the outage goes through as before.
    const after = requestIdIn(await answerTo((await fileBatchAfter(world)).responseUrl));
    await eventually(
      () => grantOf(after),
      (g) => g?.status === 'active',
      15_000,
    );
    // Nothing happened twice: each transition of the expired grant is in the audit log once.
    const audit = await direct.db
      .selectFrom('audit_event')
      .select('action')
      .where('grant_id', '=', active?.id ?? '')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(
      ['grant.active', 'grant.provisioning', 'grant.revoked', 'grant.revoking', 'grant.warned'].sort(),
    );
    const errors = child.lines.filter((l) => l.level >= 50).length;
    expect(errors).toBeGreaterThan(0);
    console.info(
      `database restart figures ${JSON.stringify({
        outageMs: OUTAGE_MS,
        healthyAfterMs,
        revokedAfterRestoreMs: revokedAfterMs,
        expiredDuringOutageMs: expiresAt - cutAt,
        cutShortAnswer: beforeAnswer.slice(0, 80),
        latchErrorLines: errors,
        connectionsProxied: proxy.accepted,
      })}`,
    );
  }, 120_000);
});

async function fileBatchAfter(world: CrashWorld) {
  const [attempt] = await fileBatch(world, () => 0, {
    round: 'after the outage',
    count: 1,
    minSeconds: 10,
    maxSeconds: 10,
    spreadMs: 0,
  });
  return { responseUrl: attempt?.responseUrl };
}
