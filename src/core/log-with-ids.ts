import type { Logger } from './ports.js';

/** The request and grant a log line is about; every lifecycle line carries them so one id finds its story. */
export interface LifecycleIds {
  requestId?: string;
  grantId?: string;
}

/** A Logger that adds `ids` to every line it writes. */
export function logWithIds(log: Logger, ids: LifecycleIds): Logger {
  return {
    info: (detail, message) => log.info({ ...ids, ...detail }, message),
    warn: (detail, message) => log.warn({ ...ids, ...detail }, message),
    error: (detail, message) => log.error({ ...ids, ...detail }, message),
  };
}
