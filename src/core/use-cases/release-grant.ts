import { LatchError } from '../errors.js';
import { canMoveGrant } from '../grant-lifecycle.js';
import { isPlausibleId, normalizeId } from '../ids.js';
import { logWithIds } from '../log-with-ids.js';
import type { Grant } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { auditRefusal } from './audit-refusal.js';
import { revokeGrants } from './revoke-grants.js';

/** The grantee ends their own grant now; revocation then runs as at expiry. Refusals are audited. */
export async function releaseGrant(
  deps: LatchDeps,
  input: { grantId: string; requesterId: string },
): Promise<Grant> {
  const grantId = normalizeId(input.grantId);
  if (!isPlausibleId(grantId)) throw new LatchError('unknown_grant', { grantId });
  const now = deps.clock.now();
  const result = await deps.store.transaction(async (tx) => {
    const current = await tx.getGrant(grantId, { forUpdate: true });
    if (!current) throw new LatchError('unknown_grant', { grantId });
    const refusal =
      current.requesterId !== input.requesterId
        ? new LatchError('not_your_grant', { grantId })
        : !canMoveGrant(current.status, 'revoking')
          ? new LatchError('grant_not_active', { grantId, status: current.status })
          : undefined;
    if (refusal) {
      const actor = input.requesterId;
      await auditRefusal(tx, now, { actor, attempted: 'release', reason: refusal.code, grantId });
      return refusal;
    }
    await tx.updateGrant(grantId, { status: 'revoking', nextAttemptAt: now, revokeReason: 'released' });
    await tx.appendAudit({
      at: now,
      actor: input.requesterId,
      action: 'grant.revoking',
      requestId: current.requestId,
      grantId,
      detail: { reason: 'released' },
    });
    return { ...current, status: 'revoking' as const, revokeReason: 'released' };
  });
  if (result instanceof LatchError) throw result;
  const grant = result;
  logWithIds(deps.log, { requestId: grant.requestId, grantId }).info(
    { reason: 'released' },
    'grant revoking',
  );
  const [revoked] = await revokeGrants(deps, { onlyId: grantId });
  return revoked ?? grant;
}
