import { AwsError, isoSeconds, xml } from './fake-aws-common.js';
// @NOTE a cycle with fake-aws-iam.ts, safe because each side uses the other's exports only when called.
import {
  type Handler,
  group as iamGroup,
  iamPage,
  user as iamUser,
  optionalParam,
  type Params,
  requiredParam,
  members as xmlMembers,
} from './fake-aws-iam.js';
import { type Attached, type IamAccessState, type Inline, POLICY_NAME } from './fake-aws-iam-access.js';

// arnType: 20–2048 characters; the fake takes printable ASCII, all a policy ARN can hold.
const ARN = /^[\u0020-\u007E]+$/;
const ACCESS_KEY_ID = /^[\w]+$/;
const VERSION_ID = /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/;
const PATH_PREFIX = /^\u002F[\u0021-\u007F]*$/;

/**
 * IAM's reads of console passwords, access keys, policies and roles, over `IamAccessState`. Shapes,
 * errors and paging follow the IAM API reference; documents go out URL-encoded as IAM sends them.
 */

const policyNameParam = (params: Params) => requiredParam(params, 'PolicyName', POLICY_NAME, 128);
const policyArnParam = (params: Params) => requiredParam(params, 'PolicyArn', ARN, 2048);

function attachedXml(access: IamAccessState, account: string, attached: Attached[]): string {
  return xmlMembers(
    attached.map((a) => {
      const name = access.policy(account, a.arn)?.name ?? a.arn.split('/').at(-1) ?? a.arn;
      return `<PolicyName>${xml(name)}</PolicyName><PolicyArn>${xml(a.arn)}</PolicyArn>`;
    }),
  );
}

function attachedPage(params: Params, attached: Attached[], scope: string, context: Parameters<Handler>[2]) {
  const prefix = optionalParam(params, 'PathPrefix', PATH_PREFIX, 512) ?? '/';
  // Every fixture policy has path `/`, so a prefix other than `/` filters everything out.
  const items = prefix === '/' ? attached : [];
  return iamPage(items, params, scope, context);
}

function inlineNames(
  params: Params,
  inline: Map<string, Inline>,
  scope: string,
  context: Parameters<Handler>[2],
) {
  const { items, tail } = iamPage([...inline.values()], params, scope, context);
  return `<PolicyNames>${xmlMembers(items.map((p) => xml(p.name)))}</PolicyNames>${tail}`;
}

