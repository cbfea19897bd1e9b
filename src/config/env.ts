import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';
import { ConfigError, firstIssue } from './config-error.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const DEFAULT_SWEEP_CRON = '*/15 * * * * *';
/** Catalog sync: hourly, on the hour. */
export const DEFAULT_SYNC_CRON = '0 0 * * * *';
/** Drift reconciliation: every 10 minutes. */
export const DEFAULT_RECONCILE_CRON = '0 */10 * * * *';
const SLACK_API_DEFAULT = 'https://slack.com/api/';

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const envSchema = z
  .object({
    SLACK_BOT_TOKEN: z
      .string({ error: 'is required: the bot token (xoxb-…) from your Slack app' })
      .trim()
      .min(1, 'is required: the bot token (xoxb-…) from your Slack app'),
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText.refine((value) => value === undefined || value.startsWith('xapp-'), {
      message: 'must be an app-level token starting with xapp-',
    }),
    SLACK_API_URL: optionalText.refine((value) => value === undefined || URL.canParse(value), {
      message: 'must be a URL such as https://slack.com/api/',
    }),
    PORT: optionalText
      .transform((value) => Number(value ?? 3000))
      .refine((port) => Number.isInteger(port) && port >= 0 && port <= 65535, {
        message: 'must be a port number',
      }),
    DATABASE_URL: optionalText.refine((value) => value === undefined || /^postgres(ql)?:\/\//.test(value), {
      message: 'must be a postgres:// or postgresql:// URL',
    }),
    DATA_DIR: optionalText.transform((value) => value ?? './data'),
    LATCH_POLICY_FILE: optionalText.transform((value) => value ?? './latch.policy.yml'),
    LATCH_SWEEP_CRON: optionalText
      .transform((value) => value ?? DEFAULT_SWEEP_CRON)
      .refine((value) => isValidCron(value), { message: 'is not a valid cron expression' }),
    LATCH_SYNC_CRON: optionalText
      .transform((value) => value ?? DEFAULT_SYNC_CRON)
      .refine((value) => value === 'off' || isValidCron(value), {
        message: 'is not a valid cron expression (or "off")',
      }),
    LATCH_RECONCILE_CRON: optionalText
      .transform((value) => value ?? DEFAULT_RECONCILE_CRON)
      .refine((value) => value === 'off' || isValidCron(value), {
        message: 'is not a valid cron expression (or "off")',
      }),
    // Unset leaves the choice to the policy file's `insights_digest` (off when neither says).
    LATCH_INSIGHTS_DIGEST_CRON: optionalText.refine(
      (value) => value === undefined || value === 'off' || isValidCron(value),
      {
        message: 'is not a valid cron expression (or "off")',
      },
    ),
    LATCH_ACK_THREAD: optionalText.refine(
      (value) => value === undefined || value === 'on' || value === 'off',
      {
        message: 'must be "on" or "off" (unset: on with DATABASE_URL in HTTP mode)',
      },
    ),
    LOG_LEVEL: optionalText
      .transform((value) => value ?? 'info')
      .refine((value) => (LOG_LEVELS as readonly string[]).includes(value), {
        message: `must be one of ${LOG_LEVELS.join(', ')}`,
      }),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_APP_TOKEN && env.LATCH_ACK_THREAD === 'on') {
      ctx.addIssue({
        code: 'custom',
        path: ['LATCH_ACK_THREAD'],
        message:
          'applies to HTTP mode only; in Socket Mode Latch answers over the socket (unset it, or unset SLACK_APP_TOKEN)',
      });
    }
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
      });
    }
  });

export interface Env {
  slackBotToken: string;
  slackSigningSecret?: string;
  slackAppToken?: string;
  slackApiUrl: string;
  port: number;
  databaseUrl?: string;
  dataDir: string;
  policyFile: string;
  sweepCron: string;
  /** `off` turns the scheduled catalog sync off. */
  syncCron: string;
  /** `off` turns drift reconciliation off. */
  reconcileCron: string;
  /** The weekly standing-access digest's cron, when set here; otherwise the policy file decides. */
  insightsDigestCron?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** HTTP mode: whether a thread of its own answers Slack's requests (`src/slack/front/front-thread.ts`). */
  ackThread: boolean;
}

/** process.env → Env; throws a ConfigError whose message is one line naming the setting. */
export function readEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const { path, message } = firstIssue(parsed.error);
    throw new ConfigError(`${path.join('.')} ${message}`);
  }
  const env = parsed.data;
  return {
    slackBotToken: env.SLACK_BOT_TOKEN,
    ...(env.SLACK_SIGNING_SECRET ? { slackSigningSecret: env.SLACK_SIGNING_SECRET } : {}),
    ...(env.SLACK_APP_TOKEN ? { slackAppToken: env.SLACK_APP_TOKEN } : {}),
    slackApiUrl: withTrailingSlash(env.SLACK_API_URL ?? SLACK_API_DEFAULT),
    port: env.PORT,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: env.DATA_DIR,
    policyFile: env.LATCH_POLICY_FILE,
    sweepCron: env.LATCH_SWEEP_CRON,
    syncCron: env.LATCH_SYNC_CRON,
    reconcileCron: env.LATCH_RECONCILE_CRON,
    ...(env.LATCH_INSIGHTS_DIGEST_CRON ? { insightsDigestCron: env.LATCH_INSIGHTS_DIGEST_CRON } : {}),
    logLevel: env.LOG_LEVEL as Env['logLevel'],
    ackThread: env.SLACK_APP_TOKEN
      ? false
      : env.LATCH_ACK_THREAD
        ? env.LATCH_ACK_THREAD === 'on'
        : env.DATABASE_URL !== undefined,
  };
}

// WebClient appends method names to the base, so `…/api` must become `…/api/`.
function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
