import type { SyncRun } from '../../core/model.js';
import { escapeMrkdwn, userText } from './mrkdwn.js';

/** The answer to `/access admin sync`: totals, then what could not be read and what is missing. */
export function syncText(run: SyncRun): string {
  const lines = [
    `Catalog synced: ${run.accounts} account(s), ${run.resources} resource(s), *${run.unclassified} unclassified*; ` +
      `${run.calls} AWS calls in ${(run.durationMs / 1000).toFixed(1)}s.`,
  ];
  for (const failure of run.failures.slice(0, 10)) {
    const where = failure.accountId ? `account ${failure.accountId}, ` : '';
    lines.push(`⚠️ Could not read ${where}\`${escapeMrkdwn(failure.step)}\`: ${userText(failure.error, 300)}`);
  }
  if (run.failures.length > 10) lines.push(`…and ${run.failures.length - 10} more; see \`latch sync\`.`);
  if (run.missing.length) {
    lines.push(`Not found in AWS: ${run.missing.map((id) => `\`${escapeMrkdwn(id)}\``).join(', ')}`);
  }
  if (run.unclassified)
    lines.push(
      'Unclassified resources are listed on App Home; nobody can request them until they have a tier.',
    );
  return lines.join('\n');
}
