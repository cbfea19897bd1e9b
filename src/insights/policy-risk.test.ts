import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type PolicyDocument, parsePolicyDocument } from './policy-document.js';
import { policyRisk } from './policy-risk.js';

const fixture = (name: string) =>
  parsePolicyDocument(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
const allow = (Action: string | string[], Resource: string | string[] = '*'): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action, Resource }],
});

describe('policyRisk', () => {
  it.each<{ name: string; document: PolicyDocument; score: number; codes: string[] }>([
    {
      name: 'AWS AdministratorAccess',
      document: fixture('AdministratorAccess'),
      score: 100,
      codes: ['full_admin'],
    },
    {
      name: 'AWS PowerUserAccess: NotAction leaves sts:AssumeRole and data reads, not IAM',
      document: fixture('PowerUserAccess'),
      score: 80,
      codes: ['not_action_allow', 'assume_role_any', 'data_read_any', 'wildcard_resource'],
    },
    {
      name: 'AWS ReadOnlyAccess: reads every bucket and parameter, changes nothing',
      document: fixture('ReadOnlyAccess'),
      score: 30,
      codes: ['data_read_any', 'wildcard_resource', 'wildcard_action'],
    },
    {
      name: 'iam:PassRole on *',
      document: allow('iam:PassRole'),
      score: 40,
      codes: ['pass_role_any', 'wildcard_resource'],
    },
    {
      name: 'iam:Pass* on every role of every account',
      document: allow('iam:Pass*', 'arn:aws:iam::*:role/*'),
      score: 45,
      codes: ['pass_role_any', 'wildcard_resource', 'wildcard_action'],
    },
    {
      name: 'iam:PassRole on roles named ci-* only: scoped, no risk',
      document: allow('iam:PassRole', 'arn:aws:iam::111111111111:role/ci-*'),
      score: 0,
      codes: [],
    },
    {
      name: 'iam:CreatePolicyVersion on every policy',
      document: allow('iam:CreatePolicyVersion'),
      score: 50,
      codes: ['privilege_escalation', 'wildcard_resource'],
    },
    {
      name: 'iam:CreatePolicyVersion on one named policy: scoped escalation',
      document: allow('iam:CreatePolicyVersion', 'arn:aws:iam::111111111111:policy/deploy'),
      score: 20,
      codes: ['privilege_escalation'],
    },
    {
      name: 'sts:AssumeRole on *',
      document: allow('sts:AssumeRole'),
      score: 35,
      codes: ['assume_role_any', 'wildcard_resource'],
    },
    {
      name: 'iam:* is admin over IAM',
      document: allow('iam:*'),
      score: 95,
      codes: ['privilege_escalation', 'pass_role_any', 'service_wildcard', 'wildcard_resource'],
    },
    {
      name: 'action names are case-insensitive',
      document: allow(['IAM:passrole', 'STS:AssumeRole']),
      score: 65,
      codes: ['pass_role_any', 'assume_role_any', 'wildcard_resource'],
    },
    {
      name: 'NotAction trick: "everything but S3" includes IAM',
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 's3:*', Resource: '*' }] },
      score: 100,
      codes: [
        'privilege_escalation',
        'not_action_allow',
        'pass_role_any',
        'assume_role_any',
        'data_read_any',
        'wildcard_resource',
      ],
    },
    {
      name: 'NotResource trick: PassRole on everything but one role',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'iam:PassRole', NotResource: 'arn:aws:iam::111111111111:role/prod' },
        ],
      },
      score: 40,
      codes: ['pass_role_any', 'wildcard_resource'],
    },
    {
      name: 'Allow * with Deny iam:* is no longer full admin, and escalation is gone',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
        ],
      },
      score: 80,
      codes: ['all_actions', 'assume_role_any', 'data_read_any', 'wildcard_resource'],
    },
    {
      name: 'a Deny with a condition takes nothing away',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
          {
            Effect: 'Deny',
            Action: 'sts:AssumeRole',
            Resource: '*',
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
          },
        ],
      },
      score: 35,
      codes: ['assume_role_any', 'wildcard_resource'],
    },
    {
      name: 'Deny NotAction iam:* still leaves IAM allowed',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['iam:AttachUserPolicy', 's3:GetObject'], Resource: '*' },
          { Effect: 'Deny', NotAction: 'iam:*', Resource: '*' },
        ],
      },
      score: 50,
      codes: ['privilege_escalation', 'wildcard_resource'],
    },
    {
      name: 'a document of denies only adds no risk',
      document: { Version: '2012-10-17', Statement: { Effect: 'Deny', Action: '*', Resource: '*' } },
      score: 0,
      codes: [],
    },
    {
      name: 'every bucket’s objects is broad; one bucket’s is not',
      document: allow('s3:GetObject', ['arn:aws:s3:::*/*']),
      score: 25,
      codes: ['data_read_any', 'wildcard_resource'],
    },
    {
      name: 'reads of one bucket are not a risk',
      document: allow(
        ['s3:GetObject', 's3:ListBucket'],
        ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/2026/*'],
      ),
      score: 0,
      codes: [],
    },
  ])('$name scores $score', ({ document, score, codes }) => {
    const risk = policyRisk(document);
    expect(risk.score).toBe(score);
    expect(risk.reasons.map((r) => r.code)).toEqual(codes);
    expect(
      Math.min(
        100,
        risk.reasons.reduce((sum, r) => sum + r.points, 0),
      ),
    ).toBe(score);
  });

  it('names the evidence a reviewer checks: the statement, the action and the resources', () => {
    const risk = policyRisk({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Deploy', Effect: 'Allow', Action: ['iam:PassRole'], Resource: ['*'] }],
    });
    expect(risk.reasons[0]).toEqual({
      code: 'pass_role_any',
      message: 'Deploy allows iam:PassRole on *: can pass any role to a service',
      evidence: { action: 'iam:PassRole', statement: 'Deploy', resources: '*' },
      points: 30,
    });
  });

  it('lists PowerUserAccess’s exclusions and the data reads it keeps', () => {
    const reasons = policyRisk(fixture('PowerUserAccess')).reasons;
    expect(reasons.find((r) => r.code === 'not_action_allow')?.evidence).toEqual({
      statement: 'Statement[0]',
      notAction: ['iam:*', 'organizations:*', 'account:*'],
    });
    expect(reasons.find((r) => r.code === 'data_read_any')?.evidence.actions).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Scan',
      'kms:Decrypt',
      's3:GetObject',
      'secretsmanager:GetSecretValue',
      'ssm:GetParameter',
    ]);
  });

  it('reads documents as IAM returns them, URL-encoded', () => {
    const encoded = encodeURIComponent(JSON.stringify(allow('sts:AssumeRole')));
    expect(policyRisk(parsePolicyDocument(encoded)).score).toBe(35);
  });

  it('gives the same score whatever the order of statements and actions', () => {
    const statements = [
      { Effect: 'Allow' as const, Action: ['sts:AssumeRole', 'iam:PassRole'], Resource: '*' },
      { Effect: 'Allow' as const, Action: 's3:Get*', Resource: 'arn:aws:s3:::logs/*' },
    ];
    const reversed = [...statements].reverse().map((s) => ({ ...s, Action: [s.Action].flat().reverse() }));
    const summary = (document: PolicyDocument) => {
      const risk = policyRisk(document);
      return { score: risk.score, codes: risk.reasons.map((r) => [r.code, r.points]) };
    };
    expect(summary({ Statement: reversed })).toEqual(summary({ Statement: statements }));
    expect(summary({ Statement: statements }).score).toBe(70);
  });
});
