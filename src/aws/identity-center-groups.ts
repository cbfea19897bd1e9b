import {
  CreateGroupMembershipCommand,
  DeleteGroupMembershipCommand,
  GetGroupMembershipIdCommand,
  type IdentitystoreClient,
  paginateListGroupMemberships,
} from '@aws-sdk/client-identitystore';
import { awsErrorName, toProvisioningError } from './aws-errors.js';

/** Adds a user to an Identity Center group; already a member counts as done. Gives the membership's id. */
export async function addGroupMember(
  client: IdentitystoreClient,
  identityStoreId: string,
  groupId: string,
  userId: string,
): Promise<{ changed: boolean; membershipId?: string }> {
  try {
    const created = await client.send(
      new CreateGroupMembershipCommand({
        IdentityStoreId: identityStoreId,
        GroupId: groupId,
        MemberId: { UserId: userId },
      }),
    );
    return { changed: true, ...(created.MembershipId ? { membershipId: created.MembershipId } : {}) };
  } catch (error) {
    if (awsErrorName(error) === 'ConflictException') {
      const existing = await membershipId(client, identityStoreId, groupId, userId);
      if (existing) return { changed: false, membershipId: existing };
    }
    throw toProvisioningError('identitystore:CreateGroupMembership', error);
  }
}

/**
 * Removes a user from an Identity Center group; not a member counts as done. With the membership id
 * `addGroupMember` gave, that is one call. An id that no longer exists proves nothing (the membership
 * may have been made again by hand), so then the user's current membership is looked up and removed.
 */
export async function removeGroupMember(
  client: IdentitystoreClient,
  identityStoreId: string,
  groupId: string,
  userId: string,
  knownMembershipId?: string,
): Promise<{ changed: boolean }> {
  if (knownMembershipId && (await deleteMembership(client, identityStoreId, knownMembershipId))) {
    return { changed: true };
  }
  const id = await membershipId(client, identityStoreId, groupId, userId);
  if (!id) return { changed: false };
  return { changed: await deleteMembership(client, identityStoreId, id) };
}

/** False when AWS has no membership of that id. */
async function deleteMembership(
  client: IdentitystoreClient,
  identityStoreId: string,
  id: string,
): Promise<boolean> {
  try {
    await client.send(
      new DeleteGroupMembershipCommand({ IdentityStoreId: identityStoreId, MembershipId: id }),
    );
    return true;
  } catch (error) {
    if (awsErrorName(error) === 'ResourceNotFoundException') return false;
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
