import type { GrantFacts, InsightRunInput, StoredInsightRun } from '../insights/insight-run.js';
import type { InsightsDigest } from '../insights/insights-digest.js';
import type { Inventory } from '../insights/inventory.js';
import type { RecommendedChange } from '../insights/recommendations.js';
import type {
  AccessRequest,
  ActivitySummary,
  Approval,
  AuditEvent,
  CatalogDiscovery,
  CatalogEntry,
  DriftFinding,
  Grant,
  GrantStatus,
  IdentityPin,
  MatchedPrincipal,
  Person,
  Policy,
  RequestStatus,
  Resource,
  SlackMessageRef,
  SyncRun,
  TierOverride,
} from './model.js';

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(detail: Record<string, unknown>, message: string): void;
  warn(detail: Record<string, unknown>, message: string): void;
  error(detail: Record<string, unknown>, message: string): void;
}

export type GrantPatch = Partial<Omit<Grant, 'id' | 'requestId' | 'createdAt'>>;
export type RequestPatch = Partial<Pick<AccessRequest, 'status' | 'currentStep' | 'decidedAt' | 'decidedBy'>>;

/**
 * Persistence. Every method is one statement; `transaction` runs `work` atomically and hands
 * it a Store bound to that transaction. Claims use FOR UPDATE SKIP LOCKED, so replicas never
 * take the same row, and push `nextAttemptAt` to `leaseUntil` so a crash releases the row.
 */
export interface Store {
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T>;

  insertRequest(request: AccessRequest): Promise<void>;
  /** `forUpdate` locks the row until the transaction ends. */
  getRequest(id: string, options?: { forUpdate?: boolean }): Promise<AccessRequest | undefined>;
  /** With `audit`, its row is written by the same statement, if the request exists. */
  updateRequest(id: string, patch: RequestPatch, audit?: AuditEvent): Promise<void>;
  listRequests(filter: { requesterId?: string; statuses?: RequestStatus[] }): Promise<AccessRequest[]>;
  /** The newest request by this person for this resource that a person (not Latch) approved after `since`. */
  lastHumanApproval(filter: {
    requesterId: string;
    resourceId: string;
    since: Date;
  }): Promise<{ requestId: string; decidedBy: string; decidedAt: Date } | undefined>;
  /** How often someone asked for a resource between `since` and `until`, not counting `exceptId`, and when they last got it. */
  requestHistory(filter: {
    requesterId: string;
    resourceId: string;
    since: Date;
    until: Date;
    exceptId: string;
  }): Promise<{
    requests: number;
    lastGrantedAt?: Date;
  }>;

  insertApproval(approval: Approval): Promise<void>;
  listApprovals(requestId: string): Promise<Approval[]>;
  /** The approvals of several requests in one read, in decision order. */
  listApprovalsFor(requestIds: readonly string[]): Promise<Approval[]>;

  /** With `audit`, its row is written by the same statement. */
  insertGrant(grant: Grant, audit?: AuditEvent): Promise<void>;
  getGrant(id: string, options?: { forUpdate?: boolean }): Promise<Grant | undefined>;
  updateGrant(id: string, patch: GrantPatch): Promise<void>;
  /**
   * Applies `patch` and appends `audit` at once, atomically, if the grant's status is one of `from`;
   * answers whether it did. One statement, where a transaction reading the row first would take five.
   */
  moveGrant(id: string, from: readonly GrantStatus[], patch: GrantPatch, audit: AuditEvent): Promise<boolean>;
  listGrants(filter: { requesterId?: string; statuses?: Grant['status'][] }): Promise<Grant[]>;
  /**
   * A person's pending requests and the grants that hold, or are about to hold or lose, their
   * access, newest first (100 of each), read in one statement: App Home and `list` show both.
   */
  openAccessOf(requesterId: string): Promise<{ pending: AccessRequest[]; grants: Grant[] }>;
  /**
   * Every grant of a resource that holds, or is about to hold or lose, access in AWS (no limit), and
   * those revoked since `endedSince`: their access may still have been in AWS when AWS was read.
   */
  liveGrantsFor(resourceId: string, endedSince?: Date): Promise<Grant[]>;
  /** Grants other than `exceptId` that hold (or are about to hold) the same access in AWS. */
  /** Other grants of the same access: active ones, and with `provisioning`, those on their way. */
  countOverlappingGrants(
    grant: Pick<Grant, 'id' | 'requesterId' | 'resourceId'>,
    options?: { provisioning?: boolean },
  ): Promise<number>;

