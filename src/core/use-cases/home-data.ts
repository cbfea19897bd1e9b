import type { RecommendationLine, RiskLine } from '../../insights/insights-view.js';
import { isPerson, mayApproveAnything } from '../approvers.js';
import { authorizeDecision } from '../authorize-decision.js';
import { findResource, tierOf } from '../catalog.js';
import { LatchError } from '../errors.js';
import type { AccessRequest, AuditEvent, DriftFinding, Grant, Person, Resource, SyncRun } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { UNCLASSIFIED_TIER } from '../tiers.js';
import { latestInsightsView } from './admin-insights.js';

export interface HomeData {
  viewer: Person;
  isAdmin: boolean;
  myGrants: Grant[];
  myPending: AccessRequest[];
  /** Pending requests the viewer may decide now, re-checked against the policy like a click. */
  toDecide: AccessRequest[];
  admin?: {
    activeGrants: Grant[];
    stuckRevocations: Grant[];
    /** What sync found that the policy does not name (tier `unclassified`, waiting for an admin), then the policy's resources. */
    catalog: Array<Pick<Resource, 'id' | 'name' | 'kind' | 'tier' | 'accountId'>>;
    /** The tiers an admin can give a resource (besides `unclassified`). */
    tiers: string[];
    lastSync?: SyncRun;
    /** Resources whose ended grants (last 30 days) often showed no CloudTrail activity, most idle first. */
    rarelyUsed: Array<{ resourceId: string; grants: number; idle: number }>;
    /** Access in AWS no grant explains, oldest first. */
    drift: DriftFinding[];
    recentAudit: AuditEvent[];
    /** The latest standing-access reading, riskiest first; undefined before the first. */
    insights?: {
      readAt: Date;
      failures: number;
      principals: RiskLine[];
      recommendations: RecommendationLine[];
    };
  };
}

const USAGE_WINDOW_DAYS = 30;

/** What someone's App Home shows; admins (by email or Slack id in the policy) see the whole picture. */
export async function homeData(deps: LatchDeps, viewerId: string): Promise<HomeData> {
  const { store, policy } = deps;
  const viewer = await deps.directory.person(viewerId);
  const isAdmin = policy.admins.some((ref) => isPerson(ref, viewer));
  // Most people approve nothing: their Home skips reading everyone's pending requests.
  const [{ grants: myGrants, pending: myPending }, pending] = await Promise.all([
    store.openAccessOf(viewerId),
    mayApproveAnything(policy, viewer) ? store.listRequests({ statuses: ['pending'] }) : [],
  ]);
  const toDecide: AccessRequest[] = [];
  // One read for every pending request's approvals: Home is redrawn on every change someone sees.
  const allApprovals = await store.listApprovalsFor(pending.map((r) => r.id));
  for (const request of pending) {
    const resource = findResource(policy, request.resourceId);
    const step = resource && tierOf(policy, resource)?.steps[request.currentStep];
    if (!resource || !step) continue;
    const approvals = allApprovals.filter((a) => a.requestId === request.id);
    const priorApprovers = approvals
      .filter((a) => a.step < request.currentStep)
      .map((a) => ({ slackUserId: a.approverId }));
    const check = authorizeDecision({
      policy,
      resource,
      request,
      step,
      clicker: viewer,
      approvals,
      priorApprovers,
    });
    if (check.ok) toDecide.push(request);
  }
  if (!isAdmin) return { viewer, isAdmin, myGrants, myPending, toDecide };
  const usageSince = new Date(deps.clock.now().getTime() - USAGE_WINDOW_DAYS * 86_400_000);
  const [activeGrants, revoking, recentAudit, discovered, lastSync, drift, usage, insights] =
    await Promise.all([
      store.listGrants({ statuses: ['active'] }),
      store.listGrants({ statuses: ['revoking'] }),
      store.listRecentAudit(15),
      store.listCatalog(),
      store.lastSyncRun(),
      store.listDriftFindings(),
      store.activityByResource(usageSince),
      homeInsights(deps),
    ]);
  const resources = new Set(policy.resources.map((r) => r.id));
  const unclassified = discovered
    .filter((entry) => !entry.policyResourceId && !resources.has(entry.id))
    .map(({ id, name, kind, accountId }) => ({
      id,
      name,
      kind,
      tier: UNCLASSIFIED_TIER,
      ...(accountId ? { accountId } : {}),
    }));
  return {
    viewer,
    isAdmin,
    myGrants,
    myPending,
    toDecide,
    admin: {
      activeGrants,
      stuckRevocations: revoking.filter((grant) => grant.lastError !== undefined),
      catalog: [
        ...unclassified,
        ...policy.resources.filter((r) => !policy.tiers[r.tier]),
        ...policy.resources.filter((r) => policy.tiers[r.tier]),
      ],
      tiers: Object.keys(policy.tiers),
      ...(lastSync ? { lastSync } : {}),
      drift,
      rarelyUsed: usage
        .filter((u) => u.idle > 0)
        .sort((a, b) => b.idle / b.grants - a.idle / a.grants || b.idle - a.idle),
      recentAudit,
      ...(insights ? { insights } : {}),
    },
  };
}

/** Home still draws when insights cannot be read: the section then says it was not read. */
async function homeInsights(deps: LatchDeps): Promise<NonNullable<HomeData['admin']>['insights']> {
  try {
    const view = await latestInsightsView(deps.insights);
    const { readAt, failures, principals, recommendations } = view;
    return { readAt, failures: failures.length, principals, recommendations };
  } catch (error) {
    if (!(error instanceof LatchError)) deps.log.warn({ err: error }, 'cannot read insights for App Home');
    return undefined;
  }
}
