import type { Kysely, Selectable } from 'kysely';
import type { CatalogEntry, ResourceKind, SyncFailure, SyncRun } from '../../core/model.js';
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
    for (const entry of entries) {
      const row = {
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
      };
      await tx
        .insertInto('discovered_resource')
        .values({ key: entry.key, first_seen_at: entry.lastSeenAt, ...row })
        .onConflict((oc) => oc.column('key').doUpdateSet(row))
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