export const accessHandlers: Record<string, Handler> = {
  GetLoginProfile(state, params, context) {
    const u = iamUser(state.forCaller(context.account), requiredParam(params, 'UserName', POLICY_NAME, 128));
    const profile = state.access.loginProfile(context.account, u.userName.toLowerCase());
    if (!profile) {
      throw new AwsError(404, 'NoSuchEntity', `Login Profile for User ${u.userName} cannot be found.`);
    }
    return (
      `<LoginProfile><UserName>${xml(u.userName)}</UserName><CreateDate>${isoSeconds(profile.createdAt)}</CreateDate>` +
      '<PasswordResetRequired>false</PasswordResetRequired></LoginProfile>'
    );
  },

  // IAM writes the inventory's recommendations make (UpdateAccessKey, DeleteLoginProfile): empty results.
  DeleteLoginProfile(state, params, context) {
    const u = iamUser(state.forCaller(context.account), requiredParam(params, 'UserName', POLICY_NAME, 128));
    if (!state.access.deleteLoginProfile(context.account, u.userName.toLowerCase())) {
      throw new AwsError(404, 'NoSuchEntity', `Login Profile for User ${u.userName} cannot be found.`);
    }
    return undefined;
  },

  UpdateAccessKey(state, params, context) {
    const id = requiredParam(params, 'AccessKeyId', ACCESS_KEY_ID, 128);
    const status = params.Status;
    if (status !== 'Active' && status !== 'Inactive') {
      throw new AwsError(
        400,
        'ValidationError',
        `1 validation error detected: Value '${status ?? 'null'}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`,
      );
    }
    // Without UserName IAM changes the caller's own key; the fake's callers are not IAM users.
    if (params.UserName === undefined) {
      throw new AwsError(
        400,
        'ValidationError',
        'Must specify userName when calling with non-User credentials',
      );
    }
    const u = iamUser(state.forCaller(context.account), requiredParam(params, 'UserName', POLICY_NAME, 128));
    const key = state.access
      .accessKeys(context.account, u.userName.toLowerCase())
      .find((k) => k.accessKeyId === id);
    if (!key) throw new AwsError(404, 'NoSuchEntity', `The Access Key with id ${id} cannot be found.`);
    key.status = status;
    return undefined;
  },

  ListAccessKeys(state, params, context) {
    // Without UserName IAM lists the caller's own keys; the fake's callers are not IAM users.
    if (params.UserName === undefined) {
      throw new AwsError(
        400,
        'ValidationError',
        'Must specify userName when calling with non-User credentials',
      );
    }
    const u = iamUser(state.forCaller(context.account), requiredParam(params, 'UserName', POLICY_NAME, 128));
    const keys = state.access.accessKeys(context.account, u.userName.toLowerCase());
    const { items, tail } = iamPage(keys, params, `ListAccessKeys:${context.account}:${u.userId}`, context);
    const body = items.map(
      (k) =>
        `<UserName>${xml(u.userName)}</UserName><AccessKeyId>${k.accessKeyId}</AccessKeyId>` +
        `<Status>${k.status}</Status><CreateDate>${isoSeconds(k.createdAt)}</CreateDate>`,
    );
    return `<AccessKeyMetadata>${xmlMembers(body)}</AccessKeyMetadata>${tail}`;
  },

  GetAccessKeyLastUsed(state, params, context) {
    const id = requiredParam(params, 'AccessKeyId', ACCESS_KEY_ID, 128);
    const found = state.access.accessKey(context.account, id);
    // @NOTE the API reference lists no error for an unknown key; the fake denies it, as IAM denies
    // a key the caller may not see. Latch only asks about keys ListAccessKeys just returned.
    if (!found) {
      throw new AwsError(
        403,
        'AccessDenied',
        `User is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key ${id}`,
      );
    }
    const user = state.forCaller(context.account).users.get(found.userKey);
    const last = found.key.lastUsed;
    const used = last
      ? `<LastUsedDate>${isoSeconds(last.at)}</LastUsedDate><ServiceName>${last.service}</ServiceName><Region>${last.region}</Region>`
      : '<ServiceName>N/A</ServiceName><Region>N/A</Region>';
    return `<UserName>${xml(user?.userName ?? found.userKey)}</UserName><AccessKeyLastUsed>${used}</AccessKeyLastUsed>`;
  },

  ListAttachedUserPolicies(state, params, context) {
    const u = iamUser(state.forCaller(context.account), requiredParam(params, 'UserName', POLICY_NAME, 128));
    const { attached } = state.access.userPolicies(context.account, u.userName.toLowerCase());
    const { items, tail } = attachedPage(params, attached, `ListAttachedUserPolicies:${u.userId}`, context);
    return `<AttachedPolicies>${attachedXml(state.access, context.account, items)}</AttachedPolicies>${tail}`;
  },

  ListUserPolicies(state, params, context) {
    const u = iamUser(state.forCaller(context.account), requiredParam(params, 'UserName', POLICY_NAME, 128));
    const { inline } = state.access.userPolicies(context.account, u.userName.toLowerCase());
    return inlineNames(params, inline, `ListUserPolicies:${u.userId}`, context);
  },

  GetUserPolicy(state, params, context) {
    const u = iamUser(state.forCaller(context.account), requiredParam(params, 'UserName', POLICY_NAME, 128));
    const name = policyNameParam(params);
    const policy = state.access.userPolicies(context.account, u.userName.toLowerCase()).inline.get(name);
    if (!policy)
      throw new AwsError(404, 'NoSuchEntity', `The user policy with name ${name} cannot be found.`);
    return (
      `<UserName>${xml(u.userName)}</UserName><PolicyName>${xml(policy.name)}</PolicyName>` +
      `<PolicyDocument>${policy.document}</PolicyDocument>`
    );
  },

  ListAttachedGroupPolicies(state, params, context) {
    const g = iamGroup(
      state.forCaller(context.account),
      requiredParam(params, 'GroupName', POLICY_NAME, 128),
    );
    const { attached } = state.access.groupPolicies(context.account, g.groupName.toLowerCase());
    const { items, tail } = attachedPage(params, attached, `ListAttachedGroupPolicies:${g.groupId}`, context);
    return `<AttachedPolicies>${attachedXml(state.access, context.account, items)}</AttachedPolicies>${tail}`;
  },

  ListGroupPolicies(state, params, context) {
    const g = iamGroup(
      state.forCaller(context.account),
      requiredParam(params, 'GroupName', POLICY_NAME, 128),
    );
    const { inline } = state.access.groupPolicies(context.account, g.groupName.toLowerCase());
    return inlineNames(params, inline, `ListGroupPolicies:${g.groupId}`, context);
  },

  GetGroupPolicy(state, params, context) {
    const g = iamGroup(
      state.forCaller(context.account),
      requiredParam(params, 'GroupName', POLICY_NAME, 128),
    );
    const name = policyNameParam(params);
    const policy = state.access.groupPolicies(context.account, g.groupName.toLowerCase()).inline.get(name);
    if (!policy)
      throw new AwsError(404, 'NoSuchEntity', `The group policy with name ${name} cannot be found.`);
    return (
      `<GroupName>${xml(g.groupName)}</GroupName><PolicyName>${xml(policy.name)}</PolicyName>` +
      `<PolicyDocument>${policy.document}</PolicyDocument>`
    );
  },

  GetPolicy(state, params, context) {
    const arn = policyArnParam(params);
    const p = state.access.policy(context.account, arn);
    if (!p) throw new AwsError(404, 'NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
    const updatedAt = p.versions.at(-1)?.createdAt ?? p.createdAt;
    return (
      `<Policy><PolicyName>${xml(p.name)}</PolicyName><DefaultVersionId>${p.defaultVersionId}</DefaultVersionId>` +
      `<PolicyId>${p.policyId}</PolicyId><Path>${p.path}</Path><Arn>${xml(p.arn)}</Arn>` +
      `<AttachmentCount>${state.access.attachmentCount(arn)}</AttachmentCount>` +
      '<PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount><IsAttachable>true</IsAttachable>' +
      `<CreateDate>${isoSeconds(p.createdAt)}</CreateDate><UpdateDate>${isoSeconds(updatedAt)}</UpdateDate></Policy>`
    );
  },

  GetPolicyVersion(state, params, context) {
    const arn = policyArnParam(params);
    const versionId = requiredParam(params, 'VersionId', VERSION_ID, 128);
    const p = state.access.policy(context.account, arn);
    const version = p?.versions.find((v) => v.versionId === versionId);
    if (!p || !version) {
      throw new AwsError(
        404,
        'NoSuchEntity',
        `Policy ${arn} version ${versionId} does not exist or is not attachable.`,
      );
    }
    return (
      `<PolicyVersion><Document>${version.document}</Document><VersionId>${version.versionId}</VersionId>` +
      `<IsDefaultVersion>${version.versionId === p.defaultVersionId}</IsDefaultVersion>` +
      `<CreateDate>${isoSeconds(version.createdAt)}</CreateDate></PolicyVersion>`
    );
  },

  ListRoles(state, params, context) {
    const prefix = optionalParam(params, 'PathPrefix', PATH_PREFIX, 512) ?? '/';
    const roles = state.access.rolesOf(context.account).filter((r) => r.path.startsWith(prefix));
    const { items, tail } = iamPage(roles, params, `ListRoles:${context.account}:${prefix}`, context);
    // ListRoles leaves out tags, the permissions boundary and RoleLastUsed (real IAM does).
    const body = items.map(
      (r) =>
        `<Path>${xml(r.path)}</Path><RoleName>${xml(r.roleName)}</RoleName><RoleId>${r.roleId}</RoleId>` +
        `<Arn>${xml(r.arn)}</Arn><CreateDate>${isoSeconds(r.createdAt)}</CreateDate>` +
        `<AssumeRolePolicyDocument>${r.trust}</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration>`,
    );
    return `<Roles>${xmlMembers(body)}</Roles>${tail}`;
  },
};
