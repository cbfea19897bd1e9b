import type { CatalogEntry, SyncRun } from '../core/model.js';

/** What `latch sync` prints: the totals, what could not be read, what is missing, what is unclassified. */
export function syncReport(run: SyncRun, catalog: readonly CatalogEntry[]): string[] {
  const lines = [
    `synced ${run.accounts} account(s): ${run.resources} resource(s), ${run.unclassified} unclassified; ` +
      `${run.calls} AWS call(s) in ${(run.durationMs / 1000).toFixed(1)}s`,
  ];
  for (const failure of run.failures) {
    lines.push(
      `could not read ${failure.accountId ? `account ${failure.accountId} ` : ''}(${failure.step}): ${failure.error}`,
    );
  }
  for (const id of run.missing) lines.push(`not found in AWS: policy resource ${id}`);
  const unclassified = catalog.filter((entry) => !entry.policyResourceId);
  if (unclassified.length) lines.push('unclassified (give them a tier to make them requestable):');
  for (const entry of unclassified) {
    const where = entry.accountId ? ` in ${entry.accountName ?? entry.accountId} (${entry.accountId})` : '';
    lines.push(`  ${entry.id}  ${entry.kind}  ${entry.name}${where}`);
  }
  return lines;
}
