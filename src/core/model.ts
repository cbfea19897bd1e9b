/** The product's nouns, as plain data. Times are Dates; durations are seconds. */

export type ResourceKind = 'sso_permission_set' | 'sso_group' | 'iam_group';

/** An approval step: the requester's manager, the resource's owners, or a named group. */
export type ApprovalStep =
  | { kind: 'manager'; count: 1 }
  | { kind: 'owner'; count: 1 }
  | { kind: 'group'; group: string; count: number };

export interface Tier {
  name: string;
  steps: ApprovalStep[];
  minDurationSeconds: number;
  maxDurationSeconds: number;
  approvalValiditySeconds: number;
  warnBeforeSeconds: number;
  breakGlass: boolean;
  breakGlassDurationSeconds: number;
}

export interface Resource {
  id: string;
  name: string;
  kind: ResourceKind;
  tier: string;
  accountId?: string;
  permissionSetArn?: string;
  groupName?: string;
  groupId?: string;
  /** Emails or Slack user ids. */
  owners: string[];
  enforce: boolean;
}

/** A person as Slack knows them; `email` only when Slack marks it confirmed and the domain is allowed. */
export interface Person {
  slackUserId: string;
  email?: string;
  name: string;
}

export type RequestStatus = 'pending' | 'approved' | 'denied' | 'cancelled' | 'expired';

export interface AccessRequest {
  id: string;
  requesterId: string;
  requesterEmail: string;
  resourceId: string;
  durationSeconds: number;
  justification: string;
  /** An optional ticket reference the requester gave (e.g. JIRA-123). */
  ticket?: string;
  status: RequestStatus;
  /** Index into the tier's steps of the step now waiting for decisions. */
  currentStep: number;
  createdAt: Date;
  expiresAt: Date;
  decidedAt?: Date;
  decidedBy?: string;
  /** Set once the request went to the fallback approvers as well (escalate_after). */
  escalatedAt?: Date;
}

export type Decision = 'approve' | 'deny';

export interface Approval {
  requestId: string;
  step: number;
  approverId: string;
  decision: Decision;
  decidedAt: Date;
  /** Why, when the approver said (a deny's reason is shown to the requester). */
  reason?: string;
  /** Set when the approver approved for less time than was asked. */
  durationSeconds?: number;
}

export type GrantStatus = 'provisioning' | 'active' | 'revoking' | 'revoked' | 'failed';

export interface Grant {
  id: string;
  requestId: string;
  requesterId: string;
  requesterEmail: string;
  resourceId: string;
  durationSeconds: number;
  status: GrantStatus;
  /** The AWS principal the access was given to (an Identity Center user id), once known. */
  principalId?: string;
  /** What AWS named the access this grant created (an Identity Center membership id), if anything. */
  awsRef?: string;
  provisionedAt?: Date;
  expiresAt?: Date;
  warnAt?: Date;
  warnedAt?: Date;
  revokedAt?: Date;
  revokeReason?: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string;
  createdAt: Date;
  /** When to read the ended grant's CloudTrail activity (unset once read, or when there is nothing to read). */
  activityDueAt?: Date;
  activity?: ActivitySummary;
}

/** What CloudTrail recorded of a grant's principal during the grant. */
export interface ActivitySummary {
  events: number;
  /** Distinct event names with how often each occurred, most frequent first. */
  eventNames: Array<{ name: string; count: number }>;
  /** Events that change something (CloudTrail's ReadOnly = false). */
  writeEvents: number;
  /** Failed calls by error code (`AccessDenied`, …), most frequent first. */
  errors: Array<{ code: string; count: number }>;
}

export interface AuditEvent {
  at: Date;
  /** A Slack user id, or `latch` for the system. */
  actor: string;
  action: string;
  requestId?: string;
  grantId?: string;
  detail?: Record<string, unknown>;
}

/** The `step` of a stored break-glass review card (approval cards use 0, 1, 2 …). */
export const REVIEW_STEP = -1;

/** A message Latch posted that it may need to update later (an approver's card). */
export interface SlackMessageRef {
  requestId: string;
  /** The approval step the card asked about. */
  step: number;
  recipientId: string;
  channel: string;
  ts: string;
}

export interface Policy {
  admins: string[];
  auditChannel?: string;
  allowedEmailDomains?: string[];
  requestTtlSeconds: number;
  /** A pending request reminds its current approvers after this long. */
  remindAfterSeconds: number;
  /** …and also goes to the fallback approvers after this long. */
  escalateAfterSeconds: number;
  tiers: Record<string, Tier>;
  approvers: {
    managers: Record<string, string>;
    groups: Record<string, string[]>;
    fallback: string[];
  };
  resources: Resource[];
}

/** Something found in AWS by catalog sync; `key` is its natural identity across syncs. */
export interface DiscoveredResource {
  key: string;
  kind: ResourceKind;
  name: string;
  accountId?: string;
  accountName?: string;
  permissionSetArn?: string;
  groupName?: string;
  groupId?: string;
}

/** A part of AWS that sync could not read: which account (if one), which step, and AWS's error. */
export interface SyncFailure {
  accountId?: string;
  step: string;
  error: string;
}

export interface CatalogDiscovery {
  resources: DiscoveredResource[];
  /** Every permission set, provisioned to an account or not (one can be assigned anywhere). */
  permissionSetArns: string[];
  accounts: Array<{ id: string; name: string }>;
  failures: SyncFailure[];
  /** AWS calls made (commands, not retries), in all and by IAM action. */
  calls: number;
  callsByAction: Record<string, number>;
  durationMs: number;
}

/** One catalog sync as recorded: what was found, and what it cost. */
export interface SyncRun {
  startedAt: Date;
  finishedAt: Date;
  trigger: 'cli' | 'schedule' | 'slack';
  actor: string;
  accounts: number;
  resources: number;
  unclassified: number;
  /** Policy resources that sync did not find in AWS. */
  missing: string[];
  failures: SyncFailure[];
  calls: number;
  durationMs: number;
}

/** A catalog entry as admins see it: a discovered resource and the policy resource it is, if any. */
export interface CatalogEntry extends DiscoveredResource {
  id: string;
  /** The policy resource this is, or undefined when the policy does not name it (tier `unclassified`). */
  policyResourceId?: string;
  lastSeenAt: Date;
}

/** The AWS user a request's requester was matched to right after filing, and the email that matched. */
export interface MatchedPrincipal {
  principalId: string;
  email: string;
}

/** An admin's hand-made link: this Slack user is matched in AWS by `awsEmail`, not their Slack email. */
export interface IdentityPin {
  slackUserId: string;
  awsEmail: string;
  pinnedBy: string;
  pinnedAt: Date;
}

/** An admin's tier for a resource, over the policy file's (`unclassified` withdraws it). */
export interface TierOverride {
  resourceId: string;
  tier: string;
  setBy: string;
  setAt: Date;
}

/** Access in AWS to a managed resource that no grant explains (someone added it outside Latch). */
export interface DriftFinding {
  resourceId: string;
  /** As `holders()` names it: an Identity Center user id or an IAM user name. */
  principalId: string;
  foundAt: Date;
  lastSeenAt: Date;
}
