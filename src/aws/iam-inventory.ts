import {
  GetAccessKeyLastUsedCommand,
  GetGroupPolicyCommand,
  GetLoginProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  type IAMClient,
  paginateListAccessKeys,
  paginateListAttachedGroupPolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroups,
  paginateListGroupsForUser,
  paginateListRoles,
  paginateListUserPolicies,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import pLimit from 'p-limit';
import type {
  AccessKeyFacts,
  AccountInventory,
  IamGroupFacts,
  IamRoleFacts,
  IamUserFacts,
  InlinePolicy,
  ManagedPolicyFacts,
} from '../insights/inventory.js';
import { parsePolicyDocument } from '../insights/policy-document.js';
import { awsErrorName, toProvisioningError } from './aws-errors.js';

/** Users (and groups, and policies) read at once in one account; IAM throttles per account. */
const AT_ONCE = 4;

/**
 * The standing access of one account's IAM: users with their console password, access keys (and
 * when each was last used), groups and policies; groups with theirs; roles; and the documents of
 * every managed policy attached to a user or group. Every listing is read to its last page.
 */
export async function readAccountIam(
  client: IAMClient,
  account: { id: string; name: string },
  now: () => Date = () => new Date(),
): Promise<AccountInventory> {
  const limit = pLimit(AT_ONCE);
  const userList = await all('iam:ListUsers', paginateListUsers({ client }, {}), (p) => p.Users);
  const groupList = await all('iam:ListGroups', paginateListGroups({ client }, {}), (p) => p.Groups);
  const roleList = await all('iam:ListRoles', paginateListRoles({ client }, {}), (p) => p.Roles);

  const users = await Promise.all(
    userList
      .flatMap((u) =>
        u.UserName && u.UserId && u.Arn ? [{ ...u, UserName: u.UserName, UserId: u.UserId, Arn: u.Arn }] : [],
      )
      .map((u) =>
        limit(async (): Promise<IamUserFacts> => {
          const UserName = u.UserName;
          const [hasConsole, accessKeys, groups, attachedPolicyArns, inlinePolicies] = await Promise.all([
            hasLoginProfile(client, UserName),
            accessKeysOf(client, UserName),
            all(
              'iam:ListGroupsForUser',
              paginateListGroupsForUser({ client }, { UserName }),
              (p) => p.Groups,
            ),
            all(
              'iam:ListAttachedUserPolicies',
              paginateListAttachedUserPolicies({ client }, { UserName }),
              (p) => p.AttachedPolicies,
            ),
            all(
              'iam:ListUserPolicies',
              paginateListUserPolicies({ client }, { UserName }),
              (p) => p.PolicyNames,
            ).then((names) =>
              inline('iam:GetUserPolicy', names, (PolicyName) =>
                client.send(new GetUserPolicyCommand({ UserName, PolicyName })),
              ),
            ),
          ]);
          return {
            accountId: account.id,
            userName: UserName,
            userId: u.UserId,
            arn: u.Arn,
            createdAt: u.CreateDate ?? now(),
            hasConsole,
            ...(u.PasswordLastUsed ? { passwordLastUsedAt: u.PasswordLastUsed } : {}),
            accessKeys,
            groups: groups.flatMap((g) => (g.GroupName ? [g.GroupName] : [])),
            attachedPolicyArns: attachedPolicyArns.flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])),
            inlinePolicies,
          };
        }),
      ),
  );

  const groups = await Promise.all(
    groupList
      .flatMap((g) => (g.GroupName && g.Arn ? [{ GroupName: g.GroupName, Arn: g.Arn }] : []))
      .map((g) =>
        limit(async (): Promise<IamGroupFacts> => {
          const { GroupName } = g;
          const [attached, inlinePolicies] = await Promise.all([
            all(
              'iam:ListAttachedGroupPolicies',
              paginateListAttachedGroupPolicies({ client }, { GroupName }),
              (p) => p.AttachedPolicies,
            ),
            all(
              'iam:ListGroupPolicies',
              paginateListGroupPolicies({ client }, { GroupName }),
              (p) => p.PolicyNames,
            ).then((names) =>
              inline('iam:GetGroupPolicy', names, (PolicyName) =>
                client.send(new GetGroupPolicyCommand({ GroupName, PolicyName })),
              ),
            ),
          ]);
          return {
            accountId: account.id,
            groupName: GroupName,
            arn: g.Arn,
            attachedPolicyArns: attached.flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : [])),
            inlinePolicies,
          };
        }),
      ),
  );

  const arns = [...new Set([...users, ...groups].flatMap((p) => p.attachedPolicyArns))].sort();
  const policies = await Promise.all(arns.map((arn) => limit(() => managedPolicy(client, arn))));
  const roles: IamRoleFacts[] = roleList.flatMap((r) =>
    r.RoleName && r.Arn
      ? [{ accountId: account.id, roleName: r.RoleName, arn: r.Arn, createdAt: r.CreateDate ?? now() }]
      : [],
  );
  return { accountId: account.id, accountName: account.name, readAt: now(), users, groups, roles, policies };
}

