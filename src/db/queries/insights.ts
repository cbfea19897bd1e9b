import type { Kysely } from 'kysely';
import type {
  GrantFacts,
  InsightRunInput,
  StoredInsightRun,
  StoredScore,
} from '../../insights/insight-run.js';
import type { InventoryFailure } from '../../insights/inventory.js';
import type { Recommendation } from '../../insights/recommendations.js';
import type { RiskReason } from '../../insights/risk-reasons.js';
import { principalLabel } from '../../insights/score-inventory.js';
import { principalKey } from '../../insights/standing-access.js';
import type { Database } from '../schema.js';

/** Older runs are dropped past this many; each is a whole reading of the organization. */
export const KEEP_RUNS = 10;
const ROWS_PER_INSERT = 500;

export type { InsightRunInput, StoredInsightRun, StoredScore } from '../../insights/insight-run.js';

/** Stores one run whole, in one transaction, and drops runs older than the last KEEP_RUNS. */
export async function saveInsightRun(db: Kysely<Database>, run: InsightRunInput): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto('insight_run')
      .values({
        read_at: run.readAt,
        finished_at: run.finishedAt,
        trigger: run.trigger,
        actor: run.actor,
        accounts: run.inventory.accounts.length,
        failures: JSON.stringify(run.inventory.failures),
        inventory: JSON.stringify(run.inventory),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const scores = [
      ...run.scores.accounts.map((a) => ({
        subject_kind: 'account',
        subject_id: a.accountId,
        account_id: a.accountId,
        label: `${a.accountName} (${a.accountId})`,
        score: a.score,
        reasons: JSON.stringify(a.reasons),
      })),
      ...run.scores.principals.map((p) => ({
        subject_kind: 'principal',
        subject_id: principalKey(p.principal),
        account_id: p.principal.kind === 'iam_user' ? p.principal.accountId : null,
        label: principalLabel(p.principal),
        score: p.score,
        reasons: JSON.stringify(p.reasons),
      })),
      ...run.scores.policies.map((p) => ({
        subject_kind: 'policy',
        subject_id: `${p.accountId}:${p.id}`,
        account_id: p.accountId,
        label: p.name,
        score: p.score,
        reasons: JSON.stringify(p.reasons),
      })),
    ].map((row) => ({ run_id: id, ...row }));
    for (let i = 0; i < scores.length; i += ROWS_PER_INSERT) {
      await tx
        .insertInto('insight_score')
        .values(scores.slice(i, i + ROWS_PER_INSERT))
        .execute();
    }
    const recommendations = run.recommendations.map((r) => ({
      run_id: id,
      id: r.id,
      kind: r.kind,
      title: r.title,
      risk: r.risk,
      evidence: JSON.stringify(r.evidence),
      change: JSON.stringify(r.change),
    }));
    for (let i = 0; i < recommendations.length; i += ROWS_PER_INSERT) {
      await tx
        .insertInto('insight_recommendation')
        .values(recommendations.slice(i, i + ROWS_PER_INSERT))
        .execute();
    }
    const kept = tx.selectFrom('insight_run').select('id').orderBy('id', 'desc').limit(KEEP_RUNS);
    const digested = tx
      .selectFrom('insight_run')
      .select('id')
      .where('digested_at', 'is not', null)
      .orderBy('id', 'desc')
      .limit(1);
    await tx.deleteFrom('insight_run').where('id', 'not in', kept).where('id', 'not in', digested).execute();
    return id;
  });
}

/** The latest run, its scores riskiest first and its recommendations in their order; undefined before the first. */
export async function latestInsightRun(db: Kysely<Database>): Promise<StoredInsightRun | undefined> {
  return insightRun(db, false);
}

/** The latest run a weekly digest reported on, if it is still kept. */
export async function lastDigestedInsightRun(db: Kysely<Database>): Promise<StoredInsightRun | undefined> {
  return insightRun(db, true);
}

export async function markInsightRunDigested(db: Kysely<Database>, runId: number, at: Date): Promise<void> {
  await db.updateTable('insight_run').set({ digested_at: at }).where('id', '=', runId).execute();
}

/** Ids of the recommendations applied from Slack (audited `insight.applied`) at or after `since`. */
export async function appliedRecommendationIds(db: Kysely<Database>, since: Date): Promise<Set<string>> {
  const rows = await db
    .selectFrom('audit_event')
    .select('detail')
    .where('action', '=', 'insight.applied')
    .where('at', '>=', since)
    .execute();
  return new Set(rows.map((r) => String(r.detail.recommendationId)));
}

async function insightRun(db: Kysely<Database>, digested: boolean): Promise<StoredInsightRun | undefined> {
  let query = db.selectFrom('insight_run').select(['id', 'read_at', 'failures']);
  if (digested) query = query.where('digested_at', 'is not', null);
  const run = await query.orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!run) return undefined;
  const scores = await db
    .selectFrom('insight_score')
    .selectAll()
    .where('run_id', '=', run.id)
    .orderBy('score', 'desc')
    .orderBy('subject_kind')
    .orderBy('label')
    .orderBy('subject_id')
    .execute();
  const recommendations = await db
    .selectFrom('insight_recommendation')
    .selectAll()
    .where('run_id', '=', run.id)
    .orderBy('risk', 'desc')
    .orderBy('kind')
    .orderBy('id')
    .execute();
  return {
    id: run.id,
    readAt: new Date(run.read_at),
    failures: JSON.parse(run.failures) as InventoryFailure[],
    scores: scores.map((s) => ({
      subjectKind: s.subject_kind as StoredScore['subjectKind'],
      subjectId: s.subject_id,
      ...(s.account_id ? { accountId: s.account_id } : {}),
      label: s.label,
      score: s.score,
      reasons: JSON.parse(s.reasons) as RiskReason[],
    })),
    recommendations: recommendations.map((r) => ({
      id: r.id,
      kind: r.kind as Recommendation['kind'],
      title: r.title,
      risk: r.risk,
      evidence: JSON.parse(r.evidence) as Recommendation['evidence'],
      change: JSON.parse(r.change) as Recommendation['change'],
    })),
  };
}

/** Grants that explain access in AWS now, and the last `days` of grants with their activity, for the rules. */
export async function grantFacts(db: Kysely<Database>, since: Date): Promise<GrantFacts> {
  const active = await db
    .selectFrom('access_grant')
    .select(['resource_id', 'principal_id'])
    .where('status', 'in', ['provisioning', 'active', 'revoking'])
    .where('principal_id', 'is not', null)
    .execute();
  const recent = await db
    .selectFrom('access_grant')
    .select(['resource_id', 'provisioned_at', 'activity_events'])
    .where('provisioned_at', '>=', since)
    .execute();
  return {
    activeGrants: active.map((g) => ({ resourceId: g.resource_id, principalId: g.principal_id ?? '' })),
    history: recent.flatMap((g) =>
      g.provisioned_at
        ? [
            {
              resourceId: g.resource_id,
              grantedAt: new Date(g.provisioned_at),
              ...(g.activity_events !== null ? { activityEvents: g.activity_events } : {}),
            },
          ]
        : [],
    ),
  };
}
