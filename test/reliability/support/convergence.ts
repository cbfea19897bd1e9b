import type { AuditRow, GrantRow, Outcome, RequestRow } from './read-outcome.js';

/*
 * What "converged" means after crashes, as pure checks over what Latch left in its database and
 * what AWS holds. Each returns the violations it found, in words, so a failure names them.
 */

const FINAL_REQUEST = new Set(['approved', 'denied', 'expired', 'cancelled']);
const FINAL_GRANT = new Set(['revoked', 'failed']);

/** AWS's members of each resource must be exactly the principals of its active grants. */
export function accessMismatches(grants: GrantRow[], holders: Record<string, string[]>): string[] {
  const found: string[] = [];
  for (const [resourceId, inAws] of Object.entries(holders)) {
    const granted = new Set(
      grants
        .filter((g) => g.resourceId === resourceId && g.status === 'active')
        .map((g) => g.principalId ?? `(no principal: ${g.id})`),
    );
    const held = new Set(inAws);
    for (const principal of granted) {
      if (!held.has(principal)) found.push(`${resourceId}: active grant for ${principal}, absent in AWS`);
    }
    for (const principal of held) {
      if (!granted.has(principal))
        found.push(`${resourceId}: ${principal} holds it in AWS with no active grant`);
    }
  }
  return found;
}

/** Requests still pending and grants not yet revoked or failed; `live` lists the states allowed now. */
export function unfinishedWork(
  outcome: Outcome,
  live: { requests?: string[]; grants?: string[] } = {},
): string[] {
  const requestOk = new Set([...FINAL_REQUEST, ...(live.requests ?? [])]);
  const grantOk = new Set([...FINAL_GRANT, ...(live.grants ?? [])]);
  return [
    ...outcome.requests.filter((r) => !requestOk.has(r.status)).map((r) => `request ${r.id} is ${r.status}`),
    ...outcome.grants.filter((g) => !grantOk.has(g.status)).map((g) => `grant ${g.id} is ${g.status}`),
  ];
}

/** Every approved request has exactly one grant; nothing else has one. */
export function grantsPerRequest(outcome: Outcome): string[] {
  const found: string[] = [];
  for (const request of outcome.requests) {
    const grants = outcome.grants.filter((g) => g.requestId === request.id).length;
    const expected = request.status === 'approved' ? 1 : 0;
    if (grants !== expected) found.push(`request ${request.id} (${request.status}) has ${grants} grants`);
  }
  return found;
}

