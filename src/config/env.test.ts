import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONCILE_CRON, DEFAULT_SWEEP_CRON, DEFAULT_SYNC_CRON, readEnv } from './env.js';

const http = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };

describe('readEnv', () => {
  it('applies the contract defaults', () => {
    expect(readEnv(http)).toEqual({
      slackBotToken: 'xoxb-1',
      slackSigningSecret: 'secret',
      slackApiUrl: 'https://slack.com/api/',
      port: 3000,
      dataDir: './data',
      policyFile: './latch.policy.yml',
      sweepCron: DEFAULT_SWEEP_CRON,
      syncCron: DEFAULT_SYNC_CRON,
      reconcileCron: DEFAULT_RECONCILE_CRON,
      logLevel: 'info',
      ackThread: false,
    });
  });

  it('adds the slash the Web API base needs', () => {
    expect(readEnv({ ...http, SLACK_API_URL: 'http://127.0.0.1:4600/api' }).slackApiUrl).toBe(
      'http://127.0.0.1:4600/api/',
    );
  });

  it('needs no signing secret in Socket Mode', () => {
    expect(readEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slackAppToken).toBe('xapp-1');
  });

  it.each([
    [{}, /^SLACK_BOT_TOKEN is required/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /^SLACK_SIGNING_SECRET is required in HTTP mode/],
    [{ ...http, PORT: 'eighty' }, /^PORT must be a port number/],
    [{ ...http, LATCH_SWEEP_CRON: 'every minute' }, /^LATCH_SWEEP_CRON is not a valid cron expression/],
    [{ ...http, LATCH_SYNC_CRON: 'hourly' }, /^LATCH_SYNC_CRON is not a valid cron expression \(or "off"\)/],
    [
      { ...http, LATCH_INSIGHTS_DIGEST_CRON: 'weekly' },
      /^LATCH_INSIGHTS_DIGEST_CRON is not a valid cron expression \(or "off"\)/,
    ],
    [{ ...http, DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a postgres/],
    [{ ...http, LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ ...http, SLACK_APP_TOKEN: 'xoxb-wrong' }, /^SLACK_APP_TOKEN must be an app-level token/],
    [{ ...http, LATCH_ACK_THREAD: 'yes' }, /^LATCH_ACK_THREAD must be "on" or "off"/],
    [
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', LATCH_ACK_THREAD: 'on' },
      /^LATCH_ACK_THREAD applies to HTTP mode only/,
    ],
  ])('stops with one line naming the setting for %j', (given, want) => {
    expect(() => readEnv(given)).toThrow(want);
  });
});

describe('LATCH_SYNC_CRON', () => {
  it('takes a cron expression, or off to turn the scheduled sync off', () => {
    const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    expect(readEnv({ ...base, LATCH_SYNC_CRON: 'off' }).syncCron).toBe('off');
    expect(readEnv({ ...base, LATCH_SYNC_CRON: '0 */30 * * * *' }).syncCron).toBe('0 */30 * * * *');
  });
});

describe('LATCH_ACK_THREAD', () => {
  const pg = { DATABASE_URL: 'postgres://db/latch' };
  it('answers Slack from a thread of its own with PostgreSQL in HTTP mode, unless turned off', () => {
    expect(readEnv({ ...http, ...pg }).ackThread).toBe(true);
    expect(readEnv({ ...http, ...pg, LATCH_ACK_THREAD: 'off' }).ackThread).toBe(false);
  });

  it('does not on the embedded database unless turned on, nor in Socket Mode', () => {
    expect(readEnv(http).ackThread).toBe(false);
    expect(readEnv({ ...http, LATCH_ACK_THREAD: 'on' }).ackThread).toBe(true);
    expect(readEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', ...pg }).ackThread).toBe(false);
  });
});
