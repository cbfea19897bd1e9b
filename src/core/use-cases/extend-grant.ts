import { requestableResource } from '../catalog.js';
import { checkDuration } from '../duration.js';
import { LatchError } from '../errors.js';
import { isPlausibleId, normalizeId } from '../ids.js';
import { logWithIds } from '../log-with-ids.js';
import type { Grant } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { durationChoices } from '../tiers.js';
import { checkTypedText } from '../typed-text.js';
import { recordRefusal } from './audit-refusal.js';
import { type FileRequestResult, fileRequest, MAX_JUSTIFICATION_LENGTH } from './file-request.js';
import { postAudit } from './post-audit.js';

/** What an `Extend` form may offer for your grant: durations inside the tier's room left. */
export async function extensionChoices(
  deps: LatchDeps,
  input: { grantId: string; requesterId: string },
): Promise<{ grant: Grant; choices: number[] }> {
  const grant = await extendableGrant(deps, normalizeId(input.grantId), input.requesterId);
  const { tier } = requestableResource(deps.policy, grant.resourceId);
  const room =
    tier.maxDurationSeconds - Math.round((grant.expiresAt.getTime() - grant.provisionedAt.getTime()) / 1000);
  if (room <= 0)
    throw new LatchError('extension_exhausted', {
      grantId: grant.id,
      tier: tier.name,
      limitSeconds: tier.maxDurationSeconds,
    });
  return {
    grant,
    choices: durationChoices({
      minDurationSeconds: Math.min(tier.minDurationSeconds, room),
      maxDurationSeconds: room,
    }),
  };
}

export type ExtendGrantResult =
  | { outcome: 'extended'; grant: Grant }
  /** The approval is no longer valid: a new request goes through the tier's approvers. */
  | { outcome: 'needs_approval'; filed: FileRequestResult };

/**
 * Extends your active grant. Within the tier's max_duration counted from the grant's start,
 * it is granted at once while the approval is still valid (approval_validity) or the tier
 * auto-approves; otherwise the extension is filed as a new request for the approvers.
 */
export async function extendGrant(
  deps: LatchDeps,
  input: { grantId: string; requesterId: string; durationText: string; justification?: string },
): Promise<ExtendGrantResult> {
  const grantId = normalizeId(input.grantId);
  const current = await extendableGrant(deps, grantId, input.requesterId);
  const { resource, tier } = requestableResource(deps.policy, current.resourceId);
  const usedSeconds = Math.round((current.expiresAt.getTime() - current.provisionedAt.getTime()) / 1000);
  const room = tier.maxDurationSeconds - usedSeconds;
  const check = checkDuration(input.durationText, {
    minSeconds: Math.min(tier.minDurationSeconds, room),
    maxSeconds: room,
  });
  if (!check.ok) {
    if (check.reason === 'malformed') throw new LatchError('bad_duration', { duration: input.durationText });
    if (room <= 0)
      throw new LatchError('extension_exhausted', {
        grantId,
        tier: tier.name,
        limitSeconds: tier.maxDurationSeconds,
      });
    throw new LatchError(`duration_${check.reason}`, {
      duration: input.durationText,
      limitSeconds: check.limitSeconds ?? 0,
      tier: tier.name,
    });
  }

  if (input.justification) {
    const prefix = extensionJustification(grantId, input.durationText, '');
    checkTypedText('justification', input.justification, MAX_JUSTIFICATION_LENGTH - prefix.length);
  }

  const request = await deps.store.getRequest(current.requestId);
  const now = deps.clock.now();
  const approvalValidUntil = (request?.decidedAt?.getTime() ?? 0) + tier.approvalValiditySeconds * 1000;
  if (tier.steps.length > 0 && approvalValidUntil <= now.getTime()) {
    const filed = await fileRequest(deps, {
      requesterId: input.requesterId,
      resourceId: resource.id,
      durationText: input.durationText,
      justification: extensionJustification(grantId, input.durationText, input.justification ?? ''),
    });
    return { outcome: 'needs_approval', filed };
  }

  const extended = await deps.store.transaction(async (tx) => {
    const grant = await tx.getGrant(grantId, { forUpdate: true });
    if (grant?.status !== 'active' || !grant.expiresAt)
      throw new LatchError('grant_not_active', { grantId, status: grant?.status ?? 'gone' });
    const expiresAt = new Date(grant.expiresAt.getTime() + check.seconds * 1000);
    const warnAt = new Date(expiresAt.getTime() - tier.warnBeforeSeconds * 1000);
    const durationSeconds = grant.durationSeconds + check.seconds;
    await tx.updateGrant(grantId, { expiresAt, warnAt, warnedAt: undefined, durationSeconds });
    await tx.appendAudit({
      at: now,
      actor: input.requesterId,
      action: 'grant.extended',
      requestId: grant.requestId,
      grantId,
      detail: {
        bySeconds: check.seconds,
        expiresAt: expiresAt.toISOString(),
        ...(input.justification ? { justification: input.justification } : {}),
      },
    });
    return { ...grant, expiresAt, warnAt, durationSeconds, warnedAt: undefined } as Grant;
  });
  logWithIds(deps.log, { requestId: extended.requestId, grantId }).info(
    { bySeconds: check.seconds, expiresAt: extended.expiresAt?.toISOString() },
    'grant extended',
  );
  await postAudit(deps, {
    action: 'grant.extended',
    actor: input.requesterId,
    resource,
    requesterId: input.requesterId,
    requestId: extended.requestId,
    grantId,
  });
  return { outcome: 'extended', grant: extended };
}

function extensionJustification(grantId: string, durationText: string, justification: string): string {
  return `Extend grant ${grantId} by ${durationText}${justification ? `: ${justification}` : ''}`;
}

type ActiveGrant = Grant & { expiresAt: Date; provisionedAt: Date };

function isActive(grant: Grant): grant is ActiveGrant {
  return grant.status === 'active' && grant.expiresAt !== undefined && grant.provisionedAt !== undefined;
}

/** The caller's own active grant; anything else is refused, and a refusal about a real grant is audited. */
async function extendableGrant(deps: LatchDeps, grantId: string, requesterId: string): Promise<ActiveGrant> {
  const grant = isPlausibleId(grantId) ? await deps.store.getGrant(grantId) : undefined;
  if (!grant) throw new LatchError('unknown_grant', { grantId });
  if (grant.requesterId === requesterId && isActive(grant)) return grant;
  const refusal =
    grant.requesterId !== requesterId
      ? new LatchError('not_your_grant', { grantId })
      : new LatchError('grant_not_active', { grantId, status: grant.status });
  await recordRefusal(deps, { actor: requesterId, attempted: 'extend', reason: refusal.code, grantId });
  throw refusal;
}
