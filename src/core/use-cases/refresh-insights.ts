import type { InventoryFailure } from '../../insights/inventory.js';
import { recommendations } from '../../insights/recommendations.js';
import { scoreInventory } from '../../insights/score-inventory.js';
import type { Policy } from '../model.js';
import type { Clock, InsightsDeps, Logger } from '../ports.js';

const HISTORY_MS = 30 * 86_400_000;

export interface RefreshInsightsDeps {
  insights: Pick<InsightsDeps, 'inventory' | 'store'>;
  clock: Clock;
  log: Logger;
  /** `resources` as people see them now: the file's at admins' tiers, plus promoted catalog entries. */
  policy: Pick<Policy, 'resources' | 'tiers'>;
}

/**
 * Reads standing access from AWS, scores it against the managed resources and Latch's live grants,
 * and stores the reading with its recommendations. Changes nothing in AWS. Callers run one at a time
 * (the catalog-sync lease, or the CLI with Latch stopped).
 */
export async function refreshInsights(
  deps: RefreshInsightsDeps,
  input: { trigger: 'schedule' | 'cli' | 'slack'; actor: string },
): Promise<{ runId: number; failures: InventoryFailure[] }> {
  const inventory = await deps.insights.inventory.read();
  const now = deps.clock.now();
  const { activeGrants, history } = await deps.insights.store.grantFacts(
    new Date(now.getTime() - HISTORY_MS),
  );
  const { resources, tiers } = deps.policy;
  const withMax = resources.flatMap((r) => {
    const tier = tiers[r.tier];
    return tier ? [{ ...r, maxDurationSeconds: tier.maxDurationSeconds }] : [];
  });
  const scores = scoreInventory(inventory, resources, activeGrants, now);
  const runId = await deps.insights.store.saveRun({
    readAt: inventory.readAt,
    finishedAt: deps.clock.now(),
    trigger: input.trigger,
    actor: input.actor,
    inventory,
    scores,
    recommendations: recommendations({ inventory, scores, resources: withMax, grantHistory: history, now }),
  });
  const log = inventory.failures.length ? deps.log.warn.bind(deps.log) : deps.log.info.bind(deps.log);
  log(
    {
      insights: { runId, accounts: inventory.accounts.length, failures: inventory.failures.length },
      failures: inventory.failures,
    },
    'standing access read',
  );
  return { runId, failures: inventory.failures };
}
