import { planCatalog } from '../catalog-plan.js';
import type { SyncFailure, SyncRun } from '../model.js';
import type { CatalogSource, LatchDeps, Notifier } from '../ports.js';

const LEASE = 'catalog-sync';
/** Longer than any sync should take; a crashed holder's lease lapses after it. */
const LEASE_SECONDS = 15 * 60;

export type SyncTrigger = SyncRun['trigger'];

/**
 * Reads the AWS catalog and records it: policy resources matched, everything else `unclassified`,
 * what could not be read reported by account and step. One sync at a time across replicas; a
 * second caller gets `undefined`. Scheduled syncs tell the admins when the set of failures changes.
 */
export async function syncCatalog(
  deps: Pick<LatchDeps, 'store' | 'clock' | 'log' | 'fileResources'> & {
    catalog: CatalogSource;
    notifier?: Pick<Notifier, 'alertAdmins'>;
  },
  input: { trigger: SyncTrigger; actor: string; holder: string },
): Promise<SyncRun | undefined> {
  const startedAt = deps.clock.now();
  const leaseUntil = new Date(startedAt.getTime() + LEASE_SECONDS * 1000);
  const lease = { name: LEASE, holder: input.holder, now: startedAt, until: leaseUntil };
  if (!(await deps.store.takeLease(lease))) return undefined;
  try {
    const previousRun = await deps.store.lastSyncRun();
    const discovery = await deps.catalog.discover();
    const finishedAt = deps.clock.now();
    const plan = planCatalog(discovery, deps.fileResources, await deps.store.listCatalog(), finishedAt);
    const run: SyncRun = {
      startedAt,
      finishedAt,
      trigger: input.trigger,
      actor: input.actor,
      accounts: discovery.accounts.length,
      resources: plan.entries.length,
      unclassified: plan.entries.filter((e) => !e.policyResourceId).length,
      missing: plan.missing,
      failures: discovery.failures,
      calls: discovery.calls,
      durationMs: discovery.durationMs,
    };
    await deps.store.transaction(async (tx) => {
      await tx.replaceCatalog(plan.entries, plan.keepKeys);
      await tx.insertSyncRun(run);
      await tx.appendAudit({
        at: finishedAt,
        actor: input.actor,
        action: 'catalog.synced',
        detail: {
          trigger: run.trigger,
          accounts: run.accounts,
          resources: run.resources,
          unclassified: run.unclassified,
          missing: run.missing,
          failures: run.failures,
          calls: run.calls,
          durationMs: run.durationMs,
        },
      });
    });
    const log = run.failures.length ? deps.log.warn.bind(deps.log) : deps.log.info.bind(deps.log);
    log({ sync: { ...run, failures: run.failures.length }, failures: run.failures }, 'catalog synced');
    if (input.trigger === 'schedule' && changed(previousRun?.failures ?? [], run.failures)) {
      await deps.notifier?.alertAdmins(syncAlert(run));
    }
    return run;
  } finally {
    await deps.store.releaseLease(LEASE, input.holder);
  }
}

function changed(before: readonly SyncFailure[], after: readonly SyncFailure[]): boolean {
  const key = (f: SyncFailure) => `${f.accountId ?? ''}|${f.step}`;
  const a = new Set(before.map(key));
  const b = new Set(after.map(key));
  return a.size !== b.size || [...a].some((k) => !b.has(k));
}

/** What admins are told when a scheduled sync starts or stops failing somewhere. */
export function syncAlert(run: SyncRun): string {
  if (!run.failures.length) return 'Catalog sync reads every account again.';
  const lines = run.failures
    .slice(0, 10)
    .map((f) => `• ${f.accountId ? `account ${f.accountId}, ` : ''}${f.step}: ${f.error}`);
  const more = run.failures.length > 10 ? [`…and ${run.failures.length - 10} more`] : [];
  return [`Catalog sync could not read ${run.failures.length} part(s) of AWS:`, ...lines, ...more].join('\n');
}