/** Every item of every page; a failure names the IAM action. */
async function all<P, T>(
  action: string,
  pages: AsyncIterable<P>,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const page of pages) out.push(...(items(page) ?? []));
  } catch (error) {
    throw toProvisioningError(action, error);
  }
  return out;
}

/** A user without a console password is NoSuchEntity, not an error. */
async function hasLoginProfile(client: IAMClient, UserName: string): Promise<boolean> {
  try {
    await client.send(new GetLoginProfileCommand({ UserName }));
    return true;
  } catch (error) {
    if (awsErrorName(error) === 'NoSuchEntity' || awsErrorName(error) === 'NoSuchEntityException')
      return false;
    throw toProvisioningError('iam:GetLoginProfile', error);
  }
}

async function accessKeysOf(client: IAMClient, UserName: string): Promise<AccessKeyFacts[]> {
  const keys = await all(
    'iam:ListAccessKeys',
    paginateListAccessKeys({ client }, { UserName }),
    (p) => p.AccessKeyMetadata,
  );
  return Promise.all(
    keys
      .flatMap((k) => (k.AccessKeyId ? [{ ...k, AccessKeyId: k.AccessKeyId }] : []))
      .map(async (k) => {
        let used: { LastUsedDate?: Date; ServiceName?: string } | undefined;
        try {
          const answer = await client.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.AccessKeyId }));
          used = answer.AccessKeyLastUsed;
        } catch (error) {
          throw toProvisioningError('iam:GetAccessKeyLastUsed', error);
        }
        return {
          accessKeyId: k.AccessKeyId,
          status: k.Status === 'Active' ? 'Active' : 'Inactive',
          createdAt: k.CreateDate ?? new Date(0),
          ...(used?.LastUsedDate ? { lastUsedAt: used.LastUsedDate } : {}),
          ...(used?.LastUsedDate && used.ServiceName ? { lastUsedService: used.ServiceName } : {}),
        } satisfies AccessKeyFacts;
      }),
  );
}

async function inline(
  action: string,
  names: readonly string[],
  get: (name: string) => Promise<{ PolicyDocument?: string }>,
): Promise<InlinePolicy[]> {
  const out: InlinePolicy[] = [];
  for (const name of names) {
    try {
      const { PolicyDocument } = await get(name);
      // IAM returns documents URL-encoded (RFC 3986); parsePolicyDocument decodes them.
      out.push({ name, document: parsePolicyDocument(PolicyDocument ?? '') });
    } catch (error) {
      throw toProvisioningError(action, error);
    }
  }
  return out;
}

/** The document of a managed policy's default version. */
async function managedPolicy(client: IAMClient, arn: string): Promise<ManagedPolicyFacts> {
  let policy: { PolicyName?: string; DefaultVersionId?: string } | undefined;
  try {
    policy = (await client.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy;
  } catch (error) {
    throw toProvisioningError('iam:GetPolicy', error);
  }
  const versionId = policy?.DefaultVersionId ?? 'v1';
  try {
    const version = await client.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }));
    return {
      arn,
      name: policy?.PolicyName ?? arn.split('/').at(-1) ?? arn,
      defaultVersionId: versionId,
      document: parsePolicyDocument(version.PolicyVersion?.Document ?? ''),
    };
  } catch (error) {
    throw toProvisioningError('iam:GetPolicyVersion', error);
  }
}
