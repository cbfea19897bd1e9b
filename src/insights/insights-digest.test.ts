import { describe, expect, it } from 'vitest';
import type { StoredInsightRun, StoredScore } from './insight-run.js';
import { insightsDigest } from './insights-digest.js';
import type { Recommendation } from './recommendations.js';

const score = (
  subjectId: string,
  value: number,
  kind: StoredScore['subjectKind'] = 'principal',
): StoredScore => ({
  subjectKind: kind,
  subjectId,
  label: `label ${subjectId}`,
  score: value,
  reasons: [],
});
const rec = (id: string, risk: number): Recommendation => ({
  id,
  kind: 'deactivate_access_key',
  title: `title ${id}`,
  risk,
  evidence: {},
  change: { action: 'deactivate_access_key', accountId: '111111111111', userName: 'u', accessKeyId: id },
});
const run = (id: number, scores: StoredScore[], recommendations: Recommendation[]): StoredInsightRun => ({
  id,
  readAt: new Date(Date.UTC(2026, 10, id)),
  failures: [],
  scores,
  recommendations,
});

describe('insightsDigest', () => {
  it('says what appeared, what went away and whose score moved, riskiest first; policies and zeros are not risks', () => {
    const previous = run(
      1,
      [
        score('kept', 40),
        score('moved', 30),
        score('gone', 55),
        score('fixed', 20),
        score('p', 90, 'policy'),
      ],
      [rec('old', 40), rec('stays', 30)],
    );
    const current = run(
      8,
      [
        score('kept', 40),
        score('moved', 75),
        score('fixed', 0),
        score('new', 60),
        score('acct', 70, 'account'),
      ],
      [rec('stays', 30), rec('fresh', 60)],
    );
    const digest = insightsDigest(previous, current);
    expect(digest.newRisks).toEqual([
      { label: 'label acct', score: 70 },
      { label: 'label new', score: 60 },
    ]);
    expect(digest.resolvedRisks).toEqual([
      { label: 'label gone', score: 55 },
      { label: 'label fixed', score: 20 },
    ]);
    expect(digest.scoreChanges).toEqual([{ kind: 'principal', label: 'label moved', from: 30, to: 75 }]);
    expect(digest.newRecommendations).toEqual([{ title: 'title fresh', risk: 60 }]);
    expect(digest.resolvedRecommendations).toEqual([{ title: 'title old', risk: 40 }]);
    expect(digest).toMatchObject({ risks: 4, recommendations: 2, sinceReadAt: previous.readAt });
  });

  it('reports everything as new on the first digest, and nothing when nothing changed', () => {
    const only = run(3, [score('a', 10)], [rec('r', 10)]);
    const first = insightsDigest(undefined, only);
    expect(first.sinceReadAt).toBeUndefined();
    expect(first.newRisks).toHaveLength(1);
    expect(first.newRecommendations).toHaveLength(1);
    const same = insightsDigest(only, { ...only, id: 4 });
    expect([
      same.newRisks,
      same.resolvedRisks,
      same.scoreChanges,
      same.newRecommendations,
      same.resolvedRecommendations,
    ]).toEqual([[], [], [], [], []]);
  });
});
