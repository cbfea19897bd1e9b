import type { Insertable, Selectable, Updateable } from 'kysely';
import type {
  AccessRequest,
  ActivitySummary,
  Approval,
  AuditEvent,
  Grant,
  GrantStatus,
  RequestStatus,
  SlackMessageRef,
} from '../core/model.js';
import type { GrantPatch } from '../core/ports.js';
import type {
  AccessGrantTable,
  AccessRequestTable,
  ApprovalTable,
  AuditEventTable,
  SlackMessageTable,
} from './schema.js';

/** A row as a query returns it, or as JSON carries it (`jsonArrayFrom`): timestamps as text. */
type RowOrJson<T> = {
  [K in keyof T]: T[K] extends Date ? Date | string : T[K] extends Date | null ? Date | string | null : T[K];
};

const date = (value: Date | string | null): Date | undefined =>
  value === null ? undefined : new Date(value);

function present<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function requestFromRow(row: RowOrJson<Selectable<AccessRequestTable>>): AccessRequest {
  return present({
    id: row.id,
    requesterId: row.requester_id,
    requesterEmail: row.requester_email,
    resourceId: row.resource_id,
    durationSeconds: row.duration_seconds,
    justification: row.justification,
    ticket: row.ticket ?? undefined,
    status: row.status as RequestStatus,
    currentStep: row.current_step,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    decidedAt: date(row.decided_at),
    decidedBy: row.decided_by ?? undefined,
    escalatedAt: date(row.escalated_at),
  });
}

export function requestToRow(request: AccessRequest): Insertable<AccessRequestTable> {
  return {
    id: request.id,
    requester_id: request.requesterId,
    requester_email: request.requesterEmail,
    resource_id: request.resourceId,
    duration_seconds: request.durationSeconds,
    justification: request.justification,
    ticket: request.ticket ?? null,
    status: request.status,
    current_step: request.currentStep,
    created_at: request.createdAt,
    expires_at: request.expiresAt,
    decided_at: request.decidedAt ?? null,
    decided_by: request.decidedBy ?? null,
  };
}

export function grantFromRow(row: RowOrJson<Selectable<AccessGrantTable>>): Grant {
  return present({
    id: row.id,
    requestId: row.request_id,
    requesterId: row.requester_id,
    requesterEmail: row.requester_email,
    resourceId: row.resource_id,
    durationSeconds: row.duration_seconds,
    status: row.status as GrantStatus,
    principalId: row.principal_id ?? undefined,
    awsRef: row.aws_ref ?? undefined,
    provisionedAt: date(row.provisioned_at),
    expiresAt: date(row.expires_at),
    warnAt: date(row.warn_at),
    warnedAt: date(row.warned_at),
    revokedAt: date(row.revoked_at),
    revokeReason: row.revoke_reason ?? undefined,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    lastError: row.last_error ?? undefined,
    createdAt: new Date(row.created_at),
    activityDueAt: date(row.activity_due_at),
    activity: row.activity ? (JSON.parse(row.activity) as ActivitySummary) : undefined,
  });
}

export function grantToRow(grant: Grant): Insertable<AccessGrantTable> {
  const row = grantPatchToRow(grant) as Insertable<AccessGrantTable>;
  return { ...row, id: grant.id, request_id: grant.requestId, created_at: grant.createdAt };
}

const GRANT_COLUMNS: Record<keyof GrantPatch, keyof AccessGrantTable> = {
  requesterId: 'requester_id',
  requesterEmail: 'requester_email',
  resourceId: 'resource_id',
  durationSeconds: 'duration_seconds',
  status: 'status',
  principalId: 'principal_id',
  awsRef: 'aws_ref',
  provisionedAt: 'provisioned_at',
  expiresAt: 'expires_at',
  warnAt: 'warn_at',
  warnedAt: 'warned_at',
  revokedAt: 'revoked_at',
  revokeReason: 'revoke_reason',
  attempts: 'attempts',
  nextAttemptAt: 'next_attempt_at',
  lastError: 'last_error',
  activityDueAt: 'activity_due_at',
  activity: 'activity',
};

/** Only the keys present in the patch; an explicit `undefined` clears the column. */
export function grantPatchToRow(patch: GrantPatch): Updateable<AccessGrantTable> {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(GRANT_COLUMNS)) {
    if (key in patch) row[column] = patch[key as keyof GrantPatch] ?? null;
  }
  if ('activity' in patch) {
    row.activity = patch.activity ? JSON.stringify(patch.activity) : null;
    row.activity_events = patch.activity?.events ?? null;
  }
  return row as Updateable<AccessGrantTable>;
}

export function approvalFromRow(row: Selectable<ApprovalTable>): Approval {
  return present({
    requestId: row.request_id,
    step: row.step,
    approverId: row.approver_id,
    decision: row.decision as Approval['decision'],
    decidedAt: new Date(row.decided_at),
    reason: row.reason ?? undefined,
    durationSeconds: row.duration_seconds ?? undefined,
  });
}

export function slackMessageFromRow(row: Selectable<SlackMessageTable>): SlackMessageRef {
  return {
    requestId: row.request_id,
    step: row.step,
    recipientId: row.recipient_id,
    channel: row.channel,
    ts: row.ts,
  };
}

export function auditFromRow(row: Selectable<AuditEventTable>): AuditEvent {
  return present({
    at: new Date(row.at),
    actor: row.actor,
    action: row.action,
    requestId: row.request_id ?? undefined,
    grantId: row.grant_id ?? undefined,
    detail: row.detail,
  });
}
