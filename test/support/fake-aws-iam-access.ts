import { randomBytes } from 'node:crypto';
import { Sequence } from './fake-aws-common.js';
import type { IamState } from './fake-aws-iam.js';

/**
 * What IAM holds beyond users, groups and memberships: console passwords, access keys, managed and
 * inline policies, roles, as fixtures; fake-aws-iam-access-operations.ts answers IAM's reads of them.
 */

export const POLICY_NAME = /^[\w+=,.@-]+$/;
/** AWS managed policies live in the `aws` pseudo-account and are visible from every account. */
const AWS_MANAGED = 'aws';

export interface Attached {
  seq: number;
  arn: string;
}
export interface Inline {
  seq: number;
  name: string;
  document: string;
}
export interface AccessKey {
  seq: number;
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  createdAt: number;
  lastUsed?: { at: number; service: string; region: string };
}
export interface ManagedPolicy {
  arn: string;
  name: string;
  policyId: string;
  path: string;
  createdAt: number;
  versions: Array<{ versionId: string; document: string; createdAt: number }>;
  defaultVersionId: string;
}
export interface Role {
  seq: number;
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  createdAt: number;
  trust: string;
}
/** Per principal (lower-cased name): attached ARNs and inline policies. */
export interface Principal {
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

  /** Removes a console password; false when the user had none. */
  deleteLoginProfile(account: string, userKey: string): boolean {
    return this.loginProfiles.delete(`${account}/${userKey}`);
  }

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
