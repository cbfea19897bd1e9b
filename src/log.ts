import { AsyncLocalStorage } from 'node:async_hooks';
import { type Logger as PinoLogger, pino } from 'pino';

/** Paths whose values never reach a log line (tokens, secrets, credentials). */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  'appToken',
  'signingSecret',
  '*.signingSecret',
  // Env's names, should a whole Env be logged.
  'slackBotToken',
  '*.slackBotToken',
  'slackAppToken',
  '*.slackAppToken',
  'slackSigningSecret',
  '*.slackSigningSecret',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-slack-signature"]',
  'credentials',
  '*.credentials',
  'SecretAccessKey',
  '*.SecretAccessKey',
  'SessionToken',
  '*.SessionToken',
  // The SDK's own credential objects (`{ accessKeyId, secretAccessKey, sessionToken }`).
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
  'external_id',
  'externalId',
];

const logFields = new AsyncLocalStorage<Record<string, unknown>>();

/**
 * Runs `work` so that every line any logger writes inside it, however deep and after however many
 * awaits, carries `fields` (a Slack request's id reaches the use cases' lines without being passed).
 */
export function withLogFields<T>(fields: Record<string, unknown>, work: () => T): T {
  return logFields.run({ ...logFields.getStore(), ...fields }, work);
}

export function createLogger(level: string, destination?: pino.DestinationStream): PinoLogger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'latch' },
      // A copy: pino merges each line's fields into the object mixin returns.
      mixin: () => ({ ...logFields.getStore() }),
    },
    destination,
  );
}

export type { PinoLogger };
