import type { Kysely } from 'kysely';
import type { InsightStore } from '../core/ports.js';
import type { InsightRunInput } from '../insights/insight-run.js';
import {
  appliedRecommendationIds,
  grantFacts,
  lastDigestedInsightRun,
  latestInsightRun,
  markInsightRunDigested,
  saveInsightRun,
} from './queries/insights.js';
import type { Database } from './schema.js';

/** InsightStore over the `insight_*` tables (and the audit log, for what was applied). */
export class KyselyInsightStore implements InsightStore {
  constructor(private readonly db: Kysely<Database>) {}

  saveRun(run: InsightRunInput) {
    return saveInsightRun(this.db, run);
  }
  latestRun() {
    return latestInsightRun(this.db);
  }
  lastDigestedRun() {
    return lastDigestedInsightRun(this.db);
  }
  markDigested(runId: number, at: Date) {
    return markInsightRunDigested(this.db, runId, at);
  }
  grantFacts(since: Date) {
    return grantFacts(this.db, since);
  }
  appliedSince(since: Date) {
    return appliedRecommendationIds(this.db, since);
  }
}
