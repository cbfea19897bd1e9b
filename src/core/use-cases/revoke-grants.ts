import { findResource } from '../catalog.js';
import { ProvisioningError } from '../errors.js';
import { retryDelaySeconds, shouldAlertRevocation, statusesBefore } from '../grant-lifecycle.js';
import { logWithIds } from '../log-with-ids.js';
import type { Grant } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { type AccessChange, changeInSlot, changesInOneSlot } from './access-change-slots.js';
import { afterCommit } from './after-commit.js';
import { postAudit } from './post-audit.js';
import { CLAIM_LEASE_SECONDS, SWEEP_BATCH } from './provision-grants.js';
import { activityDueAt } from './summarize-activity.js';
import { workThrough } from './work-through.js';

/**
 * Moves expired grants to `revoking` and removes their access in AWS. A revocation is never
 * abandoned: failures retry with backoff and alert the admins until they succeed.
 */
export async function revokeGrants(
  deps: LatchDeps,
  options: { onlyId?: string; limit?: number } = {},
): Promise<Grant[]> {
  // As for provisioning: `onlyId` is claimed once there is room, a sweep's grants one slot each.
  if (options.onlyId) {
    return changesInOneSlot(() => revokeDue(deps, options, (grant) => revokeOne(deps, grant)));
  }
  const revoked = await revokeDue(deps, options, (grant) => changeInSlot(() => revokeOne(deps, grant)));
  return revoked.filter((grant) => grant !== undefined);
}

async function revokeDue<R>(
  deps: LatchDeps,
  options: { onlyId?: string; limit?: number },
  work: (grant: Grant) => Promise<R>,
): Promise<R[]> {
  const batchSize = options.limit ?? SWEEP_BATCH.batchSize;
  const claim = async () => {
    if (!options.onlyId) await markExpired(deps, batchSize);
    const now = deps.clock.now();
    const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_SECONDS * 1000);
    return deps.store.claimGrantsToRevoke(now, leaseUntil, batchSize, options.onlyId);
  };
  return workThrough(claim, work, { ...SWEEP_BATCH, batchSize });
}

/** Moves grants past `expires_at` to `revoking`, audited, so they are never dropped from the queue. */
async function markExpired(deps: LatchDeps, limit: number): Promise<void> {
  const now = deps.clock.now();
  const expired = await deps.store.transaction(async (tx) => {
    const grants = await tx.claimExpiredGrants(now, limit);
    for (const grant of grants) {
      await tx.appendAudit({
        at: now,
        actor: 'latch',
        action: 'grant.revoking',
        requestId: grant.requestId,
        grantId: grant.id,
        detail: { reason: 'expired' },
      });
    }
    return grants;
  });
  for (const grant of expired) {
    const ids = { requestId: grant.requestId, grantId: grant.id };
    logWithIds(deps.log, ids).info({ reason: 'expired' }, 'grant revoking');
  }
}

async function revokeOne(deps: LatchDeps, grant: Grant): Promise<AccessChange> {
  const { store, clock } = deps;
  const log = logWithIds(deps.log, { requestId: grant.requestId, grantId: grant.id });
  // A resource that left the policy or the catalog still has its access removed, as last recorded.
  const resource =
    findResource(deps.policy, grant.resourceId) ?? (await store.getRecordedResource(grant.resourceId));
  const startedAt = clock.now();
  try {
    if (!resource)
      throw new Error(`resource ${grant.resourceId} was never recorded; remove the access by hand`);
    // Another live grant of the same access keeps it in AWS (two grants must not revoke each other).
    const overlapping = await store.countOverlappingGrants(grant);
    if (overlapping === 0 && grant.principalId) {
      await deps.provisioner.revoke(resource, grant.principalId, grant.awsRef);
      // A grant of the same access approved meanwhile may have been applied in AWS just before this
      // removal (its commit still to come): give the access back rather than take it from that grant.
      if (await store.countOverlappingGrants(grant, { provisioning: true })) {
        const pin = await store.getIdentityPin(grant.requesterId);
        await deps.provisioner.grant(resource, pin?.awsEmail ?? grant.requesterEmail);
        log.warn({ resourceId: resource.id }, 'access given back: another grant of it began meanwhile');
      }
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const soon = error instanceof ProvisioningError ? error.retryAfterSeconds : undefined;
    const delaySeconds = soon ?? retryDelaySeconds(grant.attempts, 0.5 + Math.random() / 2);
    const nextAttemptAt = new Date(clock.now().getTime() + delaySeconds * 1000);
    await store.updateGrant(grant.id, { nextAttemptAt, lastError: reason });
    log.error({ err: error, attempts: grant.attempts }, 'revocation attempt failed; will retry');
    deps.telemetry?.accessChangeFailed({ change: 'revoke', kind: resource?.kind ?? 'unknown' });
    if (!shouldAlertRevocation(grant.attempts)) return {};
    const announce = async () => {
      await afterCommit(log, 'alert admins stuck revocation', () =>
        deps.notifier.alertAdmins(
          `Revoking grant ${grant.id} (${grant.resourceId} for <@${grant.requesterId}>) failed ${grant.attempts} time(s): ${reason}. Latch keeps retrying.`,
        ),
      );
      if (resource) {
        await postAudit(deps, {
          action: 'grant.revoke_failing',
          actor: 'latch',
          resource,
          requesterId: grant.requesterId,
          requestId: grant.requestId,
          grantId: grant.id,
          text: `${grant.attempts} failed attempts: ${reason}`,
        });
      }
    };
    return { announce };
  }

  const revokedAt = clock.now();
  const seconds = (revokedAt.getTime() - startedAt.getTime()) / 1000;
  deps.telemetry?.accessChanged({ change: 'revoke', kind: resource?.kind ?? 'unknown', seconds });
  const committed = await store.moveGrant(
    grant.id,
    statusesBefore('revoked'),
    {
      status: 'revoked',
      revokedAt,
      lastError: undefined,
      ...(grant.principalId && grant.provisionedAt ? { activityDueAt: activityDueAt(revokedAt) } : {}),
    },
    {
      at: revokedAt,
      actor: 'latch',
      action: 'grant.revoked',
      requestId: grant.requestId,
      grantId: grant.id,
      detail: { reason: grant.revokeReason ?? 'expired' },
    },
  );
  if (!committed) return {};
  log.info(
    { resourceId: grant.resourceId, reason: grant.revokeReason ?? 'expired', seconds },
    'grant revoked',
  );
  if (!resource) return {};
  const ended: Grant = { ...grant, status: 'revoked', revokedAt };
  const announce = async () => {
    await afterCommit(log, 'tell requester grant ended', () =>
      deps.notifier.tellRequester(grant.requesterId, { kind: 'grant_ended', grant: ended, resource }),
    );
    await postAudit(deps, {
      action: 'grant.revoked',
      actor: 'latch',
      resource,
      requesterId: grant.requesterId,
      requestId: grant.requestId,
      grantId: grant.id,
    });
  };
  return { grant: ended, announce };
}
