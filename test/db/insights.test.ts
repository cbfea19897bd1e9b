import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessRequest, Grant } from '../../src/core/model.js';
import {
  appliedRecommendationIds,
  grantFacts,
  KEEP_RUNS,
  lastDigestedInsightRun,
  latestInsightRun,
  markInsightRunDigested,
  saveInsightRun,
} from '../../src/db/queries/insights.js';
import type { Inventory } from '../../src/insights/inventory.js';
import { recommendations } from '../../src/insights/recommendations.js';
import { scoreInventory } from '../../src/insights/score-inventory.js';
import { createTestDatabase, DIALECT, type TestDatabase } from '../support/test-database.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const PROD = '222222222222';

function inventory(readAt: Date): Inventory {
  return {
    readAt,
    failures: [{ accountId: '333333333333', step: 'sts:AssumeRole', error: 'cannot assume' }],
    accounts: [
      {
        accountId: PROD,
        accountName: 'prod',
        readAt,
        users: [
          {
            accountId: PROD,
            userName: 'dave',
            userId: 'AIDADAVE',
            arn: `arn:aws:iam::${PROD}:user/dave`,
            createdAt: daysAgo(400),
            hasConsole: false,
            accessKeys: [
              {
                accessKeyId: 'AKIADAVE',
                status: 'Active',
                createdAt: daysAgo(200),
                lastUsedAt: daysAgo(143),
              },
            ],
            groups: [],
            attachedPolicyArns: [],
            inlinePolicies: [
              {
                name: 'pass',
                document: {
                  Version: '2012-10-17',
                  Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }],
                },
              },
            ],
          },
        ],
        groups: [],
        roles: [],
        policies: [],
      },
    ],
  };
}

async function save(db: TestDatabase, readAt: Date) {
  const inv = inventory(readAt);
  const scores = scoreInventory(inv, [], [], NOW);
  const found = recommendations({ inventory: inv, scores, resources: [], grantHistory: [], now: NOW });
  return saveInsightRun(db.database.db, {
    readAt,
    finishedAt: readAt,
    trigger: 'cli',
    actor: 'cli:test',
    inventory: inv,
    scores,
    recommendations: found,
  });
}

