import {
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  GetGroupMembershipIdCommand,
  type IdentitystoreClient,
  paginateListGroupMemberships,
} from '@aws-sdk/client-identitystore';
import { awsErrorName, toProvisioningError } from './aws-errors.js';

/** Adds a user to an Identity Center group; already a member counts as done. */
export async function addGroupMember(
  client: IdentitystoreClient,
  identityStoreId: string,
  groupId: string,
  userId: string,
): Promise<{ changed: boolean }> {
  try {
    await client.send(
      new CreateGroupMembershipCommand({
        IdentityStoreId: identityStoreId,
        GroupId: groupId,
        MemberId: { UserId: userId },
      }),
    );
    return { changed: true };
  } catch (error) {
    if (
      awsErrorName(error) === 'ConflictException' &&
      (await membershipId(client, identityStoreId, groupId, userId))
    ) {
      return { changed: false };
    }
    throw toProvisioningError('identitystore:CreateGroupMembership', error);
  }
}

/** Removes a user from an Identity Center group; not a member counts as done. */
export async function removeGroupMember(
  client: IdentitystoreClient,
  identityStoreId: string,
  groupId: string,
  userId: string,
): Promise<{ changed: boolean }> {
  const id = await membershipId(client, identityStoreId, groupId, userId);
  if (!id) return { changed: false };
  try {
    await client.send(
      new DeleteGroupMembershipCommand({ IdentityStoreId: identityStoreId, MembershipId: id }),
    );
    return { changed: true };
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return { changed: false };
    throw toProvisioningError('identitystore:DeleteGroupMembership', error);
  }
}

async function membershipId(
  client: IdentitystoreClient,
  identityStoreId: string,
  groupId: string,
  userId: string,
): Promise<string | undefined> {
  try {
    const found = await client.send(
      new GetGroupMembershipIdCommand({
        IdentityStoreId: identityStoreId,
        GroupId: groupId,
        MemberId: { UserId: userId },
      }),
    );
    return found.MembershipId;
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
    throw toProvisioningError('identitystore:GetGroupMembershipId', error);
  }
}

/** The user ids in an Identity Center group, read to the last page. */
export async function groupMembers(
  client: IdentitystoreClient,
  identityStoreId: string,
  groupId: string,
): Promise<string[]> {
  const members: string[] = [];
  try {
    for await (const page of paginateListGroupMemberships(
      { client },
      { IdentityStoreId: identityStoreId, GroupId: groupId },
    )) {
      for (const membership of page.GroupMemberships ?? []) {
        if (membership.MemberId && 'UserId' in membership.MemberId && membership.MemberId.UserId) {
          members.push(membership.MemberId.UserId);
        }
      }
    }
  } catch (error) {
    throw toProvisioningError('identitystore:ListGroupMemberships', error);
  }
  return members;
}
