import { findResource, tierOf } from '../catalog.js';
import { ProvisioningError } from '../errors.js';
import {
  canMoveGrant,
  MAX_PROVISION_ATTEMPTS,
  retryDelaySeconds,
  statusesBefore,
} from '../grant-lifecycle.js';
import { logWithIds } from '../log-with-ids.js';
import type { Grant } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { whomToMatch } from '../whom-to-match.js';
import { type AccessChange, changeInSlot, changesInOneSlot } from './access-change-slots.js';
import { afterCommit } from './after-commit.js';
import { postAudit } from './post-audit.js';
import { type WorkThroughOptions, workThrough } from './work-through.js';

/** How long a claimed grant stays ours before another replica may retry it (a crash's worst case). */
export const CLAIM_LEASE_SECONDS = 120;

/**
 * How a sweep works through many grants due at once: enough in flight to keep AWS at its rate
 * (the shared call limits pace them), batches small enough to finish well inside the claim lease,
 * and a budget so revocations and provisioning each leave room for the rest of the sweep.
 */
export const SWEEP_BATCH: WorkThroughOptions = { batchSize: 100, concurrency: 10, budgetMs: 10_000 };

/**
 * Provisions grants that are due: all of them, or just `onlyId` (right after an approval).
 * Each is claimed first, so two replicas never work on the same grant; `onlyId` is claimed only once
 * this process has room for another change, so its claim never waits out its lease in a queue.
 * `announceAfter`: news of `onlyId` waits for it (the approval's own announcement).
 */
export async function provisionGrants(
  deps: LatchDeps,
  options: { onlyId?: string; limit?: number; announceAfter?: Promise<unknown> } = {},
): Promise<Grant[]> {
  if (options.onlyId) {
    return changesInOneSlot(
      () => provisionDue(deps, options, (grant) => provisionOne(deps, grant)),
      options.announceAfter,
    );
  }
  const done = await provisionDue(deps, options, (grant) => changeInSlot(() => provisionOne(deps, grant)));
  return done.filter((grant) => grant !== undefined);
}

async function provisionDue<R>(
  deps: LatchDeps,
  options: { onlyId?: string; limit?: number },
  work: (grant: Grant) => Promise<R>,
): Promise<R[]> {
  const batchSize = options.limit ?? SWEEP_BATCH.batchSize;
  const claim = () => {
    const now = deps.clock.now();
    const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_SECONDS * 1000);
    return deps.store.claimGrantsToProvision(now, leaseUntil, batchSize, options.onlyId);
  };
  return workThrough(claim, work, { ...SWEEP_BATCH, batchSize });
}

async function provisionOne(deps: LatchDeps, grant: Grant): Promise<AccessChange> {
  const { store, clock } = deps;
  const log = logWithIds(deps.log, { requestId: grant.requestId, grantId: grant.id });
  const resource = findResource(deps.policy, grant.resourceId);
  const tier = resource && tierOf(deps.policy, resource);
  if (!resource || !tier) {
    return { announce: () => fail(deps, grant, `resource ${grant.resourceId} is no longer requestable`) };
  }

  let principalId: string;
  let awsRef: string | undefined;
  const startedAt = clock.now();
  try {
    const { email, matchedId } = whomToMatch(grant, await store.awsIdentityOf(grant));
    ({ principalId, ref: awsRef } = await deps.provisioner.grant(resource, email, matchedId));
  } catch (error) {
    const retriable = !(error instanceof ProvisioningError) || error.retriable;
    const reason = error instanceof Error ? error.message : String(error);
    log.warn({ err: error, attempts: grant.attempts, retriable }, 'provisioning attempt failed');
    deps.telemetry?.accessChangeFailed({ change: 'provision', kind: resource.kind });
    if (!retriable || grant.attempts >= MAX_PROVISION_ATTEMPTS)
      return { announce: () => fail(deps, grant, reason) };
    const nextAttemptAt = new Date(
      clock.now().getTime() + retryDelaySeconds(grant.attempts, 0.5 + Math.random() / 2) * 1000,
    );
    await store.updateGrant(grant.id, { nextAttemptAt, lastError: reason });
    return {};
  }

  const provisionedAt = clock.now();
  const seconds = (provisionedAt.getTime() - startedAt.getTime()) / 1000;
  deps.telemetry?.accessChanged({ change: 'provision', kind: resource.kind, seconds });
  const expiresAt = new Date(provisionedAt.getTime() + grant.durationSeconds * 1000);
  const warnAt = new Date(expiresAt.getTime() - tier.warnBeforeSeconds * 1000);
  const active: Grant = { ...grant, status: 'active', principalId, awsRef, provisionedAt, expiresAt, warnAt };
  const committed = await store.moveGrant(
    grant.id,
    statusesBefore('active'),
    { status: 'active', principalId, awsRef, provisionedAt, expiresAt, warnAt, lastError: undefined },
    {
      at: provisionedAt,
      actor: 'latch',
      action: 'grant.active',
      requestId: grant.requestId,
      grantId: grant.id,
      detail: { principalId, expiresAt: expiresAt.toISOString() },
    },
  );
  if (!committed) return {};
  log.info(
    { resourceId: resource.id, principalId, expiresAt: expiresAt.toISOString(), seconds },
    'grant active',
  );
  const announce = async () => {
    await afterCommit(log, 'tell requester grant active', () =>
      deps.notifier.tellRequester(grant.requesterId, { kind: 'grant_active', grant: active, resource }),
    );
    await postAudit(deps, {
      action: 'grant.active',
      actor: 'latch',
      resource,
      requesterId: grant.requesterId,
      requestId: grant.requestId,
      grantId: grant.id,
    });
  };
  return { grant: active, announce };
}

async function fail(deps: LatchDeps, grant: Grant, reason: string): Promise<undefined> {
  const now = deps.clock.now();
  const log = logWithIds(deps.log, { requestId: grant.requestId, grantId: grant.id });
  const committed = await deps.store.transaction(async (tx) => {
    const current = await tx.getGrant(grant.id, { forUpdate: true });
    if (!current || !canMoveGrant(current.status, 'failed')) return false;
    await tx.updateGrant(grant.id, { status: 'failed', lastError: reason });
    await tx.appendAudit({
      at: now,
      actor: 'latch',
      action: 'grant.failed',
      requestId: grant.requestId,
      grantId: grant.id,
      detail: { reason },
    });
    return true;
  });
  if (!committed) return undefined;
  log.error({ resourceId: grant.resourceId, reason }, 'grant failed');
  const resource = findResource(deps.policy, grant.resourceId);
  if (resource) {
    await postAudit(deps, {
      action: 'grant.failed',
      actor: 'latch',
      resource,
      requesterId: grant.requesterId,
      requestId: grant.requestId,
      grantId: grant.id,
      text: reason,
    });
    await afterCommit(log, 'tell requester grant failed', () =>
      deps.notifier.tellRequester(grant.requesterId, {
        kind: 'grant_failed',
        grant: { ...grant, status: 'failed' },
        resource,
        reason,
      }),
    );
  }
  await afterCommit(log, 'alert admins grant failed', () =>
    deps.notifier.alertAdmins(
      `Provisioning grant ${grant.id} (${grant.resourceId} for <@${grant.requesterId}>) failed: ${reason}`,
    ),
  );
  return undefined;
}
