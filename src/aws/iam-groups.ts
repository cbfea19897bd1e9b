import {
  AddUserToGroupCommand,
  type IAMClient,
  paginateGetGroup,
  paginateListGroups,
  paginateListGroupsForUser,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import { awsErrorName, toProvisioningError } from './aws-errors.js';

/**
 * Adds an IAM user to a group. IAM itself treats a repeat as success; the membership is read first
 * so the caller learns whether anything changed.
 */
export async function addToIamGroup(
  client: IAMClient,
  groupName: string,
  userName: string,
): Promise<{ changed: boolean }> {
  if (await isInGroup(client, groupName, userName)) return { changed: false };
  try {
    await client.send(new AddUserToGroupCommand({ GroupName: groupName, UserName: userName }));
    return { changed: true };
  } catch (error) {
    throw toProvisioningError('iam:AddUserToGroup', error);
  }
}

/** Removes an IAM user from a group; not a member, or no such user or group any more, counts as done. */
export async function removeFromIamGroup(
  client: IAMClient,
  groupName: string,
  userName: string,
): Promise<{ changed: boolean }> {
  if (!(await isInGroup(client, groupName, userName))) return { changed: false };
  try {
    await client.send(new RemoveUserFromGroupCommand({ GroupName: groupName, UserName: userName }));
    return { changed: true };
  } catch (error) {
    // The group or the user was deleted meanwhile: the access is gone either way.
    if (awsErrorName(error) === 'NoSuchEntityException') return { changed: false };
    throw toProvisioningError('iam:RemoveUserFromGroup', error);
  }
}

/** The user names in an IAM group, read to the last page. */
export async function iamGroupMembers(client: IAMClient, groupName: string): Promise<string[]> {
  const members: string[] = [];
  try {
    for await (const page of paginateGetGroup({ client }, { GroupName: groupName })) {
      for (const user of page.Users ?? []) if (user.UserName) members.push(user.UserName);
    }
  } catch (error) {
    throw toProvisioningError('iam:GetGroup', error);
  }
  return members;
}

/** Every IAM group of the account the client is for. */
export async function listIamGroups(client: IAMClient): Promise<Array<{ groupName: string; arn?: string }>> {
  const groups: Array<{ groupName: string; arn?: string }> = [];
  for await (const page of paginateListGroups({ client }, {})) {
    for (const group of page.Groups ?? []) {
      if (group.GroupName)
        groups.push({ groupName: group.GroupName, ...(group.Arn ? { arn: group.Arn } : {}) });
    }
  }
  return groups;
}

async function isInGroup(client: IAMClient, groupName: string, userName: string): Promise<boolean> {
  try {
    for await (const page of paginateListGroupsForUser({ client }, { UserName: userName })) {
      if ((page.Groups ?? []).some((group) => group.GroupName === groupName)) return true;
    }
    return false;
  } catch (error) {
    // No such user: certainly not a member (AddUserToGroup then says who is missing).
    if (awsErrorName(error) === 'NoSuchEntityException') return false;
    throw toProvisioningError('iam:ListGroupsForUser', error);
  }
}
