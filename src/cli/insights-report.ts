import type { StoredInsightRun, StoredScore } from '../db/queries/insights.js';

/**
 * What `latch insights` prints: when AWS was read and what could not be, then the riskiest
 * accounts and principals with their top reasons, then the recommendations, `top` of each.
 */
export function insightsReport(run: StoredInsightRun, top: number): string[] {
  const accounts = run.scores.filter((s) => s.subjectKind === 'account');
  const lines = [
    `standing access read ${run.readAt.toISOString()}: ${accounts.length} account(s)` +
      (run.failures.length ? `, ${run.failures.length} part(s) could not be read` : ''),
  ];
  for (const failure of run.failures) {
    lines.push(
      `could not read ${failure.accountId ? `account ${failure.accountId} ` : ''}(${failure.step}): ${failure.error}`,
    );
  }
  section(lines, 'riskiest accounts', accounts, top);
  section(
    lines,
    'riskiest principals',
    run.scores.filter((s) => s.subjectKind === 'principal'),
    top,
  );
  const shown = run.recommendations.slice(0, top);
  lines.push(
    shown.length
      ? `recommendations (${shown.length} of ${run.recommendations.length}):`
      : 'recommendations: none',
  );
  for (const r of shown) lines.push(`  ${pad(r.risk)}  ${r.title}`);
  return lines;
}

function section(lines: string[], title: string, scores: StoredScore[], top: number): void {
  const risky = scores.filter((s) => s.score > 0);
  if (!risky.length) {
    lines.push(`${title}: none scores above 0`);
    return;
  }
  lines.push(`${title}:`);
  for (const s of risky.slice(0, top)) {
    const why = s.reasons
      .slice(0, 2)
      .map((r) => r.message)
      .join('; ');
    lines.push(`  ${pad(s.score)}  ${s.label}  ${why}`);
  }
}

const pad = (n: number) => String(n).padStart(3);
