import { connectDatabase } from '../../../src/db/connect.js';

export interface RequestRow {
  id: string;
  status: string;
  resourceId: string;
  createdAt: number;
  remindedAt: number | undefined;
  escalatedAt: number | undefined;
}

export interface GrantRow {
  id: string;
  requestId: string;
  status: string;
  resourceId: string;
  principalId: string | undefined;
  provisionedAt: number | undefined;
  expiresAt: number | undefined;
  warnedAt: number | undefined;
  revokedAt: number | undefined;
  attempts: number;
}

export interface AuditRow {
  action: string;
  requestId: string | undefined;
  grantId: string | undefined;
}

/** What a stopped Latch left in its database: every request, grant and audit row. */
export interface Outcome {
  requests: RequestRow[];
  grants: GrantRow[];
  audit: AuditRow[];
}

const ms = (value: Date | string | null) => (value === null ? undefined : new Date(value).getTime());

/** Reads the database of a Latch that is not running (PGlite allows one process on its directory). */
export async function readOutcome(database: { dataDir: string } | { databaseUrl: string }): Promise<Outcome> {
  const { db, close } = connectDatabase(database);
  try {
    const [requests, grants, audit] = await Promise.all([
      db.selectFrom('access_request').selectAll().execute(),
      db.selectFrom('access_grant').selectAll().execute(),
      db.selectFrom('audit_event').select(['action', 'request_id', 'grant_id']).orderBy('id').execute(),
    ]);
    return {
      requests: requests.map((r) => ({
        id: r.id,
        status: r.status,
        resourceId: r.resource_id,
        createdAt: new Date(r.created_at).getTime(),
        remindedAt: ms(r.reminded_at),
        escalatedAt: ms(r.escalated_at),
      })),
      grants: grants.map((g) => ({
        id: g.id,
        requestId: g.request_id,
        status: g.status,
        resourceId: g.resource_id,
        principalId: g.principal_id ?? undefined,
        provisionedAt: ms(g.provisioned_at),
        expiresAt: ms(g.expires_at),
        warnedAt: ms(g.warned_at),
        revokedAt: ms(g.revoked_at),
        attempts: g.attempts,
      })),
      audit: audit.map((a) => ({
        action: a.action,
        requestId: a.request_id ?? undefined,
        grantId: a.grant_id ?? undefined,
      })),
    };
  } finally {
    await close();
  }
}
