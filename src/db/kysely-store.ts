import { type InsertQueryBuilder, type Kysely, sql, type UpdateQueryBuilder } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { LIVE_GRANT_STATUSES } from '../core/grant-lifecycle.js';
import type {
  AccessRequest,
  Approval,
  AuditEvent,
  CatalogEntry,
  DriftFinding,
  Grant,
  IdentityPin,
  MatchedPrincipal,
  Person,
  Resource,
  SlackMessageRef,
  SyncRun,
  TierOverride,
} from '../core/model.js';
import type { GrantPatch, RequestPatch, Store } from '../core/ports.js';
import { auditThreads } from './audit-threads.js';
import * as catalog from './queries/catalog.js';
import * as dueWork from './queries/due-work.js';
import * as reporting from './queries/reporting.js';
import {
  approvalFromRow,
  auditFromRow,
  grantFromRow,
  grantPatchToRow,
  grantToRow,
  requestFromRow,
  requestToRow,
  slackMessageFromRow,
} from './rows.js';
import type { Database } from './schema.js';

const AUDIT_COLUMNS = ['at', 'actor', 'action', 'request_id', 'grant_id', 'detail'] as const;

/** A change that returns the id of each row it wrote, for `withAudit`. */
type AuditedChange =
  | UpdateQueryBuilder<Database, 'access_request', 'access_request', { id: string }>
  | UpdateQueryBuilder<Database, 'access_grant', 'access_grant', { id: string }>
  | InsertQueryBuilder<Database, 'access_grant', { id: string }>;

/** `audit` as the select list of a data-modifying CTE's insert: one row for each row the CTE changed. */
function auditValues(audit: AuditEvent) {
  return [
    sql<Date>`${audit.at}::timestamptz`.as('at'),
    sql<string>`${audit.actor}::text`.as('actor'),
    sql<string>`${audit.action}::text`.as('action'),
    sql<string | null>`${audit.requestId ?? null}::text`.as('request_id'),
    sql<string | null>`${audit.grantId ?? null}::text`.as('grant_id'),
    sql<string>`${JSON.stringify(audit.detail ?? {})}::jsonb`.as('detail'),
  ];
}