function countBy(rows: AuditRow[], key: (row: AuditRow) => string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const k = key(row);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/**
 * Each transition is in the audit log exactly once, and only transitions that happened: the
 * number of rows of each action equals what the request's or grant's final state implies.
 */
export function auditViolations(outcome: Outcome): string[] {
  const found: string[] = [];
  const byRequest = countBy(outcome.audit, (a) =>
    a.requestId && !a.grantId ? `${a.requestId} ${a.action}` : undefined,
  );
  const byGrant = countBy(outcome.audit, (a) => (a.grantId ? `${a.grantId} ${a.action}` : undefined));
  const expect = (counts: Map<string, number>, id: string, action: string, want: number) => {
    const got = counts.get(`${id} ${action}`) ?? 0;
    if (got !== want) found.push(`${id}: ${action} logged ${got} times, expected ${want}`);
  };
  for (const request of outcome.requests) {
    expect(byRequest, request.id, 'request.filed', 1);
    for (const status of FINAL_REQUEST) {
      expect(byRequest, request.id, `request.${status}`, request.status === status ? 1 : 0);
    }
    expect(byRequest, request.id, 'request.reminded', request.remindedAt ? 1 : 0);
    expect(byRequest, request.id, 'request.escalated', request.escalatedAt ? 1 : 0);
  }
  for (const grant of outcome.grants) {
    expect(byGrant, grant.id, 'grant.provisioning', 1);
    expect(byGrant, grant.id, 'grant.active', grant.provisionedAt ? 1 : 0);
    expect(byGrant, grant.id, 'grant.failed', grant.status === 'failed' ? 1 : 0);
    expect(byGrant, grant.id, 'grant.warned', grant.warnedAt ? 1 : 0);
    const revoking = grant.status === 'revoking' || grant.status === 'revoked';
    expect(byGrant, grant.id, 'grant.revoking', revoking ? 1 : 0);
    expect(byGrant, grant.id, 'grant.revoked', grant.status === 'revoked' ? 1 : 0);
  }
  const requests = new Set(outcome.requests.map((r) => r.id));
  const grants = new Set(outcome.grants.map((g) => g.id));
  for (const row of outcome.audit) {
    if (row.requestId && !requests.has(row.requestId))
      found.push(`audit ${row.action} of unknown request ${row.requestId}`);
    if (row.grantId && !grants.has(row.grantId))
      found.push(`audit ${row.action} of unknown grant ${row.grantId}`);
  }
  return found;
}

/** When a Latch process was up: from answering /readyz to its kill (or stop); open while it runs. */
export interface Uptime {
  readyAt: number;
  downAt?: number;
}

/**
 * A grant must be revoked within `boundMs` of the moment it was both expired and Latch was up:
 * its expiry, or the first restart after it. A process that died before `boundMs` had passed owed
 * nothing, and the clock starts again at the next restart. Returns violations and the worst lateness.
 */
export function lateRevocations(
  grants: GrantRow[],
  uptimes: Uptime[],
  boundMs: number,
): { violations: string[]; worstMs: number; measured: number; worst?: string } {
  const violations: string[] = [];
  let worstMs = 0;
  let worst: string | undefined;
  let measured = 0;
  const sorted = [...uptimes].sort((a, b) => a.readyAt - b.readyAt);
  for (const grant of grants) {
    if (grant.expiresAt === undefined || grant.status === 'failed') continue;
    if (grant.revokedAt !== undefined && grant.revokedAt < grant.expiresAt) {
      violations.push(
        `grant ${grant.id} was revoked ${grant.expiresAt - grant.revokedAt} ms before it expired`,
      );
      continue;
    }
    for (const up of sorted) {
      const from = Math.max(grant.expiresAt, up.readyAt);
      if (up.downAt !== undefined && up.downAt < from + boundMs) {
        // Down before the bound ran out: revoked in time if at all, else owed by a later run.
        if (grant.revokedAt !== undefined && grant.revokedAt <= up.downAt && grant.revokedAt >= from) {
          measured += 1;
          if (grant.revokedAt - from > worstMs) {
            worstMs = grant.revokedAt - from;
            worst = describe(grant, up);
          }
          break;
        }
        continue;
      }
      const lateness = (grant.revokedAt ?? Number.POSITIVE_INFINITY) - from;
      measured += 1;
      if (lateness > worstMs) {
        worstMs = lateness;
        worst = describe(grant, up);
      }
      if (lateness > boundMs) {
        violations.push(
          `grant ${grant.id} (${grant.resourceId}) revoked ${grant.revokedAt === undefined ? 'never' : `${lateness} ms`} after ${from === grant.expiresAt ? 'its expiry' : 'the restart after its expiry'}`,
        );
      }
      break;
    }
  }
  return { violations, worstMs, measured, ...(worst ? { worst } : {}) };
}

function describe(grant: GrantRow, up: Uptime): string {
  const at = (ms: number | undefined) =>
    ms === undefined ? 'never' : new Date(ms).toISOString().slice(11, 23);
  return `${grant.id} (${grant.resourceId}) expired ${at(grant.expiresAt)}, revoked ${at(grant.revokedAt)}; Latch up ${at(up.readyAt)}–${at(up.downAt)}`;
}

export function requestIds(requests: RequestRow[]): Set<string> {
  return new Set(requests.map((r) => r.id));
}
