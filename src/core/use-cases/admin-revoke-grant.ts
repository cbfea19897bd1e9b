import { LatchError } from '../errors.js';
import { canMoveGrant } from '../grant-lifecycle.js';
import { isPlausibleId, normalizeId } from '../ids.js';
import { logWithIds } from '../log-with-ids.js';
import type { Grant } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { checkTypedText } from '../typed-text.js';
import { auditRefusal } from './audit-refusal.js';
import { requireAdmin } from './require-admin.js';
import { revokeGrants } from './revoke-grants.js';

export const MAX_REVOKE_REASON_LENGTH = 500;

/** An admin ends anyone's grant now, with a reason the grantee is told. Admins are re-checked against the policy. */
export async function adminRevokeGrant(
  deps: LatchDeps,
  input: { grantId: string; adminId: string; reason: string },
): Promise<Grant> {
  const admin = await requireAdmin(deps, input.adminId, 'admin revoke');
  const grantId = normalizeId(input.grantId);
  if (!isPlausibleId(grantId)) throw new LatchError('unknown_grant', { grantId });
  const note = input.reason.trim();
  checkTypedText('reason', note, MAX_REVOKE_REASON_LENGTH);
  const now = deps.clock.now();
  // Stored as `admin <slack id>: <note>`; the requester notice turns it back into words.
  const revokeReason = `admin ${admin.slackUserId}: ${note}`;
  const result = await deps.store.transaction(async (tx) => {
    const current = await tx.getGrant(grantId, { forUpdate: true });
    if (!current) throw new LatchError('unknown_grant', { grantId });
    if (!canMoveGrant(current.status, 'revoking')) {
      const actor = admin.slackUserId;
      await auditRefusal(tx, now, { actor, attempted: 'admin revoke', reason: 'grant_not_active', grantId });
      return new LatchError('grant_not_active', { grantId, status: current.status });
    }
    await tx.updateGrant(grantId, { status: 'revoking', nextAttemptAt: now, revokeReason });
    await tx.appendAudit({
      at: now,
      actor: admin.slackUserId,
      action: 'grant.revoking',
      requestId: current.requestId,
      grantId,
      detail: { reason: 'admin', note },
    });
    return { ...current, status: 'revoking' as const, revokeReason };
  });
  if (result instanceof LatchError) throw result;
  const grant = result;
  logWithIds(deps.log, { requestId: grant.requestId, grantId }).info(
    { reason: 'admin', by: admin.slackUserId },
    'grant revoking',
  );
  const [revoked] = await revokeGrants(deps, { onlyId: grantId });
  return revoked ?? grant;
}
