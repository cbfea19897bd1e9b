import { type Logger as PinoLogger, pino } from 'pino';

/** Paths whose values never reach a log line (tokens, secrets, credentials). */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'botToken',
  'appToken',
  'signingSecret',
  '*.signingSecret',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-slack-signature"]',
  'credentials',
  '*.credentials',
  'SecretAccessKey',
  '*.SecretAccessKey',
  'SessionToken',
  '*.SessionToken',
  'external_id',
  'externalId',
];

export function createLogger(level: string, destination?: pino.DestinationStream): PinoLogger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'latch' } },
    destination,
  );
}

export type { PinoLogger };