/** The Store port over Kysely; one instance per connection or transaction. */
export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    /** `holder`: this Latch's instance id, recorded with its claims so a crash frees them (db/claim-holders.ts). */
    private readonly taker: dueWork.ClaimTaker = {},
    private readonly threads = auditThreads(),
  ) {}

  /** Audit threads this transaction set: not committed yet, so not to be remembered from a read. */
  private readonly threadsSetHere = new Set<string>();

  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((trx) => work(new KyselyStore(trx, this.taker, this.threads)));
  }

  async insertRequest(request: AccessRequest): Promise<void> {
    await this.db.insertInto('access_request').values(requestToRow(request)).execute();
  }

  async getRequest(id: string, options: { forUpdate?: boolean } = {}): Promise<AccessRequest | undefined> {
    let query = this.db.selectFrom('access_request').selectAll().where('id', '=', id);
    if (options.forUpdate) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    // A decision reads the request and then posts its audit line: the thread need not be read again.
    if (row?.audit_thread_ts && !this.threadsSetHere.has(id)) this.threads.set(id, row.audit_thread_ts);
    return row && requestFromRow(row);
  }

  async updateRequest(id: string, patch: RequestPatch, audit?: AuditEvent): Promise<void> {
    const row: Record<string, unknown> = {};
    if (patch.status !== undefined) row.status = patch.status;
    if (patch.currentStep !== undefined) row.current_step = patch.currentStep;
    if ('decidedAt' in patch) row.decided_at = patch.decidedAt ?? null;
    if ('decidedBy' in patch) row.decided_by = patch.decidedBy ?? null;
    const update = this.db.updateTable('access_request').set(row).where('id', '=', id);
    await (audit ? this.withAudit(update.returning('id'), audit) : update).execute();
  }

  /** An insert of `audit` for each row `change` returns: the change and its audit row in one statement. */
  private withAudit(change: AuditedChange, audit: AuditEvent) {
    return this.db
      .with('changed', () => change)
      .insertInto('audit_event')
      .columns(AUDIT_COLUMNS)
      .expression((eb) => eb.selectFrom('changed').select(auditValues(audit)));
  }

  async listRequests(filter: {
    requesterId?: string;
    statuses?: AccessRequest['status'][];
  }): Promise<AccessRequest[]> {
    let query = this.db.selectFrom('access_request').selectAll().orderBy('created_at', 'desc').limit(100);
    if (filter.requesterId) query = query.where('requester_id', '=', filter.requesterId);
    if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
    return (await query.execute()).map(requestFromRow);
  }

  async insertApproval(approval: Approval): Promise<void> {
    await this.db
      .insertInto('approval')
      .values({
        request_id: approval.requestId,
        step: approval.step,
        approver_id: approval.approverId,
        decision: approval.decision,
        decided_at: approval.decidedAt,
        reason: approval.reason ?? null,
        duration_seconds: approval.durationSeconds ?? null,
      })
      .execute();
  }

  async listApprovalsFor(requestIds: readonly string[]): Promise<Approval[]> {
    if (!requestIds.length) return [];
    const rows = await this.db
      .selectFrom('approval')
      .selectAll()
      .where('request_id', 'in', requestIds)
      .orderBy('decided_at')
      .execute();
    return rows.map(approvalFromRow);
  }

  async listApprovals(requestId: string): Promise<Approval[]> {
    const rows = await this.db
      .selectFrom('approval')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('decided_at')
      .execute();
    return rows.map(approvalFromRow);
  }

  async insertGrant(grant: Grant, audit?: AuditEvent): Promise<void> {
    const insert = this.db.insertInto('access_grant').values(grantToRow(grant));
    await (audit ? this.withAudit(insert.returning('id'), audit) : insert).execute();
  }

  async getGrant(id: string, options: { forUpdate?: boolean } = {}): Promise<Grant | undefined> {
    let query = this.db.selectFrom('access_grant').selectAll().where('id', '=', id);
    if (options.forUpdate) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && grantFromRow(row);
  }

  async updateGrant(id: string, patch: GrantPatch): Promise<void> {
    await this.db.updateTable('access_grant').set(grantPatchToRow(patch)).where('id', '=', id).execute();
  }

  async moveGrant(
    id: string,
    from: readonly Grant['status'][],
    patch: GrantPatch,
    audit: AuditEvent,
  ): Promise<boolean> {
    if (from.length === 0) return false;
    // A data-modifying CTE: the insert writes a row only if the update moved one, and both commit together.
    const move = this.db
      .updateTable('access_grant')
      .set(grantPatchToRow(patch))
      .where('id', '=', id)
      .where('status', 'in', from)
      .returning('id');
    const written = await this.withAudit(move, audit).returning('grant_id').execute();
    return written.length > 0;
  }

  async listGrants(filter: { requesterId?: string; statuses?: Grant['status'][] }): Promise<Grant[]> {
    let query = this.db.selectFrom('access_grant').selectAll().orderBy('created_at', 'desc').limit(100);
    if (filter.requesterId) query = query.where('requester_id', '=', filter.requesterId);
    if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
    return (await query.execute()).map(grantFromRow);
  }

  async openAccessOf(requesterId: string): Promise<{ pending: AccessRequest[]; grants: Grant[] }> {
    const row = await this.db
      .selectNoFrom((eb) => [
        jsonArrayFrom(
          eb
            .selectFrom('access_request')
            .selectAll()
            .where('requester_id', '=', requesterId)
            .where('status', '=', 'pending')
            .orderBy('created_at', 'desc')
            .limit(100),
        ).as('pending'),
        jsonArrayFrom(
          eb
            .selectFrom('access_grant')
            .selectAll()
            .where('requester_id', '=', requesterId)
            .where('status', 'in', LIVE_GRANT_STATUSES)
            .orderBy('created_at', 'desc')
            .limit(100),
        ).as('grants'),
      ])
      .executeTakeFirstOrThrow();
    // JSON carries timestamps as text; the row readers take either.
    return { pending: row.pending.map(requestFromRow), grants: row.grants.map(grantFromRow) };
  }

  async liveGrantsFor(resourceId: string, endedSince?: Date): Promise<Grant[]> {
    const rows = await this.db
      .selectFrom('access_grant')
      .selectAll()
      .where('resource_id', '=', resourceId)
      .where((eb) =>
        eb.or([
          eb('status', 'in', LIVE_GRANT_STATUSES),
          ...(endedSince ? [eb.and([eb('status', '=', 'revoked'), eb('revoked_at', '>=', endedSince)])] : []),
        ]),
      )
      .execute();
    return rows.map(grantFromRow);
  }

  async countOverlappingGrants(
    grant: Pick<Grant, 'id' | 'requesterId' | 'resourceId'>,
    options: { provisioning?: boolean } = {},
  ): Promise<number> {
    const row = await this.db
      .selectFrom('access_grant')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('requester_id', '=', grant.requesterId)
      .where('resource_id', '=', grant.resourceId)
      .where('status', 'in', options.provisioning ? ['active', 'provisioning'] : ['active'])
      .where('id', '!=', grant.id)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async getIdentityPin(slackUserId: string): Promise<IdentityPin | undefined> {
    const row = await this.db
      .selectFrom('identity_pin')
      .selectAll()
      .where('slack_user_id', '=', slackUserId)
      .executeTakeFirst();
    return row
      ? {
          slackUserId: row.slack_user_id,
          awsEmail: row.aws_email,
          pinnedBy: row.pinned_by,
          pinnedAt: new Date(row.pinned_at),
        }
      : undefined;
  }

  async awsIdentityOf(grant: Pick<Grant, 'requestId' | 'requesterId'>) {
    const row = await this.db
      .selectFrom('access_request as r')
      .leftJoin('identity_pin as p', 'p.slack_user_id', 'r.requester_id')
      .select(['p.aws_email', 'r.principal_id', 'r.principal_email'])
      .where('r.id', '=', grant.requestId)
      .where('r.requester_id', '=', grant.requesterId)
      .executeTakeFirst();
    return {
      ...(row?.aws_email ? { pinnedEmail: row.aws_email } : {}),
      ...(row?.principal_id && row.principal_email
        ? { matched: { principalId: row.principal_id, email: row.principal_email } }
        : {}),
    };
  }

  async setRequestPrincipal(requestId: string, matched: MatchedPrincipal): Promise<void> {
    await this.db
      .updateTable('access_request')
      .set({ principal_id: matched.principalId, principal_email: matched.email })
      .where('id', '=', requestId)
      .execute();
  }

  async setIdentityPin(pin: IdentityPin): Promise<void> {
    const row = { aws_email: pin.awsEmail, pinned_by: pin.pinnedBy, pinned_at: pin.pinnedAt };
    await this.db
      .insertInto('identity_pin')
      .values({ slack_user_id: pin.slackUserId, ...row })
      .onConflict((oc) => oc.column('slack_user_id').doUpdateSet(row))
      .execute();
  }

  async deleteIdentityPin(slackUserId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('identity_pin')
      .where('slack_user_id', '=', slackUserId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async listCatalog(): Promise<CatalogEntry[]> {
    return catalog.listCatalog(this.db);
  }

  async replaceCatalog(entries: readonly CatalogEntry[], keepKeys: readonly string[]): Promise<void> {
    await catalog.replaceCatalog(this.db, entries, keepKeys);
  }

  async insertSyncRun(run: SyncRun): Promise<void> {
    await catalog.insertSyncRun(this.db, run);
  }

  async lastSyncRun(): Promise<SyncRun | undefined> {
    return catalog.lastSyncRun(this.db);
  }

  async listDriftFindings(): Promise<DriftFinding[]> {
    return catalog.listDriftFindings(this.db);
  }

  async upsertDriftFinding(finding: DriftFinding): Promise<void> {
    await catalog.upsertDriftFinding(this.db, finding);
  }

  async deleteDriftFinding(resourceId: string, principalId: string): Promise<void> {
    await catalog.deleteDriftFinding(this.db, resourceId, principalId);
  }

  async catalogVersion(): Promise<string> {
    return catalog.catalogVersion(this.db);
  }

  async listTierOverrides(): Promise<TierOverride[]> {
    return catalog.listTierOverrides(this.db);
  }

  async setTierOverride(override: TierOverride): Promise<void> {
    await catalog.setTierOverride(this.db, override);
  }

  async getRecordedResource(id: string): Promise<Resource | undefined> {
    return catalog.getRecordedResource(this.db, id);
  }

  async takeLease(lease: { name: string; holder: string; now: Date; until: Date }): Promise<boolean> {
    return catalog.takeLease(this.db, lease);
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await catalog.releaseLease(this.db, name, holder);
  }

  async lastHumanApproval(filter: { requesterId: string; resourceId: string; since: Date }) {
    return reporting.lastHumanApproval(this.db, filter);
  }

  async requestHistory(filter: {
    requesterId: string;
    resourceId: string;
    since: Date;
    until: Date;
    exceptId: string;
  }) {
    return reporting.requestHistory(this.db, filter);
  }

  async statusCounts(now: Date) {
    return reporting.statusCounts(this.db, now);
  }

  async claimGrantsToProvision(
    now: Date,
    leaseUntil: Date,
    limit: number,
    onlyId?: string,
  ): Promise<Grant[]> {
    return dueWork.claimGrantsToProvision(this.db, now, leaseUntil, limit, onlyId, this.taker);
  }

  async claimGrantsToRevoke(now: Date, leaseUntil: Date, limit: number, onlyId?: string): Promise<Grant[]> {
    return dueWork.claimGrantsToRevoke(this.db, now, leaseUntil, limit, onlyId, this.taker);
  }

  async nextDueAt(): Promise<Date | undefined> {
    return dueWork.nextDueAt(this.db);
  }

  async claimGrantsToSummarize(now: Date, leaseUntil: Date, limit: number): Promise<Grant[]> {
    return dueWork.claimGrantsToSummarize(this.db, now, leaseUntil, limit);
  }

  async activityByResource(since: Date) {
    return reporting.activityByResource(this.db, since);
  }

  async claimExpiredGrants(now: Date, limit: number): Promise<Grant[]> {
    return dueWork.claimExpiredGrants(this.db, now, limit);
  }

  async claimGrantsToWarn(now: Date, limit: number): Promise<Grant[]> {
    return dueWork.claimGrantsToWarn(this.db, now, limit);
  }

  async claimStaleRequests(now: Date, limit: number): Promise<AccessRequest[]> {
    return dueWork.claimStaleRequests(this.db, now, limit);
  }

  async claimRequestsToRemind(now: Date, filedBy: Date, limit: number): Promise<AccessRequest[]> {
    return dueWork.claimRequestsToRemind(this.db, now, filedBy, limit);
  }

  async claimRequestsToEscalate(now: Date, filedBy: Date, limit: number): Promise<AccessRequest[]> {
    return dueWork.claimRequestsToEscalate(this.db, now, filedBy, limit);
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    await this.db
      .insertInto('audit_event')
      .values({
        at: event.at,
        actor: event.actor,
        action: event.action,
        request_id: event.requestId ?? null,
        grant_id: event.grantId ?? null,
        detail: JSON.stringify(event.detail ?? {}),
      })
      .execute();
  }

  async listAudit(filter: { requestId?: string; grantId?: string }): Promise<AuditEvent[]> {
    let query = this.db.selectFrom('audit_event').selectAll().orderBy('id');
    if (filter.requestId) query = query.where('request_id', '=', filter.requestId);
    if (filter.grantId) query = query.where('grant_id', '=', filter.grantId);
    return (await query.execute()).map(auditFromRow);
  }

  async listRecentAudit(limit: number): Promise<AuditEvent[]> {
    const rows = await this.db
      .selectFrom('audit_event')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(auditFromRow);
  }

  async auditThread(requestId: string): Promise<string | undefined> {
    const remembered = this.threads.get(requestId);
    if (remembered) return remembered;
    const row = await this.db
      .selectFrom('access_request')
      .select('audit_thread_ts')
      .where('id', '=', requestId)
      .executeTakeFirst();
    const ts = row?.audit_thread_ts ?? undefined;
    // Inside a transaction the value may not be committed yet; outside it, it is final.
    if (ts && !this.db.isTransaction) this.threads.set(requestId, ts);
    return ts;
  }

  /** Sets the thread only if the request has none yet: the first post of a request wins. */
  async setAuditThread(requestId: string, ts: string): Promise<void> {
    const result = await this.db
      .updateTable('access_request')
      .set({ audit_thread_ts: ts })
      .where('id', '=', requestId)
      .where('audit_thread_ts', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return;
    if (this.db.isTransaction) this.threadsSetHere.add(requestId);
    else this.threads.set(requestId, ts);
  }

  async insertSlackMessage(ref: SlackMessageRef): Promise<void> {
    await this.db
      .insertInto('slack_message')
      .values({
        request_id: ref.requestId,
        step: ref.step,
        recipient_id: ref.recipientId,
        channel: ref.channel,
        ts: ref.ts,
      })
      .onConflict((oc) => oc.columns(['channel', 'ts']).doNothing())
      .execute();
  }

  async listSlackMessages(requestId: string): Promise<SlackMessageRef[]> {
    const rows = await this.db
      .selectFrom('slack_message')
      .selectAll()
      .where('request_id', '=', requestId)
      .execute();
    return rows.map(slackMessageFromRow);
  }

  async upsertPerson(person: Person & { identityCenterUserId?: string }): Promise<void> {
    const row = {
      slack_user_id: person.slackUserId,
      email: person.email ?? null,
      name: person.name,
      updated_at: new Date(),
    };
    await this.db
      .insertInto('person')
      .values({ ...row, identity_center_user_id: person.identityCenterUserId ?? null })
      .onConflict((oc) =>
        oc.column('slack_user_id').doUpdateSet({
          ...row,
          ...(person.identityCenterUserId ? { identity_center_user_id: person.identityCenterUserId } : {}),
        }),
      )
      .execute();
  }

  async syncResources(resources: readonly Resource[]): Promise<void> {
    for (const resource of resources) {
      const row = {
        name: resource.name,
        kind: resource.kind,
        tier: resource.tier,
        account_id: resource.accountId ?? null,
        permission_set_arn: resource.permissionSetArn ?? null,
        group_name: resource.groupName ?? null,
        group_id: resource.groupId ?? null,
        owners: JSON.stringify(resource.owners),
        enforce: resource.enforce,
        synced_at: new Date(),
      };
      await this.db
        .insertInto('resource')
        .values({ id: resource.id, ...row })
        .onConflict((oc) => oc.column('id').doUpdateSet(row))
        .execute();
    }
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }
}