  claimGrantsToProvision(now: Date, leaseUntil: Date, limit: number, onlyId?: string): Promise<Grant[]>;
  /** Moves active grants past `expiresAt` to `revoking`, due now, and returns them. */
  claimExpiredGrants(now: Date, limit: number): Promise<Grant[]>;
  /** Revoking grants whose next attempt is due (or just `onlyId`). */
  claimGrantsToRevoke(now: Date, leaseUntil: Date, limit: number, onlyId?: string): Promise<Grant[]>;
  /** The earliest moment a grant's expiry, warning or retry falls due (may be past), if any. */
  nextDueAt(): Promise<Date | undefined>;
  /** Ended grants whose CloudTrail activity is due to be read; leased until `leaseUntil`. */
  claimGrantsToSummarize(now: Date, leaseUntil: Date, limit: number): Promise<Grant[]>;
  /** Per resource, grants ended since `since` whose activity was read, and how many showed none. */
  activityByResource(since: Date): Promise<Array<{ resourceId: string; grants: number; idle: number }>>;
  /** Marks due warnings as sent and returns them: at most once per grant. */
  claimGrantsToWarn(now: Date, limit: number): Promise<Grant[]>;
  claimStaleRequests(now: Date, limit: number): Promise<AccessRequest[]>;
  /** Pending requests filed at or before `filedBy` not yet reminded; marks them reminded at `now`. */
  claimRequestsToRemind(now: Date, filedBy: Date, limit: number): Promise<AccessRequest[]>;
  /** Pending requests filed at or before `filedBy` not yet escalated; marks them escalated at `now`. */
  claimRequestsToEscalate(now: Date, filedBy: Date, limit: number): Promise<AccessRequest[]>;

  appendAudit(event: AuditEvent): Promise<void>;
  listAudit(filter: { requestId?: string; grantId?: string }): Promise<AuditEvent[]>;
  /** The newest `limit` audit events, newest first. */
  listRecentAudit(limit: number): Promise<AuditEvent[]>;

  insertSlackMessage(ref: SlackMessageRef): Promise<void>;
  auditThread(requestId: string): Promise<string | undefined>;
  setAuditThread(requestId: string, ts: string): Promise<void>;
  listSlackMessages(requestId: string): Promise<SlackMessageRef[]>;

  /** What catalog sync found, policy resources included, by kind and name. */
  listCatalog(): Promise<CatalogEntry[]>;
  /** Saves `entries` (upserted by key) and drops every other entry except `keepKeys`. */
  replaceCatalog(entries: readonly CatalogEntry[], keepKeys: readonly string[]): Promise<void>;
  insertSyncRun(run: SyncRun): Promise<void>;
  lastSyncRun(): Promise<SyncRun | undefined>;
  /** Takes or renews a named lease; false while another holder has it. */
  takeLease(lease: { name: string; holder: string; now: Date; until: Date }): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;

  listDriftFindings(): Promise<DriftFinding[]>;
  upsertDriftFinding(finding: DriftFinding): Promise<void>;
  deleteDriftFinding(resourceId: string, principalId: string): Promise<void>;

  /** Changes whenever a tier is set or a catalog sync recorded. */
  catalogVersion(): Promise<string>;
  listTierOverrides(): Promise<TierOverride[]>;
  setTierOverride(override: TierOverride): Promise<void>;
  /** A resource as last recorded (policy or promoted catalog entry), even after it left both. */
  getRecordedResource(id: string): Promise<Resource | undefined>;

  getIdentityPin(slackUserId: string): Promise<IdentityPin | undefined>;
  /** Whom a grant's provisioning matches in AWS: its requester's pin, and whom the request matched after filing. */
  awsIdentityOf(grant: Pick<Grant, 'requestId' | 'requesterId'>): Promise<{
    pinnedEmail?: string;
    matched?: MatchedPrincipal;
  }>;
  setRequestPrincipal(requestId: string, matched: MatchedPrincipal): Promise<void>;
  setIdentityPin(pin: IdentityPin): Promise<void>;
  /** False when there was no pin. */
  deleteIdentityPin(slackUserId: string): Promise<boolean>;

