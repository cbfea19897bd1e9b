import { type IAMClient, paginateListUsers, paginateListUserTags } from '@aws-sdk/client-iam';
import { ProvisioningError } from '../core/errors.js';
import { toProvisioningError } from './aws-errors.js';

const EMAIL_TAGS = ['email', 'Email'];
/** How many ListUserTags calls run at once while scanning an account's users. */
const TAG_READS_AT_ONCE = 4;

/** An account's IAM users, in ListUsers order, each with the emails its `email`/`Email` tags hold (lower case). */
export type IamUserDirectory = ReadonlyArray<{ userName: string; emails: readonly string[] }>;

/**
 * Every IAM user of an account with its email tags. Tags are not in ListUsers, so each user's are
 * read: one call per user, which is why grants in one account share a read (`AwsProvisioner`).
 */
export async function readIamUsers(client: IAMClient): Promise<IamUserDirectory> {
  const names: string[] = [];
  try {
    for await (const page of paginateListUsers({ client }, {})) {
      for (const user of page.Users ?? []) if (user.UserName) names.push(user.UserName);
    }
  } catch (error) {
    throw toProvisioningError('iam:ListUsers', error);
  }
  const users: Array<{ userName: string; emails: string[] }> = [];
  for (let i = 0; i < names.length; i += TAG_READS_AT_ONCE) {
    const batch = names.slice(i, i + TAG_READS_AT_ONCE);
    const emails = await Promise.all(batch.map((name) => emailTags(client, name)));
    batch.forEach((userName, j) => {
      if (emails[j]) users.push({ userName, emails: emails[j] });
    });
  }
  return users;
}

/**
 * Email → IAM user name in one account (DESIGN §1): the user tagged `email` (or `Email`) with it,
 * else the user named the email, else the user named its local part. Two users tagged with the
 * same email is an error, never a guess.
 */
export function findIamUser(users: IamUserDirectory, accountId: string, email: string): string {
  const wanted = email.toLowerCase();
  const tagged = users.filter((u) => u.emails.includes(wanted)).map((u) => u.userName);
  if (tagged.length > 1) {
    throw new ProvisioningError(
      `IAM users ${tagged.join(', ')} in account ${accountId} are all tagged with ${email}; keep the tag on one`,
      false,
    );
  }
  const [byTag] = tagged;
  if (byTag) return byTag;

  const localPart = wanted.split('@')[0] ?? wanted;
  const names = users.map((u) => u.userName);
  const byName =
    names.find((name) => name.toLowerCase() === wanted) ??
    names.find((name) => name.toLowerCase() === localPart);
  if (byName) return byName;
  throw new ProvisioningError(
    `no IAM user in account ${accountId} is tagged email=${email} or named ${email} or ${localPart}`,
    false,
  );
}

/** The user's email tags, lower case; undefined when the user was deleted while the account was read. */
async function emailTags(client: IAMClient, userName: string): Promise<string[] | undefined> {
  const emails: string[] = [];
  try {
    for await (const page of paginateListUserTags({ client }, { UserName: userName })) {
      for (const tag of page.Tags ?? []) {
        if (EMAIL_TAGS.includes(tag.Key ?? '') && tag.Value) emails.push(tag.Value.trim().toLowerCase());
      }
    }
    return emails;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException') return undefined;
    throw toProvisioningError('iam:ListUserTags', error);
  }
}
