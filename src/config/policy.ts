import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import type { ApprovalStep, Policy, Resource, Tier } from '../core/model.js';
import { DEFAULT_TIERS, DEFAULT_WARN_BEFORE_SECONDS, UNCLASSIFIED_TIER } from '../core/tiers.js';
import { ConfigError, keyPath } from './config-error.js';

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const personRef = z
  .string()
  .trim()
  .refine((ref) => SLACK_USER_ID.test(ref) || EMAIL.test(ref), {
    error: (issue) => `"${String(issue.input)}" is neither an email nor a Slack user id (U…)`,
  })
  .transform((ref) => (ref.includes('@') ? ref.toLowerCase() : ref));

function duration(options: { allowZero?: boolean; minSeconds?: number } = {}) {
  return z.string({ error: 'must be a duration such as 90s, 30m, 2h or 1d' }).transform((text, ctx) => {
    if (options.allowZero && /^0[smhd]$/.test(text.trim())) return 0;
    const seconds = parseDuration(text);
    if (seconds === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration; write 90s, 30m, 2h or 1d` });
      return z.NEVER;
    }
    if (options.minSeconds !== undefined && seconds < options.minSeconds) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is shorter than the least allowed, ${options.minSeconds}s`,
      });
      return z.NEVER;
    }
    return seconds;
  });
}

const step = z.union(
  [
    z.enum(['manager', 'owner']).transform((kind): ApprovalStep => ({ kind, count: 1 })),
    z
      .object({ group: z.string().min(1), count: z.number().int().min(1).default(1) })
      .strict()
      .transform((value): ApprovalStep => ({ kind: 'group', group: value.group, count: value.count })),
  ],
  { error: 'a step is manager, owner or { group: NAME, count: N }' },
);

const tierSchema = z
  .object({
    steps: z.array(step).optional(),
    min_duration: duration({ minSeconds: 10 }).optional(),
    max_duration: duration().optional(),
    approval_validity: duration({ allowZero: true }).optional(),
    warn_before: duration().optional(),
    break_glass: z.boolean().optional(),
    break_glass_duration: duration().optional(),
  })
  .strict();

/** Resource ids and tier names: short enough for Slack's option values, typeable in a command. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const NAME_RULE = 'must be lower-case letters, digits, dot, dash or underscore (at most 63)';

const resourceSchema = z
  .object({
    id: z.string().trim().regex(NAME, NAME_RULE),
    name: z.string().trim().min(1).optional(),
    kind: z.enum(['sso_permission_set', 'sso_group', 'iam_group']),
    account_id: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id, quoted')
      .optional(),
    permission_set_arn: z.string().startsWith('arn:').optional(),
    group_name: z.string().min(1).optional(),
    group_id: z.string().min(1).optional(),
    tier: z.string().trim().min(1),
    owners: z.array(personRef).default([]),
    enforce: z.boolean().default(false),
  })
  .strict()
  .superRefine((resource, ctx) => {
    const needs: Record<string, string[]> = {
      sso_permission_set: ['account_id', 'permission_set_arn'],
      iam_group: ['account_id', 'group_name'],
      sso_group: ['group_id'],
    };
    for (const key of needs[resource.kind] ?? []) {
      if (resource[key as keyof typeof resource] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `is required for kind ${resource.kind}` });
      }
    }
  });

const policySchema = z
  .object({
    admins: z.array(personRef).min(1, 'needs at least one admin'),
    audit_channel: z
      .string()
      .regex(/^[CG][A-Z0-9]+$/, 'must be a Slack channel id such as C0123AUDIT')
      .optional(),
    allowed_email_domains: z.array(z.string().trim().toLowerCase().min(1)).optional(),
    warn_before: duration().optional(),
    request_ttl: duration().optional(),
    remind_after: duration().optional(),
    escalate_after: duration().optional(),
    /** When to post the weekly standing-access digest (node-cron); `LATCH_INSIGHTS_DIGEST_CRON` wins. */
    insights_digest: z
      .string()
      .trim()
      .refine((value) => value === 'off' || isValidCron(value), {
        message: 'is not a valid cron expression (or "off")',
      })
      .optional(),
    aws: z
      .object({
        region: z.string().min(1).optional(),
        identity_center: z
          .object({
            instance_arn: z.string().startsWith('arn:').optional(),
            identity_store_id: z.string().min(1).optional(),
          })
          .strict()
          .optional(),
        cross_account_role: z.string().min(1).optional(),
        external_id: z.string().min(1).optional(),
        /** Opt-in: admins may deactivate idle access keys and remove unused console passwords from Slack. */
        apply_credential_changes: z.boolean().default(false),
      })
      .strict()
      .default({ apply_credential_changes: false }),
    tiers: z.record(z.string().regex(NAME, `tier names ${NAME_RULE}`), tierSchema).default({}),
    approvers: z
      .object({
        managers: z.record(personRef, personRef).default({}),
        groups: z.record(z.string(), z.array(personRef)).default({}),
        fallback: z.union([z.literal('admins'), z.array(personRef)]).default('admins'),
      })
      .strict()
      .default({ managers: {}, groups: {}, fallback: 'admins' }),
    resources: z.array(resourceSchema).default([]),
  })
  .strict();