  upsertPerson(person: Person & { identityCenterUserId?: string }): Promise<void>;
  syncResources(resources: readonly Resource[]): Promise<void>;
  ping(): Promise<void>;
  /** Counts for monitoring: requests and grants by status, and how far the most overdue revocation is past its expiry. */
  statusCounts(now: Date): Promise<{
    requests: Record<string, number>;
    grants: Record<string, number>;
    revocationLagSeconds: number;
  }>;
}

/** Who someone is in Slack. Emails come back only when Slack confirms them. */
export interface Directory {
  person(slackUserId: string): Promise<Person>;
  /** The Slack user id for a policy reference (email or Slack id), if one exists. */
  slackUserIdFor(ref: string): Promise<string | undefined>;
}

export interface ProvisionResult {
  principalId: string;
  /** False when AWS already had the access (idempotent retry or pre-existing). */
  changed: boolean;
  /** What AWS named the access (an Identity Center membership id): revoke removes it in one call. */
  ref?: string;
}

/** A finished grant's window, for reading what was done with it. */
export interface ActivityWindow {
  principalId: string;
  email: string;
  start: Date;
  end: Date;
}

/** AWS. Grant and revoke are idempotent: already there / already gone count as done. */
export interface AccessProvisioner {
  supports(resource: Resource): boolean;
  /**
   * `matchedId`: the user `matchUser` found for this email earlier; used as it is unless AWS no
   * longer knows it, when the email is looked up again.
   */
  grant(resource: Resource, email: string, matchedId?: string): Promise<ProvisionResult>;
  /**
   * The principal `grant` would give the resource to, when finding it ahead is worth a call
   * (Identity Center users; an IAM user is read from every user's tags, so never ahead).
   */
  matchUser(resource: Resource, email: string): Promise<string | undefined>;
  /** `ref` is what `grant` returned; a stale one is looked up again, never trusted blindly. */
  revoke(resource: Resource, principalId: string, ref?: string): Promise<{ changed: boolean }>;
  /** Who holds the resource in AWS now, as principal ids of the form `grant` returns. */
  holders(resource: Resource): Promise<string[]>;
  /** What CloudTrail recorded of the principal in the resource's account during `window`. */
  activity(resource: Resource, window: ActivityWindow): Promise<ActivitySummary>;
}

/** Reads the AWS catalog: what exists that could be granted. */
export interface CatalogSource {
  discover(): Promise<CatalogDiscovery>;
}

/** Reads the organization's standing access (reads only; an unreadable account goes in `failures`). */
export interface InventoryReader {
  read(): Promise<Inventory>;
}

/** Stored standing-access readings: the last few kept whole, and the one the last digest used. */
export interface InsightStore {
  /** Stores a reading with its scores and recommendations in one transaction; returns its id. */
  saveRun(run: InsightRunInput): Promise<number>;
  latestRun(): Promise<StoredInsightRun | undefined>;
  /** The reading the last weekly digest reported on, if one was and it is still kept. */
  lastDigestedRun(): Promise<StoredInsightRun | undefined>;
  /** Marks a reading as reported by a digest (kept past the usual retention until the next one). */
  markDigested(runId: number, at: Date): Promise<void>;
  grantFacts(since: Date): Promise<GrantFacts>;
  /** Ids of recommendations applied (audited `insight.applied`) at or after `since`. */
  appliedSince(since: Date): Promise<Set<string>>;
}

/** Makes one recommended change in AWS, idempotently; says whether anything changed. */
export interface StandingAccessChanger {
  apply(change: RecommendedChange): Promise<{ changed: boolean }>;
}

/** What standing-access insights need: absent where Latch runs without them (tools, some tests). */
export interface InsightsDeps {
  inventory: InventoryReader;
  store: InsightStore;
  changer: StandingAccessChanger;
  /** The actions the IAM policies `latch aws-policy` prints for this policy file allow. */
  allowedActions: ReadonlySet<string>;
}

export interface ReviewCardData {
  request: AccessRequest;
  resource: Resource;
  review?: { verdict: 'acknowledged' | 'flagged'; by: string; at: Date };
}

export interface ApprovalCardData {
  request: AccessRequest;
  resource: Resource;
  step: number;
  stepCount: number;
  approvedBy: string[];
  /** Shorter durations an approver may grant instead of the ask (empty when none fit the tier). */
  shorterChoices?: number[];
  /** The requester's earlier requests for this resource within `days`, and their last grant. */
  history?: { days: number; earlierRequests: number; lastGrantedAt?: Date };
  /** Set once the request left `pending`: who decided and how. */
  outcome?: { status: RequestStatus; by?: string; at: Date; reason?: string };
}

