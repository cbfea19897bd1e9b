import { randomBytes } from 'node:crypto';
import { AwsError, isoSeconds, Sequence, xml } from './fake-aws-common.js';
import type { IamState } from './fake-aws-iam.js';
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

/**
 * What IAM holds beyond users, groups and memberships: console passwords, access keys, managed and
 * inline policies, roles. Read by the standing-access inventory. Shapes, errors and paging follow the
 * IAM API reference; policy documents come back URL-encoded (RFC 3986), as real IAM returns them.
 */

const POLICY_NAME = /^[\w+=,.@-]+$/;
// arnType: 20–2048 characters; the fake takes printable ASCII, all a policy ARN can hold.
const ARN = /^[\u0020-\u007E]+$/;
const ACCESS_KEY_ID = /^[\w]+$/;
const VERSION_ID = /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/;
const PATH_PREFIX = /^\u002F[\u0021-\u007F]*$/;
/** AWS managed policies live in the `aws` pseudo-account and are visible from every account. */
const AWS_MANAGED = 'aws';

interface Attached {
  seq: number;
  arn: string;
}
interface Inline {
  seq: number;
  name: string;
  document: string;
}
interface AccessKey {
  seq: number;
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createdAt: number;
  lastUsed?: { at: number; service: string; region: string };
}
interface ManagedPolicy {
  arn: string;
  name: string;
  policyId: string;
  path: string;
  createdAt: number;
  versions: Array<{ versionId: string; document: string; createdAt: number }>;
  defaultVersionId: string;
}
interface Role {
  seq: number;
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  createdAt: number;
  trust: string;
}
/** Per principal (lower-cased name): attached ARNs and inline policies. */
interface Principal {
  attached: Attached[];
  inline: Map<string, Inline>;
}

function principal(map: Map<string, Principal>, key: string): Principal {
  let p = map.get(key);
  if (!p) {
    p = { attached: [], inline: new Map() };
    map.set(key, p);
  }
  return p;
}

function randomId(prefix: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = prefix;
  for (const byte of randomBytes(length - prefix.length)) id += alphabet[byte % 32];
  return id;
}

