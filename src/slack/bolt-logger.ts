import { type Logger, LogLevel } from '@slack/bolt';
import type { PinoLogger } from '../log.js';

/** Bolt's Logger interface over a pino child, so Bolt's own lines share our format and redaction. */
export function boltLogger(log: PinoLogger): Logger {
  const child = log.child({ subsystem: 'bolt' });
  const text = (parts: unknown[]) =>
    parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    debug: (...msg) => child.debug(text(msg)),
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