/** What people are told. Implementations must not throw for delivery failures they log. */
export interface Notifier {
  sendApprovalCard(approverId: string, card: ApprovalCardData): Promise<SlackMessageRef | undefined>;
  updateApprovalCard(ref: SlackMessageRef, card: ApprovalCardData): Promise<void>;
  tellRequester(requesterId: string, notice: RequesterNotice): Promise<void>;
  /** A break-glass review card (Acknowledge / Flag) for one reviewer; returns where it went. */
  sendReviewCard(reviewerId: string, card: ReviewCardData): Promise<SlackMessageRef | undefined>;
  updateReviewCard(ref: SlackMessageRef, card: ReviewCardData): Promise<void>;
  /** Posts to the audit channel (in `threadTs`'s thread when given); returns the post's ts. */
  postAudit(event: AuditNotice, threadTs?: string): Promise<string | undefined>;
  /** Posts the weekly standing-access digest to the audit channel; returns the post's ts. */
  postInsightsDigest(digest: InsightsDigest): Promise<string | undefined>;
  alertAdmins(text: string): Promise<void>;
}

export type RequesterNotice =
  | { kind: 'request_filed'; request: AccessRequest; resource: Resource; approvers: string[] }
  | { kind: 'request_denied'; request: AccessRequest; resource: Resource; by: string; reason?: string }
  | { kind: 'request_expired'; request: AccessRequest; resource: Resource }
  | {
      kind: 'request_reminded' | 'request_escalated';
      request: AccessRequest;
      resource: Resource;
      approvers: string[];
    }
  | {
      kind: 'request_approved';
      request: AccessRequest;
      resource: Resource;
      by?: string;
      durationSeconds?: number;
    }
  | { kind: 'grant_active'; grant: Grant; resource: Resource }
  | { kind: 'grant_failed'; grant: Grant; resource: Resource; reason: string }
  | { kind: 'grant_expiring'; grant: Grant; resource: Resource }
  | { kind: 'grant_ended'; grant: Grant; resource: Resource }
  | { kind: 'grant_activity'; grant: Grant & { activity: ActivitySummary }; resource: Resource };

export interface AuditNotice {
  action: string;
  actor: string;
  resource: Resource;
  requesterId: string;
  requestId: string;
  grantId?: string;
  text?: string;
}

/** How a request's approval ended: decided by people, settled by the tier's rules, or never decided. */
export type ApprovalOutcome =
  | 'approved'
  | 'denied'
  | 'auto_approved'
  | 'reactivated'
  | 'break_glass'
  | 'expired'
  | 'cancelled';

/** An AWS change for a grant: adding the access, or taking it away. */
export type AccessChange = 'provision' | 'revoke';

/**
 * Monitoring: use cases report decisions and AWS work as they happen (metrics, never state).
 * Implementations are cheap and never throw.
 */
export interface Telemetry {
  /** `secondsToDecide` (filing to decision) is set when people decided: approved or denied. */
  requestDecided(event: { tier: string; outcome: ApprovalOutcome; secondsToDecide?: number }): void;
  /** One successful attempt at changing a grant's access in AWS, and how long it took. */
  accessChanged(event: { change: AccessChange; kind: string; seconds: number }): void;
  /** One failed attempt (it is retried, or the grant fails when provisioning gives up). */
  accessChangeFailed(event: { change: AccessChange; kind: string }): void;
}

/** Work a use case starts and does not wait for; a stop waits for it (up to its deadline). */
export interface DeferredWork {
  run(work: () => Promise<void>): void;
}

export interface LatchDeps {
  store: Store;
  directory: Directory;
  provisioner: AccessProvisioner;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
  /** The live policy: `resources` are the file's at admins' tiers plus promoted catalog entries (see refreshResources). */
  policy: Policy;
  /** The resources exactly as the policy file names them. */
  fileResources: readonly Resource[];
  /** Reads what AWS holds, for catalog sync. */
  catalog: CatalogSource;
  /** Names this process in leases (host and pid), so a replica can tell its own lease. */
  instanceId: string;
  newId(kind: 'request' | 'grant'): string;
  /** Metrics about decisions and AWS work; absent in tools that need none. */
  telemetry?: Telemetry;
  /** Standing-access insights; absent in tools that need none. */
  insights?: InsightsDeps;
  /** Where work nobody waits for runs; absent, the caller waits for it. */
  deferred?: DeferredWork;
}
