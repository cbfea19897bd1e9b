import { type Logger, LogLevel } from '@slack/bolt';
import type { PinoLogger } from '../log.js';

/** One line of text from the parts Bolt logs (strings, errors, objects). */
export function boltLogText(parts: unknown[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
    .join(' ');
}

/** Bolt's Logger interface over a pino child, so Bolt's own lines share our format and redaction. */
export function boltLogger(log: PinoLogger): Logger {
  const child = log.child({ subsystem: 'bolt' });
  return {
    debug: (...msg) => child.debug(boltLogText(msg)),
    info: (...msg) => child.info(boltLogText(msg)),
    warn: (...msg) => child.warn(boltLogText(msg)),
    error: (...msg) => child.error(boltLogText(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
