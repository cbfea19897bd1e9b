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

/**
 * Node's process warnings (a deprecation; the AWS SDK's notice, on Node 20, that its 2027 releases
 * need Node 22) as log lines. Node prints each as several lines of text on stderr, which a JSON log
 * pipeline cannot parse. For the long-running bot only: its sole `warning` listener is Node's printer.
 */
export function logProcessWarnings(log: PinoLogger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error & { code?: string }) => {
    log.warn(
      {
        warning: {
          name: warning.name,
          message: warning.message,
          ...(warning.code ? { code: warning.code } : {}),
        },
      },
      'Node warning',
    );
  });
}

export type { PinoLogger };
