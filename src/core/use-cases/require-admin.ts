import { isPerson } from '../approvers.js';
import { LatchError } from '../errors.js';
import type { Person } from '../model.js';
import type { LatchDeps } from '../ports.js';
import { recordRefusal } from './audit-refusal.js';

/**
 * The caller as Slack knows them, if the policy lists them as an admin; otherwise the attempt
 * (`attempted`, e.g. `admin sync`) is audited and `admins_only` thrown.
 */
export async function requireAdmin(
  deps: Pick<LatchDeps, 'directory' | 'policy' | 'store' | 'clock' | 'log'>,
  userId: string,
  attempted: string,
): Promise<Person> {
  const admin = await deps.directory.person(userId);
  if (deps.policy.admins.some((ref) => isPerson(ref, admin))) return admin;
  await recordRefusal(deps, { actor: userId, attempted, reason: 'admins_only' });
  throw new LatchError('admins_only');
}
