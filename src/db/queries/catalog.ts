import { type Kysely, type Selectable, sql } from 'kysely';
import type {
  CatalogEntry,
  DriftFinding,
  Resource,
  ResourceKind,
  SyncFailure,
  SyncRun,
  TierOverride,
} from '../../core/model.js';
import type { Database, DiscoveredResourceTable, SyncRunTable } from '../schema.js';

/* The catalog sync found in AWS, the record of each sync, and the lease that keeps syncs one at a time. */

export async function listCatalog(db: Kysely<Database>): Promise<CatalogEntry[]> {
  const rows = await db
    .selectFrom('discovered_resource')
    .selectAll()
    .orderBy('kind')
    .orderBy('name')
    .execute();
  return rows.map(entryFromRow);
}

/** Upserts `entries` by key and deletes every other entry except those in `keepKeys`. */
/** Rows per statement: 12 parameters each, far inside PostgreSQL's 65,535. */
const UPSERT_CHUNK = 1000;

export async function replaceCatalog(
  db: Kysely<Database>,
  entries: readonly CatalogEntry[],
  keepKeys: readonly string[],
): Promise<void> {
  const inTransaction = (work: (tx: Kysely<Database>) => Promise<void>) =>
    db.isTransaction ? work(db) : db.transaction().execute(work);
  await inTransaction(async (tx) => {
    const keys = [...entries.map((e) => e.key), ...keepKeys];
    // Ids move between keys only through deletion first, so the unique id never collides mid-way.
    if (keys.length) {
      await tx.deleteFrom('discovered_resource').where('key', 'not in', keys).execute();
    } else {
      await tx.deleteFrom('discovered_resource').execute();
    }
    // Later entries win, as one upsert per entry would; a multi-row upsert may touch a key only once.
    const rows = new Map(
      entries.map((entry) => [
        entry.key,
        {
          key: entry.key,
          first_seen_at: entry.lastSeenAt,
          id: entry.id,
          kind: entry.kind,
          name: entry.name,
          account_id: entry.accountId ?? null,
          account_name: entry.accountName ?? null,
          permission_set_arn: entry.permissionSetArn ?? null,
          group_name: entry.groupName ?? null,
          group_id: entry.groupId ?? null,
          policy_resource_id: entry.policyResourceId ?? null,
          last_seen_at: entry.lastSeenAt,
        },
      ]),
    );
    const all = [...rows.values()];
    for (let start = 0; start < all.length; start += UPSERT_CHUNK) {
      await tx
        .insertInto('discovered_resource')
        .values(all.slice(start, start + UPSERT_CHUNK))
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            id: eb.ref('excluded.id'),
            kind: eb.ref('excluded.kind'),
            name: eb.ref('excluded.name'),
            account_id: eb.ref('excluded.account_id'),
            account_name: eb.ref('excluded.account_name'),
            permission_set_arn: eb.ref('excluded.permission_set_arn'),
            group_name: eb.ref('excluded.group_name'),
            group_id: eb.ref('excluded.group_id'),
            policy_resource_id: eb.ref('excluded.policy_resource_id'),
            last_seen_at: eb.ref('excluded.last_seen_at'),
          })),
        )
        .execute();
    }
  });
}

export async function insertSyncRun(db: Kysely<Database>, run: SyncRun): Promise<void> {
  await db
    .insertInto('sync_run')
    .values({
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      trigger: run.trigger,
      actor: run.actor,
      accounts: run.accounts,
      resources: run.resources,
      unclassified: run.unclassified,
      missing: JSON.stringify(run.missing),
      failures: JSON.stringify(run.failures),
      calls: run.calls,
      duration_ms: run.durationMs,
    })
    .execute();
}

export async function lastSyncRun(db: Kysely<Database>): Promise<SyncRun | undefined> {
  const row = await db.selectFrom('sync_run').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? runFromRow(row) : undefined;
}

/**
 * Takes (or renews) the named lease for `holder` until `until` when it is free or expired.
 * One statement, so two replicas racing for it cannot both win.
 */
export async function takeLease(
  db: Kysely<Database>,
  lease: { name: string; holder: string; now: Date; until: Date },
): Promise<boolean> {
  const row = await db
    .insertInto('lease')
    .values({ name: lease.name, holder: lease.holder, held_until: lease.until })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder: lease.holder, held_until: lease.until })
        .where((eb) =>
          eb.or([eb('lease.held_until', '<', lease.now), eb('lease.holder', '=', lease.holder)]),
        ),
    )
    .returning('name')
    .executeTakeFirst();
  return row !== undefined;
}

export async function releaseLease(db: Kysely<Database>, name: string, holder: string): Promise<void> {
  await db.deleteFrom('lease').where('name', '=', name).where('holder', '=', holder).execute();
}