export type PolicyFile = z.output<typeof policySchema>;

export interface LoadedPolicy {
  policy: Policy;
  aws: PolicyFile['aws'];
  /** The policy file's `insights_digest` cron, if it sets one. */
  insightsDigest?: string;
}

/** Parsed YAML → Policy. A problem throws a ConfigError naming its key path. */
export function parsePolicy(raw: unknown): LoadedPolicy {
  const parsed = policySchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `${keyPath(issue?.path ?? []) || '(top level)'}: ${issue?.message ?? 'is invalid'}`,
    );
  }
  const file = parsed.data;
  const warnBefore = file.warn_before ?? DEFAULT_WARN_BEFORE_SECONDS;
  const tiers = mergeTiers(file, warnBefore);
  checkReferences(file, tiers);
  return {
    aws: file.aws,
    ...(file.insights_digest ? { insightsDigest: file.insights_digest } : {}),
    policy: {
      admins: file.admins,
      ...(file.audit_channel ? { auditChannel: file.audit_channel } : {}),
      ...(file.allowed_email_domains ? { allowedEmailDomains: file.allowed_email_domains } : {}),
      requestTtlSeconds: file.request_ttl ?? 86_400,
      remindAfterSeconds: file.remind_after ?? 3600,
      escalateAfterSeconds: file.escalate_after ?? 4 * 3600,
      tiers,
      approvers: {
        managers: file.approvers.managers,
        groups: file.approvers.groups,
        fallback: file.approvers.fallback === 'admins' ? file.admins : file.approvers.fallback,
      },
      resources: file.resources.map(
        (r): Resource => ({
          id: r.id,
          name: r.name ?? r.id,
          kind: r.kind,
          tier: r.tier,
          owners: r.owners,
          enforce: r.enforce,
          ...(r.account_id ? { accountId: r.account_id } : {}),
          ...(r.permission_set_arn ? { permissionSetArn: r.permission_set_arn } : {}),
          ...(r.group_name ? { groupName: r.group_name } : {}),
          ...(r.group_id ? { groupId: r.group_id } : {}),
        }),
      ),
    },
  };
}

function mergeTiers(file: PolicyFile, warnBefore: number): Record<string, Tier> {
  const tiers: Record<string, Tier> = {};
  for (const [name, base] of Object.entries(DEFAULT_TIERS))
    tiers[name] = { name, ...base, warnBeforeSeconds: warnBefore };
  for (const [name, given] of Object.entries(file.tiers)) {
    const path = `tiers.${name}`;
    if (name === UNCLASSIFIED_TIER)
      throw new ConfigError(`${path}: "${UNCLASSIFIED_TIER}" is reserved for resources with no tier`);
    const base = tiers[name];
    if (!base && (given.steps === undefined || given.max_duration === undefined)) {
      throw new ConfigError(`${path}: a new tier needs steps and max_duration`);
    }
    const merged: Tier = {
      name,
      steps: given.steps ?? base?.steps ?? [],
      minDurationSeconds: given.min_duration ?? base?.minDurationSeconds ?? 300,
      maxDurationSeconds: given.max_duration ?? base?.maxDurationSeconds ?? 0,
      approvalValiditySeconds: given.approval_validity ?? base?.approvalValiditySeconds ?? 0,
      warnBeforeSeconds: given.warn_before ?? warnBefore,
      breakGlass: given.break_glass ?? base?.breakGlass ?? false,
      breakGlassDurationSeconds: given.break_glass_duration ?? base?.breakGlassDurationSeconds ?? 3600,
    };
    if (merged.minDurationSeconds > merged.maxDurationSeconds) {
      throw new ConfigError(`${path}.min_duration: is longer than max_duration`);
    }
    tiers[name] = merged;
  }
  return tiers;
}

function checkReferences(file: PolicyFile, tiers: Record<string, Tier>): void {
  const seen = new Set<string>();
  file.resources.forEach((resource, index) => {
    if (seen.has(resource.id))
      throw new ConfigError(`resources[${index}].id: "${resource.id}" is listed twice`);
    seen.add(resource.id);
    if (!tiers[resource.tier])
      throw new ConfigError(`resources[${index}].tier: unknown tier "${resource.tier}"`);
  });
  // Only tiers the file writes out: a default tier's missing group falls back to approvers.fallback.
  for (const name of Object.keys(file.tiers)) {
    tiers[name]?.steps.forEach((s, index) => {
      if (s.kind === 'group' && !file.approvers.groups[s.group]) {
        throw new ConfigError(
          `tiers.${name}.steps[${index}]: unknown approver group "${s.group}" (add it under approvers.groups)`,
        );
      }
    });
  }
}
