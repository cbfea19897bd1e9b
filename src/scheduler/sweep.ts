import type { LatchDeps } from '../core/ports.js';
import { expireStaleRequests } from '../core/use-cases/expire-stale-requests.js';
import { provisionGrants } from '../core/use-cases/provision-grants.js';
import { refreshResources } from '../core/use-cases/refresh-resources.js';
import { remindPendingRequests } from '../core/use-cases/remind-pending-requests.js';
import { revokeGrants } from '../core/use-cases/revoke-grants.js';
import { summarizeActivity } from '../core/use-cases/summarize-activity.js';
import { warnBeforeExpiry } from '../core/use-cases/warn-before-expiry.js';

const JOBS = [
  ['refresh resources', refreshResources],
  ['expire stale requests', expireStaleRequests],
  ['remind and escalate pending requests', remindPendingRequests],
  ['provision grants', provisionGrants],
  ['warn before expiry', warnBeforeExpiry],
  ['revoke grants', revokeGrants],
  ['summarize ended grants’ activity', summarizeActivity],
] as const;

/**
 * One pass over all due work, found in the database (the scheduler keeps no state).
 * A failing job is logged and the others still run: one failure never stops the sweep.
 */
export async function sweep(
  deps: LatchDeps,
  observe: (job: string, seconds: number, failed: boolean) => void = () => {},
): Promise<void> {
  for (const [name, job] of JOBS) {
    const started = performance.now();
    let failed = false;
    try {
      await job(deps);
    } catch (error) {
      failed = true;
      deps.log.error({ err: error, job: name }, 'sweep job failed');
    }
    observe(name, (performance.now() - started) / 1000, failed);
  }
}
