import type { InsightsDigest } from '../../insights/insights-digest.js';
import { slackTime, userText } from './mrkdwn.js';

const SHOWN = 10;

/** The weekly digest in the audit channel: what changed in standing access since the last one. */
export function insightsDigestText(d: InsightsDigest): string {
  const since = d.sinceReadAt ? `since the reading of ${slackTime(d.sinceReadAt)}` : 'first digest';
  const lines = [
    `*Standing access this week* (read ${slackTime(d.readAt)}; ${since}): ${d.risks} risky principal(s) and account(s), ${d.recommendations} recommendation(s)` +
      (d.failures ? `; ⚠️ ${d.failures} part(s) of AWS could not be read` : '') +
      '.',
  ];
  const section = <T>(title: string, items: T[], line: (item: T) => string) => {
    if (!items.length) return;
    lines.push(`*${title}* (${items.length}):`);
    for (const item of items.slice(0, SHOWN)) lines.push(`• ${line(item)}`);
    if (items.length > SHOWN) lines.push(`…and ${items.length - SHOWN} more; see App Home.`);
  };
  section('New risks', d.newRisks, (r) => `*${r.score}* · ${userText(r.label, 200)}`);
  section('Score changes', d.scoreChanges, (c) => `${userText(c.label, 200)}: ${c.from} → *${c.to}*`);
  section('Resolved risks', d.resolvedRisks, (r) => `${userText(r.label, 200)} (was ${r.score})`);
  section('New recommendations', d.newRecommendations, (r) => `*${r.risk}* · ${userText(r.title, 300)}`);
  section('Resolved recommendations', d.resolvedRecommendations, (r) => userText(r.title, 300));
  if (lines.length === 1) lines.push('Nothing changed.');
  return lines.join('\n');
}
