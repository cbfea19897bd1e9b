import { activityLine } from '../activity-line.js';
import { findResource } from '../catalog.js';
import { retryDelaySeconds } from '../grant-lifecycle.js';
import type { ActivitySummary, Grant } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';
import { postAudit } from './post-audit.js';

/** CloudTrail delivers an event within about 15 minutes of the call; read a grant's after that. */
export const ACTIVITY_DELAY_SECONDS = 15 * 60;
/** After this many failed reads the summary is given up (logged and audited), never retried forever. */
const MAX_ATTEMPTS = 5;
const LEASE_SECONDS = 120;

export function activityDueAt(revokedAt: Date): Date {
  return new Date(revokedAt.getTime() + ACTIVITY_DELAY_SECONDS * 1000);
}

/**
 * Reads what was done with each ended grant from CloudTrail and tells the person and the request's
 * audit thread; kept on the grant so admins can see which resources are granted but rarely used.
 * CloudTrail allows 2 lookups a second, so a few grants per sweep, after revocations, never before.
 */
export async function summarizeActivity(deps: LatchDeps, options: { limit?: number } = {}): Promise<void> {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + LEASE_SECONDS * 1000);
  for (const grant of await deps.store.claimGrantsToSummarize(now, leaseUntil, options.limit ?? 10)) {
    await summarizeOne(deps, grant);
  }
}

async function summarizeOne(deps: LatchDeps, grant: Grant): Promise<void> {
  const { store, clock, log } = deps;
  const ids = { requestId: grant.requestId, grantId: grant.id };
  const resource =
    findResource(deps.policy, grant.resourceId) ?? (await store.getRecordedResource(grant.resourceId));
  if (!resource || !grant.principalId || !grant.provisionedAt || !grant.revokedAt) {
    await store.updateGrant(grant.id, { activityDueAt: undefined });
    return;
  }
  const pin = await store.getIdentityPin(grant.requesterId);
  let activity: ActivitySummary;
  try {
    activity = await deps.provisioner.activity(resource, {
      principalId: grant.principalId,
      email: pin?.awsEmail ?? grant.requesterEmail,
      start: grant.provisionedAt,
      end: grant.revokedAt,
    });
  } catch (error) {
    // attempts counted here, not on the grant: its `attempts` belong to revocation.
    const failures = (await store.listAudit({ grantId: grant.id })).filter(
      (e) => e.action === 'grant.activity_failed',
    ).length;
    const reason = error instanceof Error ? error.message : String(error);
    const givingUp = failures + 1 >= MAX_ATTEMPTS;
    await store.transaction(async (tx) => {
      await tx.updateGrant(grant.id, {
        activityDueAt: givingUp
          ? undefined
          : new Date(clock.now().getTime() + retryDelaySeconds(failures + 1) * 1000),
      });
      await tx.appendAudit({
        at: clock.now(),
        actor: 'latch',
        action: 'grant.activity_failed',
        ...ids,
        detail: { error: reason, givingUp },
      });
    });
    log.warn({ err: error, ...ids, givingUp }, 'could not read the grant’s CloudTrail activity');
    return;
  }
  await store.transaction(async (tx) => {
    await tx.updateGrant(grant.id, { activity, activityDueAt: undefined });
    await tx.appendAudit({
      at: clock.now(),
      actor: 'latch',
      action: 'grant.activity',
      ...ids,
      detail: { events: activity.events, writeEvents: activity.writeEvents, errors: activity.errors.length },
    });
  });
  const { activityDueAt: _done, ...ended } = grant;
  const summarized = { ...ended, activity };
  await afterCommit(log, 'tell requester grant activity', () =>
    deps.notifier.tellRequester(grant.requesterId, { kind: 'grant_activity', grant: summarized, resource }),
  );
  await postAudit(deps, {
    action: 'grant.activity',
    actor: 'latch',
    resource,
    requesterId: grant.requesterId,
    requestId: grant.requestId,
    grantId: grant.id,
    text: activityLine(activity),
  });
}
