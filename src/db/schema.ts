import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface PersonTable {
  slack_user_id: string;
  email: string | null;
  name: string;
  identity_center_user_id: string | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ResourceTable {
  id: string;
  name: string;
  kind: string;
  tier: string;
  account_id: string | null;
  permission_set_arn: string | null;
  group_name: string | null;
  group_id: string | null;
  owners: ColumnType<string[], string, string>;
  enforce: boolean;
  synced_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AccessRequestTable {
  id: string;
  requester_id: string;
  requester_email: string;
  resource_id: string;
  duration_seconds: number;
  justification: string;
  ticket: string | null;
  audit_thread_ts: string | null;
  status: string;
  current_step: number;
  created_at: Timestamp;
  expires_at: Timestamp;
  decided_at: Timestamp | null;
  decided_by: string | null;
  /** The Identity Center user the requester was matched to after filing, and the email that matched. */
  principal_id: string | null;
  principal_email: string | null;
  reminded_at: Timestamp | null;
  escalated_at: Timestamp | null;
}

export interface ApprovalTable {
  request_id: string;
  step: number;
  approver_id: string;
  decision: string;
  decided_at: Timestamp;
  reason: string | null;
  duration_seconds: number | null;
}

export interface AccessGrantTable {
  id: string;
  request_id: string;
  requester_id: string;
  requester_email: string;
  resource_id: string;
  duration_seconds: number;
  status: string;
  principal_id: string | null;
  /** What AWS named the access this grant created (an Identity Center membership id), if anything. */
  aws_ref: string | null;
  provisioned_at: Timestamp | null;
  expires_at: Timestamp | null;
  warn_at: Timestamp | null;
  warned_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoke_reason: string | null;
  attempts: number;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: Timestamp;
  activity_due_at: Timestamp | null;
  activity_events: number | null;
  /** JSON: ActivitySummary. */
  activity: string | null;
}

export interface SlackMessageTable {
  request_id: string;
  step: number;
  recipient_id: string;
  channel: string;
  ts: string;
}

export interface AuditEventTable {
  id: Generated<string>;
  at: Timestamp;
  actor: string;
  action: string;
  request_id: string | null;
  grant_id: string | null;
  detail: ColumnType<Record<string, unknown>, string, never>;
}

export interface DiscoveredResourceTable {
  key: string;
  id: string;
  kind: string;
  name: string;
  account_id: string | null;
  account_name: string | null;
  permission_set_arn: string | null;
  group_name: string | null;
  group_id: string | null;
  policy_resource_id: string | null;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}

export interface SyncRunTable {
  id: Generated<number>;
  started_at: Timestamp;
  finished_at: Timestamp;
  trigger: string;
  actor: string;
  accounts: number;
  resources: number;
  unclassified: number;
  /** JSON: policy resource ids not found in AWS. */
  missing: string;
  /** JSON: SyncFailure[]. */
  failures: string;
  calls: number;
  duration_ms: number;
}

export interface LeaseTable {
  name: string;
  held_until: Timestamp;
  holder: string;
}

export interface IdentityPinTable {
  slack_user_id: string;
  aws_email: string;
  pinned_by: string;
  pinned_at: Timestamp;
}

export interface TierOverrideTable {
  resource_id: string;
  tier: string;
  set_by: string;
  set_at: Timestamp;
}

export interface DriftFindingTable {
  resource_id: string;
  principal_id: string;
  found_at: Timestamp;
  last_seen_at: Timestamp;
}

/** A token bucket every replica shares (db/shared-limits.ts). */
export interface CallRateTable {
  bucket: string;
  tokens: number;
  refilled_at: Timestamp;
}

/** One of a fixed number of slots per name, leased until `held_until`. */
export interface CallSlotTable {
  name: string;
  slot: number;
  held_until: Timestamp;
  holder: string | null;
}

export interface InsightRunTable {
  id: Generated<number>;
  read_at: Timestamp;
  finished_at: Timestamp;
  trigger: string;
  actor: string;
  accounts: number;
  /** JSON: InventoryFailure[]. */
  failures: string;
  /** JSON: Inventory, as read. */
  inventory: string;
  /** When a weekly digest reported on this reading; the latest such run is kept past retention. */
  digested_at: Timestamp | null;
}

export interface InsightScoreTable {
  run_id: number;
  /** `policy`, `principal` or `account`. */
  subject_kind: string;
  subject_id: string;
  account_id: string | null;
  label: string;
  score: number;
  /** JSON: RiskReason[]. */
  reasons: string;
}

export interface InsightRecommendationTable {
  run_id: number;
  id: string;
  kind: string;
  title: string;
  risk: number;
  /** JSON: Evidence. */
  evidence: string;
  /** JSON: RecommendedChange. */
  change: string;
}

export interface Database {
  insight_run: InsightRunTable;
  insight_score: InsightScoreTable;
  insight_recommendation: InsightRecommendationTable;
  drift_finding: DriftFindingTable;
  tier_override: TierOverrideTable;
  identity_pin: IdentityPinTable;
  discovered_resource: DiscoveredResourceTable;
  sync_run: SyncRunTable;
  lease: LeaseTable;
  person: PersonTable;
  resource: ResourceTable;
  access_request: AccessRequestTable;
  approval: ApprovalTable;
  access_grant: AccessGrantTable;
  slack_message: SlackMessageTable;
  audit_event: AuditEventTable;
  call_rate: CallRateTable;
  call_slot: CallSlotTable;
}
