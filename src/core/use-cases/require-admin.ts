import { isPerson } from '../approvers.js';
import { LatchError } from '../errors.js';
import type { Person } from '../model.js';
import type { LatchDeps } from '../ports.js';

/** The caller as Slack knows them, if the policy lists them as an admin; `admins_only` otherwise. */
export async function requireAdmin(
  deps: Pick<LatchDeps, 'directory' | 'policy'>,
  userId: string,
): Promise<Person> {
  const admin = await deps.directory.person(userId);
  if (!deps.policy.admins.some((ref) => isPerson(ref, admin))) throw new LatchError('admins_only');
  return admin;
}
