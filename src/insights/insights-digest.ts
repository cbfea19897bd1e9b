import type { StoredInsightRun, StoredScore } from './insight-run.js';

export interface ScoreChange {
  kind: 'principal' | 'account';
  label: string;
  from: number;
  to: number;
}

export interface DigestItem {
  label: string;
  score: number;
}

/** What changed in standing access between the reading the last digest used and the latest one. */
export interface InsightsDigest {
  readAt: Date;
  /** When the compared reading was read; absent on the first digest. */
  sinceReadAt?: Date;
  newRisks: DigestItem[];
  resolvedRisks: DigestItem[];
  scoreChanges: ScoreChange[];
  newRecommendations: Array<{ title: string; risk: number }>;
  resolvedRecommendations: Array<{ title: string; risk: number }>;
  /** Totals now, for the first line. */
  risks: number;
  recommendations: number;
  failures: number;
}

const key = (s: StoredScore) => `${s.subjectKind}:${s.subjectId}`;
const risky = (run: StoredInsightRun | undefined) =>
  new Map(
    (run?.scores ?? [])
      .filter((s) => s.subjectKind !== 'policy' && s.score > 0)
      .map((s) => [key(s), s] as const),
  );
const byScore = <T extends { score: number; label: string }>(a: T, b: T) =>
  b.score - a.score || a.label.localeCompare(b.label);

/**
 * The week's changes: principals and accounts that started or stopped scoring above 0, those whose
 * score moved, and recommendations that appeared or went away (by id). Without a previous reading
 * everything now is new. Riskiest first.
 */
export function insightsDigest(
  previous: StoredInsightRun | undefined,
  current: StoredInsightRun,
): InsightsDigest {
  const before = risky(previous);
  const now = risky(current);
  const item = (s: StoredScore): DigestItem => ({ label: s.label, score: s.score });
  const newRisks = [...now.values()].filter((s) => !before.has(key(s))).map(item);
  const resolvedRisks = [...before.values()].filter((s) => !now.has(key(s))).map(item);
  const scoreChanges = [...now.values()].flatMap((s): ScoreChange[] => {
    const was = before.get(key(s));
    return was && was.score !== s.score
      ? [
          {
            kind: s.subjectKind === 'account' ? 'account' : 'principal',
            label: s.label,
            from: was.score,
            to: s.score,
          },
        ]
      : [];
  });
  const beforeRecs = new Set(previous?.recommendations.map((r) => r.id) ?? []);
  const nowRecs = new Set(current.recommendations.map((r) => r.id));
  const rec = (r: StoredInsightRun['recommendations'][number]) => ({ title: r.title, risk: r.risk });
  return {
    readAt: current.readAt,
    ...(previous ? { sinceReadAt: previous.readAt } : {}),
    newRisks: newRisks.sort(byScore),
    resolvedRisks: resolvedRisks.sort(byScore),
    scoreChanges: scoreChanges.sort(
      (a, b) => Math.abs(b.to - b.from) - Math.abs(a.to - a.from) || a.label.localeCompare(b.label),
    ),
    newRecommendations: current.recommendations.filter((r) => !beforeRecs.has(r.id)).map(rec),
    resolvedRecommendations: (previous?.recommendations ?? []).filter((r) => !nowRecs.has(r.id)).map(rec),
    risks: now.size,
    recommendations: current.recommendations.length,
    failures: current.failures.length,
  };
}
