import {
  coversAction,
  isAllActions,
  isBroadResource,
  type NormalStatement,
  type PolicyDocument,
  resourceEvidence,
  statementsOf,
} from './policy-document.js';
import {
  RISK_POINTS,
  type RiskReason,
  type RiskScore,
  riskScore,
  SCOPED_ESCALATION_POINTS,
} from './risk-reasons.js';

/** IAM actions that let the holder give itself more access (after Rhino Security Labs' list). */
export const ESCALATION_ACTIONS = [
  'iam:AddUserToGroup',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:CreatePolicyVersion',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
  'iam:SetDefaultPolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateLoginProfile',
] as const;

/** Reads that return stored data or secrets rather than configuration. */
export const DATA_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Scan',
  'kms:Decrypt',
  's3:GetObject',
  'secretsmanager:GetSecretValue',
  'ssm:GetParameter',
] as const;

const SERVICE_WILDCARD = /^[\w-]+:\*$/;

/**
 * A policy document's risk, 0–100, with its reasons. Deny statements never add risk; an
 * unconditional Deny on `*` takes the actions it covers away. Conditions on an Allow are ignored
 * (the access exists for whoever meets them), so the score is an upper bound.
 */
export function policyRisk(document: PolicyDocument): RiskScore {
  const statements = statementsOf(document);
  const allows = statements.filter((s) => s.effect === 'Allow');
  // A Deny that takes an action away everywhere: on `*`, without a condition.
  const denies = statements.filter(
    (s) => s.effect === 'Deny' && !s.hasCondition && !s.isNotResource && s.resources.includes('*'),
  );
  const allowing = (action: string, broadOnly: boolean) =>
    denies.some((d) => coversAction(d, action))
      ? []
      : allows.filter((s) => coversAction(s, action) && (!broadOnly || isBroadResource(s)));

  const everything = allows.filter(
    (s) => !s.isNotAction && s.actions.some(isAllActions) && isBroadResource(s),
  );
  const [admin] = everything;
  if (admin && statements.every((s) => s.effect === 'Allow')) {
    return riskScore([
      reason('full_admin', `${admin.label} allows every action on every resource`, {
        statement: admin.label,
        resources: resourceEvidence(admin),
      }),
    ]);
  }

  const reasons: RiskReason[] = [];
  if (admin) {
    reasons.push(
      reason('all_actions', `${admin.label} allows every action on every resource except what is denied`, {
        statement: admin.label,
        denied: denies.flatMap((d) => d.actions.map((a) => (d.isNotAction ? `not ${a}` : a))),
      }),
    );
  }
  for (const s of allows.filter((a) => a.isNotAction && isBroadResource(a))) {
    reasons.push(
      reason('not_action_allow', `${s.label} allows every action except ${s.actions.join(', ')}`, {
        statement: s.label,
        notAction: s.actions,
      }),
    );
  }

  const broadEscalation = ESCALATION_ACTIONS.filter((a) => allowing(a, true).length > 0);
  const scopedEscalation = ESCALATION_ACTIONS.filter((a) => allowing(a, false).length > 0);
  if (broadEscalation.length > 0) {
    reasons.push(
      reason('privilege_escalation', `allows ${broadEscalation.join(', ')} on every resource`, {
        actions: [...broadEscalation],
      }),
    );
  } else if (scopedEscalation.length > 0) {
    const on = allowing(scopedEscalation[0] as string, false).map(resourceEvidence);
    reasons.push({
      ...reason('privilege_escalation', `allows ${scopedEscalation.join(', ')} on ${on.join(', ')}`, {
        actions: [...scopedEscalation],
        resources: on,
      }),
      points: SCOPED_ESCALATION_POINTS,
    });
  }
  pushBroad(
    reasons,
    'pass_role_any',
    'iam:PassRole',
    allowing('iam:PassRole', true),
    'pass any role to a service',
  );
  pushBroad(
    reasons,
    'assume_role_any',
    'sts:AssumeRole',
    allowing('sts:AssumeRole', true),
    'assume any role that trusts this account',
  );

  const services = allows
    .filter((s) => !s.isNotAction)
    .flatMap((s) => s.actions.filter((a) => SERVICE_WILDCARD.test(a)))
    .map((a) => a.toLowerCase());
  if (services.length > 0) {
    const unique = [...new Set(services)].sort();
    reasons.push(
      reason('service_wildcard', `allows every action of ${unique.join(', ')}`, { actions: unique }),
    );
  }
  const dataReads = DATA_READ_ACTIONS.filter((a) => allowing(a, true).length > 0);
  if (dataReads.length > 0) {
    reasons.push(
      reason('data_read_any', `can read stored data everywhere: ${dataReads.join(', ')}`, {
        actions: [...dataReads],
      }),
    );
  }
  const partial = allows
    .filter((s) => !s.isNotAction)
    .flatMap((s) => s.actions.filter((a) => /[*?]/.test(a) && !isAllActions(a) && !SERVICE_WILDCARD.test(a)));
  if (partial.length > 0) {
    const unique = [...new Set(partial)].sort();
    const shown = unique.slice(0, 5);
    reasons.push(
      reason(
        'wildcard_action',
        `uses ${unique.length} wildcard action pattern(s) such as ${shown.join(', ')}`,
        {
          patterns: shown,
          count: unique.length,
        },
      ),
    );
  }
  const broad = allows.filter(isBroadResource);
  if (broad.length > 0) {
    reasons.push(
      reason(
        'wildcard_resource',
        `${broad.map((s) => s.label).join(', ')} allow(s) actions on every resource`,
        {
          statements: broad.map((s) => s.label),
        },
      ),
    );
  }
  return riskScore(reasons);
}

function pushBroad(
  reasons: RiskReason[],
  code: 'pass_role_any' | 'assume_role_any',
  action: string,
  allowing: NormalStatement[],
  what: string,
): void {
  const [first] = allowing;
  if (!first) return;
  reasons.push(
    reason(code, `${first.label} allows ${action} on ${resourceEvidence(first)}: can ${what}`, {
      action,
      statement: first.label,
      resources: resourceEvidence(first),
    }),
  );
}

function reason(
  code: keyof typeof RISK_POINTS,
  message: string,
  evidence: RiskReason['evidence'],
): RiskReason {
  return { code, message, evidence, points: RISK_POINTS[code] };
}
