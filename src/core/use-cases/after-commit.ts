import type { Logger } from '../ports.js';

/**
 * Runs a side effect that follows a committed state change (a Slack message, an alert).
 * The change stands whatever happens here, so a failure is logged, never thrown.
 */
export async function afterCommit(log: Logger, what: string, effect: () => Promise<unknown>): Promise<void> {
  try {
    await effect();
  } catch (error) {
    log.error({ err: error, what }, 'side effect after commit failed');
  }
}
