import type { InsightsView, RiskLine } from '../../insights/insights-view.js';
import { slackTime, userText } from './mrkdwn.js';

const TOP_ACCOUNTS = 5;
const TOP_PRINCIPALS = 10;
const TOP_RECOMMENDATIONS = 10;

/** One scored subject: score, who, and its top reasons (AWS names are data: escaped). */
export function riskLineText(line: RiskLine): string {
  const why = line.reasons.map((r) => userText(r, 200)).join('; ');
  return `*${line.score}* · ${userText(line.label, 200)}${why ? ` — ${why}` : ''}`;
}

/** The answer to `/access admin insights [account]`: the latest reading, riskiest first. */
export function insightsText(view: InsightsView): string {
  const where = view.account ? ` for ${userText(view.account.label, 120)} (score ${view.account.score})` : '';
  const lines = [`*Standing access${where}*, read ${slackTime(view.readAt)}.`];
  for (const f of view.failures.slice(0, 5)) {
    lines.push(
      `⚠️ Could not read ${f.accountId ? `account ${f.accountId} ` : ''}(${userText(f.step, 40)}): ${userText(f.error, 200)}`,
    );
  }
  if (view.failures.length > 5) lines.push(`…and ${view.failures.length - 5} more parts not read.`);
  if (!view.account) list(lines, 'Riskiest accounts', view.accounts, TOP_ACCOUNTS);
  list(lines, 'Riskiest principals', view.principals, TOP_PRINCIPALS);
  const recs = view.recommendations.slice(0, TOP_RECOMMENDATIONS);
  lines.push(
    recs.length
      ? `*Recommendations* (${recs.length} of ${view.recommendations.length}; apply them from App Home):`
      : '*Recommendations*: none.',
  );
  for (const r of recs) {
    const how = r.canApply ? '' : r.action ? ` _(Latch lacks \`${r.action}\`)_` : ' _(policy file)_';
    lines.push(`• *${r.risk}* · ${userText(r.title, 300)}${how}`);
  }
  return lines.join('\n');
}

function list(lines: string[], title: string, items: RiskLine[], top: number): void {
  if (!items.length) {
    lines.push(`*${title}*: none scores above 0.`);
    return;
  }
  lines.push(`*${title}* (${Math.min(top, items.length)} of ${items.length}):`);
  for (const item of items.slice(0, top)) lines.push(`• ${riskLineText(item)}`);
}
