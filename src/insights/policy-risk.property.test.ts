import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicyStatement } from './policy-document.js';
import { policyRisk } from './policy-risk.js';

const ACTIONS = [
  '*',
  '*:*',
  'iam:*',
  'iam:PassRole',
  'iam:Pass*',
  'IAM:attachuserpolicy',
  'iam:CreatePolicyVersion',
  'sts:AssumeRole',
  'sts:*',
  's3:GetObject',
  's3:Get*',
  'ec2:Describe*',
  'kms:Decrypt',
  'secretsmanager:GetSecretValue',
];
const RESOURCES = [
  '*',
  'arn:aws:iam::*:role/*',
  'arn:aws:iam::111111111111:role/ci-*',
  'arn:aws:iam::111111111111:policy/deploy',
  'arn:aws:s3:::reports/*',
  'arn:aws:s3:::*/*',
];

function statement(effect?: 'Allow' | 'Deny'): fc.Arbitrary<PolicyStatement> {
  return fc
    .record({
      effect: effect ? fc.constant(effect) : fc.constantFrom('Allow' as const, 'Deny' as const),
      actions: fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 3 }),
      isNotAction: fc.boolean(),
      resources: fc.uniqueArray(fc.constantFrom(...RESOURCES), { minLength: 1, maxLength: 2 }),
      isNotResource: fc.boolean(),
      asString: fc.boolean(),
      hasCondition: fc.boolean(),
    })
    .map((s) => {
      const actions = s.asString && s.actions.length === 1 ? (s.actions[0] as string) : s.actions;
      return {
        Effect: s.effect,
        ...(s.isNotAction ? { NotAction: actions } : { Action: actions }),
        ...(s.isNotResource ? { NotResource: s.resources } : { Resource: s.resources }),
        ...(s.hasCondition ? { Condition: { Bool: { 'aws:SecureTransport': 'true' } } } : {}),
      };
    });
}

const statements = fc.array(statement(), { minLength: 1, maxLength: 5 });
const score = (list: PolicyStatement[]) => policyRisk({ Version: '2012-10-17', Statement: list }).score;
const RUNS = { numRuns: 300 };

describe('policyRisk on any document built from IAM grammar', () => {
  it('is between 0 and 100, the capped sum of its reasons, riskiest reason first', () => {
    fc.assert(
      fc.property(statements, (list) => {
        const risk = policyRisk({ Statement: list });
        const total = risk.reasons.reduce((sum, r) => sum + r.points, 0);
        expect(risk.score).toBe(Math.min(100, total));
        expect(risk.score).toBeGreaterThanOrEqual(0);
        const points = risk.reasons.map((r) => r.points);
        expect(points).toEqual([...points].sort((a, b) => b - a));
      }),
      RUNS,
    );
  });

  it('does not depend on the order of statements', () => {
    fc.assert(
      fc.property(statements, (list) => {
        expect(score([...list].reverse())).toBe(score(list));
      }),
      RUNS,
    );
  });

  it('never scores lower for one more Allow statement', () => {
    fc.assert(
      fc.property(statements, statement('Allow'), (list, extra) => {
        expect(score([...list, extra])).toBeGreaterThanOrEqual(score(list));
      }),
      RUNS,
    );
  });

  it('never scores higher for one more Deny statement', () => {
    fc.assert(
      fc.property(statements, statement('Deny'), (list, extra) => {
        expect(score([...list, extra])).toBeLessThanOrEqual(score(list));
      }),
      RUNS,
    );
  });

  it('scores 0 for a document of Deny statements only', () => {
    fc.assert(
      fc.property(fc.array(statement('Deny'), { minLength: 1, maxLength: 4 }), (list) => {
        expect(score(list)).toBe(0);
      }),
      RUNS,
    );
  });
});
