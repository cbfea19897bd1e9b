import { type IAMClient, paginateListUsers, paginateListUserTags } from '@aws-sdk/client-iam';
import { ProvisioningError } from '../core/errors.js';
import { toProvisioningError } from './aws-errors.js';

const EMAIL_TAGS = ['email', 'Email'];
/** How many ListUserTags calls run at once while scanning an account's users. */
const TAG_READS_AT_ONCE = 4;

/**
 * Email → IAM user name in one account (DESIGN §1): the user tagged `email` (or `Email`) with it,
 * else the user named the email, else the user named its local part. Two users tagged with the
 * same email is an error, never a guess. Tags are not in ListUsers, so each user's tags are read.
 */
export async function findIamUser(client: IAMClient, accountId: string, email: string): Promise<string> {
  const wanted = email.toLowerCase();
  const names: string[] = [];
  try {
    for await (const page of paginateListUsers({ client }, {})) {
      for (const user of page.Users ?? []) if (user.UserName) names.push(user.UserName);
    }
  } catch (error) {
    throw toProvisioningError('iam:ListUsers', error);
  }

  const tagged: string[] = [];
  for (let i = 0; i < names.length; i += TAG_READS_AT_ONCE) {
    const batch = names.slice(i, i + TAG_READS_AT_ONCE);
    const matches = await Promise.all(batch.map((name) => hasEmailTag(client, name, wanted)));
    batch.forEach((name, j) => {
      if (matches[j]) tagged.push(name);
    });
  }
  if (tagged.length > 1) {
    throw new ProvisioningError(
      `IAM users ${tagged.join(', ')} in account ${accountId} are all tagged with ${email}; keep the tag on one`,
      false,
    );
  }
  const [byTag] = tagged;
  if (byTag) return byTag;

  const localPart = wanted.split('@')[0] ?? wanted;
  const byName =
    names.find((name) => name.toLowerCase() === wanted) ??
    names.find((name) => name.toLowerCase() === localPart);
  if (byName) return byName;
  throw new ProvisioningError(
    `no IAM user in account ${accountId} is tagged email=${email} or named ${email} or ${localPart}`,
    false,
  );
}

async function hasEmailTag(client: IAMClient, userName: string, wanted: string): Promise<boolean> {
  try {
    for await (const page of paginateListUserTags({ client }, { UserName: userName })) {
      const tags = page.Tags ?? [];
      if (tags.some((t) => EMAIL_TAGS.includes(t.Key ?? '') && t.Value?.trim().toLowerCase() === wanted)) {
        return true;
      }
    }
    return false;
  } catch (error) {
    // The user was deleted while we scanned: not a match.
    if ((error as Error).name === 'NoSuchEntityException') return false;
    throw toProvisioningError('iam:ListUserTags', error);
  }
}