function entryFromRow(row: Selectable<DiscoveredResourceTable>): CatalogEntry {
  return {
    key: row.key,
    id: row.id,
    kind: row.kind as ResourceKind,
    name: row.name,
    ...(row.account_id ? { accountId: row.account_id } : {}),
    ...(row.account_name ? { accountName: row.account_name } : {}),
    ...(row.permission_set_arn ? { permissionSetArn: row.permission_set_arn } : {}),
    ...(row.group_name ? { groupName: row.group_name } : {}),
    ...(row.group_id ? { groupId: row.group_id } : {}),
    ...(row.policy_resource_id ? { policyResourceId: row.policy_resource_id } : {}),
    lastSeenAt: new Date(row.last_seen_at),
  };
}

function runFromRow(row: Selectable<SyncRunTable>): SyncRun {
  return {
    startedAt: new Date(row.started_at),
    finishedAt: new Date(row.finished_at),
    trigger: row.trigger as SyncRun['trigger'],
    actor: row.actor,
    accounts: row.accounts,
    resources: row.resources,
    unclassified: row.unclassified,
    missing: JSON.parse(row.missing) as string[],
    failures: JSON.parse(row.failures) as SyncFailure[],
    calls: row.calls,
    durationMs: row.duration_ms,
  };
}

/** Changes whenever a tier is set or a sync recorded: whether the resources need reading again. */
/**
 * Changes whenever any tier override or the latest sync does. The overrides are folded in whole:
 * the newest `set_at` and a count miss a tier set back at the same instant, or set by a replica
 * whose clock runs behind, and the live policy then kept the old tier.
 */
export async function catalogVersion(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ tiers: string; sync: string | null }>`
    select
      (select md5(coalesce(string_agg(resource_id || '=' || tier, ',' order by resource_id), ''))
         from tier_override) as tiers,
      (select max(id)::text from sync_run) as sync`.execute(db);
  const row = rows[0];
  return `${row?.tiers ?? ''}|${row?.sync ?? 0}`;
}

export async function listTierOverrides(db: Kysely<Database>): Promise<TierOverride[]> {
  const rows = await db.selectFrom('tier_override').selectAll().orderBy('resource_id').execute();
  return rows.map((row) => ({
    resourceId: row.resource_id,
    tier: row.tier,
    setBy: row.set_by,
    setAt: new Date(row.set_at),
  }));
}

export async function setTierOverride(db: Kysely<Database>, override: TierOverride): Promise<void> {
  const row = { tier: override.tier, set_by: override.setBy, set_at: override.setAt };
  await db
    .insertInto('tier_override')
    .values({ resource_id: override.resourceId, ...row })
    .onConflict((oc) => oc.column('resource_id').doUpdateSet(row))
    .execute();
}

/** A resource as last recorded, even if the policy or the catalog no longer has it (to revoke its grants). */
export async function getRecordedResource(db: Kysely<Database>, id: string): Promise<Resource | undefined> {
  const row = await db.selectFrom('resource').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as ResourceKind,
    tier: row.tier,
    ...(row.account_id ? { accountId: row.account_id } : {}),
    ...(row.permission_set_arn ? { permissionSetArn: row.permission_set_arn } : {}),
    ...(row.group_name ? { groupName: row.group_name } : {}),
    ...(row.group_id ? { groupId: row.group_id } : {}),
    owners: typeof row.owners === 'string' ? JSON.parse(row.owners) : row.owners,
    enforce: row.enforce,
  };
}

export async function listDriftFindings(db: Kysely<Database>): Promise<DriftFinding[]> {
  const rows = await db
    .selectFrom('drift_finding')
    .selectAll()
    .orderBy('found_at')
    .orderBy('resource_id')
    .orderBy('principal_id')
    .execute();
  return rows.map((row) => ({
    resourceId: row.resource_id,
    principalId: row.principal_id,
    foundAt: new Date(row.found_at),
    lastSeenAt: new Date(row.last_seen_at),
  }));
}

export async function upsertDriftFinding(db: Kysely<Database>, finding: DriftFinding): Promise<void> {
  await db
    .insertInto('drift_finding')
    .values({
      resource_id: finding.resourceId,
      principal_id: finding.principalId,
      found_at: finding.foundAt,
      last_seen_at: finding.lastSeenAt,
    })
    .onConflict((oc) =>
      oc.columns(['resource_id', 'principal_id']).doUpdateSet({ last_seen_at: finding.lastSeenAt }),
    )
    .execute();
}

export async function deleteDriftFinding(db: Kysely<Database>, resourceId: string, principalId: string) {
  await db
    .deleteFrom('drift_finding')
    .where('resource_id', '=', resourceId)
    .where('principal_id', '=', principalId)
    .execute();
}
