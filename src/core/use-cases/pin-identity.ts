import { LatchError } from '../errors.js';
import type { IdentityPin } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { requireAdmin } from './require-admin.js';

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/**
 * An admin links a Slack user to the email Latch matches in AWS, for people whose AWS identity is
 * not their Slack email. Only whom AWS matches changes: approvals still go by the Slack identity,
 * and the person still needs a confirmed Slack email to ask. Audited; a policy's
 * `allowed_email_domains` bound the pin as they bound Slack emails.
 */
export async function pinIdentity(
  deps: LatchDeps,
  input: { adminId: string; userId: string; email: string },
): Promise<{ pin: IdentityPin; previous?: string }> {
  await requireAdmin(deps, input.adminId, 'admin pin');
  const email = input.email.trim().toLowerCase();
  const domains = deps.policy.allowedEmailDomains;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (!EMAIL.test(email) || (domains?.length && !domains.includes(domain))) {
    throw new LatchError('invalid_email', {
      email: input.email,
      ...(domains?.length ? { domains: domains.join(', ') } : {}),
    });
  }
  const slackUserId = await resolveUser(deps, input.userId);
  const pin: IdentityPin = {
    slackUserId,
    awsEmail: email,
    pinnedBy: input.adminId,
    pinnedAt: deps.clock.now(),
  };
  const previous = await deps.store.transaction(async (tx) => {
    const earlier = await tx.getIdentityPin(slackUserId);
    await tx.setIdentityPin(pin);
    await tx.appendAudit({
      at: pin.pinnedAt,
      actor: input.adminId,
      action: 'identity.pinned',
      detail: {
        slackUserId,
        awsEmail: email,
        ...(earlier ? { previous: earlier.awsEmail } : {}),
      },
    });
    return earlier?.awsEmail;
  });
  deps.log.info({ slackUserId, awsEmail: email, by: input.adminId }, 'identity pinned');
  return { pin, ...(previous ? { previous } : {}) };
}

/** Removes a pin; the person is matched by their Slack email again. False when there was none. */
export async function unpinIdentity(
  deps: LatchDeps,
  input: { adminId: string; userId: string },
): Promise<{ slackUserId: string; removed: boolean }> {
  await requireAdmin(deps, input.adminId, 'admin unpin');
  const slackUserId = await resolveUser(deps, input.userId);
  const removed = await deps.store.transaction(async (tx) => {
    const earlier = await tx.getIdentityPin(slackUserId);
    if (!earlier) return false;
    await tx.deleteIdentityPin(slackUserId);
    await tx.appendAudit({
      at: deps.clock.now(),
      actor: input.adminId,
      action: 'identity.unpinned',
      detail: { slackUserId, awsEmail: earlier.awsEmail },
    });
    return true;
  });
  return { slackUserId, removed };
}

/** A Slack user id or Slack email → a Slack user id that exists. */
async function resolveUser(deps: LatchDeps, ref: string): Promise<string> {
  const id = await deps.directory.slackUserIdFor(ref).catch(() => undefined);
  const person = id && (await deps.directory.person(id).catch(() => undefined));
  if (!id || !person) throw new LatchError('unknown_slack_user', { user: ref });
  return id;
}
