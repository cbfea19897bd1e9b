import { logWithIds } from '../log-with-ids.js';
import type { AuditNotice, LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';

/**
 * Posts an audit line to the audit channel, threaded under the request's first post so the
 * channel reads one line per request. A committed change stands even if the post fails.
 */
export async function postAudit(deps: LatchDeps, notice: AuditNotice): Promise<void> {
  const ids = { requestId: notice.requestId, ...(notice.grantId ? { grantId: notice.grantId } : {}) };
  await afterCommit(logWithIds(deps.log, ids), `audit post ${notice.action}`, async () => {
    const threadTs = await deps.store.auditThread(notice.requestId);
    const ts = await deps.notifier.postAudit(notice, threadTs);
    if (!threadTs && ts) await deps.store.setAuditThread(notice.requestId, ts);
  });
}