describe(`insight runs in the database on ${DIALECT}`, { timeout: 20_000 }, () => {
  let db: TestDatabase;
  // Migrating a fresh PGlite takes over 10 seconds on a busy machine.
  beforeAll(async () => {
    db = await createTestDatabase();
  }, 60_000);
  afterAll(async () => {
    await db.destroy();
  });

  it('has nothing before the first run', async () => {
    expect(await latestInsightRun(db.database.db)).toBeUndefined();
  });

  it('gives back the latest run whole: failures, scores riskiest first, recommendations', async () => {
    await save(db, daysAgo(1));
    const id = await save(db, NOW);
    const run = await latestInsightRun(db.database.db);
    expect(run).toMatchObject({
      id,
      readAt: NOW,
      failures: [{ accountId: '333333333333', step: 'sts:AssumeRole' }],
    });
    expect(run?.scores.map((s) => [s.subjectKind, s.label, s.score])).toEqual([
      ['account', `prod (${PROD})`, 65],
      ['principal', `user dave (${PROD})`, 65],
      ['policy', 'pass', 40],
    ]);
    expect(run?.scores[1]?.reasons.map((r) => r.code)).toEqual([
      'policy',
      'access_key_unused',
      'access_key_old',
    ]);
    expect(run?.recommendations).toEqual([
      {
        id: `deactivate_access_key:${PROD}:AKIADAVE`,
        kind: 'deactivate_access_key',
        title: `deactivate access key AKIADAVE of dave (${PROD}), unused for 143 days`,
        risk: 65,
        evidence: { accessKeyId: 'AKIADAVE', created: '2026-05-06', lastUsed: '2026-07-02', days: 143 },
        change: {
          action: 'deactivate_access_key',
          accountId: PROD,
          userName: 'dave',
          accessKeyId: 'AKIADAVE',
        },
      },
    ]);
  });

  it(`keeps only the last ${KEEP_RUNS} runs, with their scores`, async () => {
    for (let i = 0; i < KEEP_RUNS + 2; i += 1) await save(db, NOW);
    const runs = await db.database.db.selectFrom('insight_run').select('id').execute();
    expect(runs).toHaveLength(KEEP_RUNS);
    const orphans = await db.database.db
      .selectFrom('insight_score')
      .select('run_id')
      .where(
        'run_id',
        'not in',
        runs.map((r) => r.id),
      )
      .execute();
    expect(orphans).toEqual([]);
  });

  it('keeps the run the last digest reported on past retention, until a later one is digested', async () => {
    const digested = await save(db, daysAgo(7));
    await markInsightRunDigested(db.database.db, digested, NOW);
    for (let i = 0; i < KEEP_RUNS + 1; i += 1) await save(db, NOW);
    expect((await lastDigestedInsightRun(db.database.db))?.id).toBe(digested);
    expect(await db.database.db.selectFrom('insight_run').select('id').execute()).toHaveLength(KEEP_RUNS + 1);

    const latest = await latestInsightRun(db.database.db);
    await markInsightRunDigested(db.database.db, latest?.id ?? 0, NOW);
    await save(db, NOW);
    expect((await lastDigestedInsightRun(db.database.db))?.id).toBe(latest?.id);
    const ids = (await db.database.db.selectFrom('insight_run').select('id').execute()).map((r) => r.id);
    expect(ids).not.toContain(digested);
    expect(ids).toHaveLength(KEEP_RUNS);
  });

  it('knows which recommendations were applied since a reading, from the audit log', async () => {
    const at = (days: number) => ({ at: daysAgo(days), actor: 'U0ADMIN' });
    await db.store.appendAudit({ ...at(3), action: 'insight.applied', detail: { recommendationId: 'old' } });
    await db.store.appendAudit({ ...at(1), action: 'insight.applied', detail: { recommendationId: 'new' } });
    await db.store.appendAudit({
      ...at(1),
      action: 'insight.apply_failed',
      detail: { recommendationId: 'failed' },
    });
    expect([...(await appliedRecommendationIds(db.database.db, daysAgo(2)))]).toEqual(['new']);
  });

  it('reads the grants that explain access now, and the recent ones with their activity', async () => {
    const request = (id: string): AccessRequest => ({
      id,
      requesterId: 'U0ALICE',
      requesterEmail: 'alice@example.com',
      resourceId: 'prod-admin',
      durationSeconds: 3600,
      justification: 'x',
      status: 'approved',
      currentStep: 0,
      createdAt: daysAgo(60),
      expiresAt: NOW,
    });
    const grant = (id: string, overrides: Partial<Grant>): Grant => ({
      id,
      requestId: id,
      requesterId: 'U0ALICE',
      requesterEmail: 'alice@example.com',
      resourceId: 'prod-admin',
      durationSeconds: 3600,
      status: 'revoked',
      attempts: 0,
      nextAttemptAt: NOW,
      createdAt: daysAgo(60),
      ...overrides,
    });
    const grants = [
      grant('G1', { status: 'active', principalId: 'alice', provisionedAt: daysAgo(0) }),
      grant('G2', { provisionedAt: daysAgo(3), principalId: 'alice' }),
      grant('G3', { provisionedAt: daysAgo(4), principalId: 'alice' }),
      grant('G4', { provisionedAt: daysAgo(45), principalId: 'alice' }),
    ];
    for (const g of grants) {
      await db.store.insertRequest(request(g.id));
      await db.store.insertGrant(g);
    }
    const summary = { events: 3, eventNames: [], writeEvents: 0, errors: [] };
    await db.store.updateGrant('G2', { activity: summary });
    await db.store.updateGrant('G3', { activity: { ...summary, events: 0 } });

    const facts = await grantFacts(db.database.db, daysAgo(30));
    expect(facts.activeGrants).toEqual([{ resourceId: 'prod-admin', principalId: 'alice' }]);
    expect(facts.history.map((h) => h.activityEvents).sort()).toEqual([0, 3, undefined]);
  });
});
