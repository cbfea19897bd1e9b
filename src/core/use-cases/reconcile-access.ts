import { compareAccess } from '../drift.js';
import type { DriftFinding, Resource } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { afterCommit } from './after-commit.js';
import { revokeGrants } from './revoke-grants.js';

const LEASE = 'reconcile';
const LEASE_SECONDS = 10 * 60;

export interface ReconcileReport {
  resources: number;
  /** Unexplained access still in AWS (reported), and what enforcement removed. */
  found: DriftFinding[];
  removed: Array<{ resourceId: string; principalId: string }>;
  vanished: string[];
  failures: Array<{ resourceId: string; error: string }>;
}

/**
 * Compares AWS's actual holders of every managed resource with the live grants. Access no grant
 * explains is drift: reported to the admins once when first seen, kept on App Home while it lasts,
 * and removed at once where the resource sets `enforce: true`. An active grant whose access vanished
 * outside Latch is ended (the person is told why). One replica at a time; `undefined` if another runs.
 */
export async function reconcileAccess(deps: LatchDeps): Promise<ReconcileReport | undefined> {
  const { store, clock } = deps;
  const now = clock.now();
  const lease = {
    name: LEASE,
    holder: deps.instanceId,
    now,
    until: new Date(now.getTime() + LEASE_SECONDS * 1000),
  };
  if (!(await store.takeLease(lease))) return undefined;
  try {
    const report: ReconcileReport = { resources: 0, found: [], removed: [], vanished: [], failures: [] };
    const open = await store.listDriftFindings();
    const newlyFound: DriftFinding[] = [];
    for (const resource of deps.policy.resources.filter((r) => deps.provisioner.supports(r))) {
      report.resources += 1;
      try {
        await reconcileResource(deps, resource, open, report, newlyFound);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        report.failures.push({ resourceId: resource.id, error: message });
        deps.log.warn({ err: error, resourceId: resource.id }, 'could not reconcile a resource');
      }
    }
    await tellAdmins(deps, report, newlyFound);
    if (report.vanished.length || report.removed.length || newlyFound.length) {
      deps.log.warn(
        {
          found: report.found.length,
          newlyFound: newlyFound.length,
          removed: report.removed,
          vanished: report.vanished,
        },
        'drift found',
      );
    }
    return report;
  } finally {
    await store.releaseLease(LEASE, deps.instanceId);
  }
}

async function reconcileResource(
  deps: LatchDeps,
  resource: Resource,
  open: readonly DriftFinding[],
  report: ReconcileReport,
  newlyFound: DriftFinding[],
): Promise<void> {
  const { store, clock } = deps;
  const readAt = clock.now();
  const holders = await deps.provisioner.holders(resource);
  const grants = await store.liveGrantsFor(resource.id, readAt);
  const { unexplained, vanished } = compareAccess(holders, grants, readAt);
  const at = clock.now();

  for (const principalId of unexplained) {
    if (resource.enforce) {
      await deps.provisioner.revoke(resource, principalId);
      report.removed.push({ resourceId: resource.id, principalId });
      await store.transaction(async (tx) => {
        await tx.deleteDriftFinding(resource.id, principalId);
        await tx.appendAudit({
          at,
          actor: 'latch',
          action: 'drift.removed',
          detail: { resourceId: resource.id, principalId },
        });
      });
      continue;
    }
    const earlier = open.find((f) => f.resourceId === resource.id && f.principalId === principalId);
    const finding = { resourceId: resource.id, principalId, foundAt: earlier?.foundAt ?? at, lastSeenAt: at };
    report.found.push(finding);
    await store.transaction(async (tx) => {
      await tx.upsertDriftFinding(finding);
      if (!earlier) {
        newlyFound.push(finding);
        await tx.appendAudit({
          at,
          actor: 'latch',
          action: 'drift.found',
          detail: { resourceId: resource.id, principalId },
        });
      }
    });
  }

  // Findings whose access is gone (removed by hand, or now explained by a grant) close themselves.
  for (const gone of open.filter(
    (f) => f.resourceId === resource.id && !unexplained.includes(f.principalId),
  )) {
    await store.transaction(async (tx) => {
      await tx.deleteDriftFinding(gone.resourceId, gone.principalId);
      await tx.appendAudit({
        at,
        actor: 'latch',
        action: 'drift.resolved',
        detail: { resourceId: gone.resourceId, principalId: gone.principalId },
      });
    });
  }

  for (const grant of vanished) {
    const ended = await store.transaction(async (tx) => {
      const current = await tx.getGrant(grant.id, { forUpdate: true });
      if (current?.status !== 'active') return false;
      await tx.updateGrant(grant.id, { status: 'revoking', revokeReason: 'vanished', nextAttemptAt: at });
      await tx.appendAudit({
        at,
        actor: 'latch',
        action: 'grant.vanished',
        requestId: grant.requestId,
        grantId: grant.id,
        detail: { resourceId: resource.id, principalId: grant.principalId },
      });
      return true;
    });
    if (!ended) continue;
    report.vanished.push(grant.id);
    // The usual revocation finishes it: AWS says already gone, the grant ends, the person is told why.
    await revokeGrants(deps, { onlyId: grant.id });
  }
}

async function tellAdmins(deps: LatchDeps, report: ReconcileReport, newlyFound: DriftFinding[]) {
  const lines = [
    ...newlyFound.map(
      (f) => `• \`${f.resourceId}\`: \`${f.principalId}\` has access in AWS that no grant explains`,
    ),
    ...report.removed.map(
      (r) => `• \`${r.resourceId}\`: removed \`${r.principalId}\`, whose access no grant explained (enforce)`,
    ),
    ...report.vanished.map((id) => `• grant \`${id}\`: its access was removed outside Latch, so it ended`),
  ];
  if (!lines.length) return;
  const shown = lines.slice(0, 20);
  if (lines.length > shown.length) shown.push(`…and ${lines.length - shown.length} more; see App Home.`);
  await afterCommit(deps.log, 'alert admins drift', () =>
    deps.notifier.alertAdmins(`Drift between AWS and Latch's grants:\n${shown.join('\n')}`),
  );
}
