import type { LatchDeps, Store } from '../ports.js';

export interface Refusal {
  /** Who asked: a Slack user id. */
  actor: string;
  /** What they tried, in the words of the command or button: `cancel`, `admin sync`, `tier change`. */
  attempted: string;
  /** Why it was refused: a LatchError code, or `foreign_workspace`. */
  reason: string;
  requestId?: string;
  grantId?: string;
  detail?: Record<string, unknown>;
}

/**
 * Records that someone tried what the policy does not let them do (`action.refused`), so the audit
 * log shows attempts as well as changes. Takes the store or a transaction: a refusal found inside
 * one is written there, and the transaction then returns its error instead of throwing it.
 */
export async function auditRefusal(
  store: Pick<Store, 'appendAudit'>,
  at: Date,
  refusal: Refusal,
): Promise<void> {
  const { actor, attempted, reason, requestId, grantId, detail } = refusal;
  await store.appendAudit({
    at,
    actor,
    action: 'action.refused',
    ...(requestId ? { requestId } : {}),
    ...(grantId ? { grantId } : {}),
    detail: { attempted, reason, ...detail },
  });
}

/** The same, outside any transaction, for a refusal found before one starts; also logged. */
export async function recordRefusal(
  deps: Pick<LatchDeps, 'store' | 'clock' | 'log'>,
  refusal: Refusal,
): Promise<void> {
  deps.log.warn(
    { actor: refusal.actor, attempted: refusal.attempted, reason: refusal.reason, ...refusal.detail },
    'refused',
  );
  await auditRefusal(deps.store, deps.clock.now(), refusal);
}