/** IAM encodes documents per RFC 3986: encodeURIComponent leaves `!'()*` alone, IAM does not. */
function encodeDocument(document: unknown): string {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export class IamAccessState {
  private readonly seq = new Sequence();
  private readonly loginProfiles = new Map<string, { createdAt: number }>();
  private readonly keys = new Map<string, AccessKey[]>();
  private readonly users = new Map<string, Principal>();
  private readonly groups = new Map<string, Principal>();
  private readonly policies = new Map<string, ManagedPolicy>();
  private readonly roles = new Map<string, Role[]>();

  constructor(private readonly iam: IamState) {}

  private userKey(account: string, userName: string): string {
    const user = this.iam.forCaller(account).users.get(userName.toLowerCase());
    if (!user) throw new Error(`fake AWS: no IAM user ${userName} in ${account}`);
    return `${account}/${user.userName.toLowerCase()}`;
  }

  private groupKey(account: string, groupName: string): string {
    const group = this.iam.forCaller(account).groups.get(groupName.toLowerCase());
    if (!group) throw new Error(`fake AWS: no IAM group ${groupName} in ${account}`);
    return `${account}/${group.groupName.toLowerCase()}`;
  }

  /** A console password; `passwordLastUsedAt` shows as the user's PasswordLastUsed. */
  addLoginProfile(
    account: string,
    userName: string,
    options: { createdAt?: Date; passwordLastUsedAt?: Date } = {},
  ) {
    const key = this.userKey(account, userName);
    this.loginProfiles.set(key, { createdAt: (options.createdAt ?? new Date()).getTime() });
    const user = this.iam.forCaller(account).users.get(userName.toLowerCase());
    if (user && options.passwordLastUsedAt) user.passwordLastUsedAt = options.passwordLastUsedAt.getTime();
  }

  /** An access key (IAM allows two per user); returns its id. */
  addAccessKey(
    account: string,
    userName: string,
    options: { status?: 'Active' | 'Inactive'; createdAt?: Date; lastUsedAt?: Date; service?: string } = {},
  ): string {
    const key = this.userKey(account, userName);
    const list = this.keys.get(key) ?? [];
    if (list.length >= 2) throw new Error(`fake AWS: ${userName} already has two access keys`);
    const accessKeyId = randomId('AKIA', 20);
    list.push({
      seq: this.seq.next(),
      accessKeyId,
      status: options.status ?? 'Active',
      createdAt: (options.createdAt ?? new Date()).getTime(),
      ...(options.lastUsedAt
        ? {
            lastUsed: {
              at: options.lastUsedAt.getTime(),
              service: options.service ?? 's3',
              region: 'us-east-1',
            },
          }
        : {}),
    });
    this.keys.set(key, list);
    return accessKeyId;
  }

  /** A managed policy in `account`, or an AWS managed one when `account` is `aws`; returns its ARN. */
  createPolicy(account: string, name: string, document: unknown, options: { createdAt?: Date } = {}): string {
    if (!POLICY_NAME.test(name)) throw new Error(`fake AWS: ${name} is not a valid policy name`);
    const arn = `arn:aws:iam::${account}:policy/${name}`;
    if (this.policies.has(arn)) throw new Error(`fake AWS: policy ${arn} already exists`);
    const createdAt = (options.createdAt ?? new Date()).getTime();
    this.policies.set(arn, {
      arn,
      name,
      policyId: randomId('ANPA', 21),
      path: '/',
      createdAt,
      versions: [{ versionId: 'v1', document: encodeDocument(document), createdAt }],
      defaultVersionId: 'v1',
    });
    return arn;
  }

  /** A new default version of a policy (CreatePolicyVersion with SetAsDefault). */
  addPolicyVersion(arn: string, document: unknown): string {
    const policy = this.policies.get(arn);
    if (!policy) throw new Error(`fake AWS: no policy ${arn}`);
    const versionId = `v${policy.versions.length + 1}`;
    policy.versions.push({ versionId, document: encodeDocument(document), createdAt: Date.now() });
    policy.defaultVersionId = versionId;
    return versionId;
  }

  attachUserPolicy(account: string, userName: string, arn: string): void {
    this.attach(principal(this.users, this.userKey(account, userName)), account, arn);
  }

  attachGroupPolicy(account: string, groupName: string, arn: string): void {
    this.attach(principal(this.groups, this.groupKey(account, groupName)), account, arn);
  }

  putUserPolicy(account: string, userName: string, name: string, document: unknown): void {
    this.put(principal(this.users, this.userKey(account, userName)), name, document);
  }

  putGroupPolicy(account: string, groupName: string, name: string, document: unknown): void {
    this.put(principal(this.groups, this.groupKey(account, groupName)), name, document);
  }

  addRole(
    account: string,
    role: { roleName: string; path?: string; trust?: unknown; createdAt?: Date },
  ): string {
    const list = this.roles.get(account) ?? [];
    const path = role.path ?? '/';
    const arn = `arn:aws:iam::${account}:role${path}${role.roleName}`;
    list.push({
      seq: this.seq.next(),
      roleName: role.roleName,
      roleId: randomId('AROA', 21),
      arn,
      path,
      createdAt: (role.createdAt ?? new Date()).getTime(),
      trust: encodeDocument(role.trust ?? { Version: '2012-10-17', Statement: [] }),
    });
    this.roles.set(account, list);
    return arn;
  }

  private attach(p: Principal, account: string, arn: string): void {
    const policy = this.policies.get(arn);
    const owner = arn.split(':')[4];
    if (!policy || (owner !== account && owner !== AWS_MANAGED))
      throw new Error(`fake AWS: no policy ${arn} for ${account}`);
    if (p.attached.length >= 10) throw new Error('fake AWS: at most 10 managed policies per user or group');
    if (!p.attached.some((a) => a.arn === arn)) p.attached.push({ seq: this.seq.next(), arn });
  }

  private put(p: Principal, name: string, document: unknown): void {
    if (!POLICY_NAME.test(name)) throw new Error(`fake AWS: ${name} is not a valid policy name`);
    const existing = p.inline.get(name);
    p.inline.set(name, { seq: existing?.seq ?? this.seq.next(), name, document: encodeDocument(document) });
  }

  // ---- used by the operations ----

  loginProfile(account: string, userKey: string) {
    return this.loginProfiles.get(`${account}/${userKey}`);
  }
  accessKeys(account: string, userKey: string): AccessKey[] {
    return this.keys.get(`${account}/${userKey}`) ?? [];
  }
  accessKey(account: string, accessKeyId: string): { userKey: string; key: AccessKey } | undefined {
    for (const [key, list] of this.keys) {
      if (!key.startsWith(`${account}/`)) continue;
      const found = list.find((k) => k.accessKeyId === accessKeyId);
      if (found) return { userKey: key.slice(account.length + 1), key: found };
    }
    return undefined;
  }
  userPolicies(account: string, userKey: string): Principal {
    return this.users.get(`${account}/${userKey}`) ?? { attached: [], inline: new Map() };
  }
  groupPolicies(account: string, groupKey: string): Principal {
    return this.groups.get(`${account}/${groupKey}`) ?? { attached: [], inline: new Map() };
  }
  /** A policy the caller in `account` can read: its own account's or an AWS managed one. */
  policy(account: string, arn: string): ManagedPolicy | undefined {
    const owner = arn.split(':')[4];
    return owner === account || owner === AWS_MANAGED ? this.policies.get(arn) : undefined;
  }
  attachmentCount(arn: string): number {
    return [...this.users.values(), ...this.groups.values()].filter((p) =>
      p.attached.some((a) => a.arn === arn),
    ).length;
  }
  rolesOf(account: string): Role[] {
    return this.roles.get(account) ?? [];
  }
}

// ---- operations ----

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
    // Real IAM answers a key of another account (or none) with AccessDenied, not NoSuchEntity.
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
