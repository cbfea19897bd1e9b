import { randomBytes } from 'node:crypto';
import {
  AwsError,
  type FakeCallContext,
  type FakeQueryService,
  isoSeconds,
  page,
  Sequence,
  violation,
  xml,
} from './fake-aws-common.js';
import { IamAccessState } from './fake-aws-iam-access.js';
import { accessHandlers } from './fake-aws-iam-access-operations.js';

const XMLNS = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const IAM_VERSION = '2010-05-08';

// Patterns and limits from the IAM API reference (userNameType, existingUserNameType, groupNameType,
// pathType, pathPrefixType, markerType, maxItemsType) and the IAM quotas page (10 groups per user).
const NAME = /^[\w+=,.@-]+$/;
const PATH = /^(?:\u002F|\u002F[\u0021-\u007E]+\u002F)$/;
const PATH_PREFIX = /^\u002F[\u0021-\u007F]*$/;
const MARKER = /^[\u0020-\u00FF]+$/;
const MAX_ITEMS = 1000;
const DEFAULT_ITEMS = 100;
const GROUPS_PER_USER = 10;

export interface IamUser {
  seq: number;
  userName: string;
  userId: string;
  arn: string;
  path: string;
  createdAt: number;
  tags: Array<{ key: string; value: string }>;
  /** Shown as PasswordLastUsed once the console password was used. */
  passwordLastUsedAt?: number;
}

export interface IamGroup {
  seq: number;
  groupName: string;
  groupId: string;
  arn: string;
  path: string;
  createdAt: number;
  /** Lower-cased user name → the membership's sequence number (GetGroup lists members in that order). */
  members: Map<string, number>;
}

/** The IAM of one account. Names are keys in lower case: IAM names are unique regardless of case. */
export interface AccountIam {
  users: Map<string, IamUser>;
  groups: Map<string, IamGroup>;
}

export interface NewIamUser {
  userName: string;
  tags?: Record<string, string>;
  /** `/` (the default) or `/division/team/`. */
  path?: string;
  /** Defaults to now. */
  createdAt?: Date;
}

export interface NewIamGroup {
  groupName: string;
  path?: string;
}

/** IAM-style unique ids: a 4-letter kind prefix and 17 characters of upper case and digits (21 in all). */
function iamId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(17);
  let id = prefix;
  for (const byte of bytes) id += alphabet[byte % 32];
  return id;
}

function fixtureName(kind: string, name: string): string {
  if (!NAME.test(name) || name.length > (kind === 'user' ? 64 : 128)) {
    throw new Error(`fake AWS: ${name} is not a valid IAM ${kind} name`);
  }
  return name;
}

function fixturePath(path: string | undefined): string {
  const value = path ?? '/';
  if (!PATH.test(value) || value.length > 512) throw new Error(`fake AWS: ${value} is not a valid IAM path`);
  return value;
}

/** IAM users, groups and group memberships of every account (each account has its own IAM). */
export class IamState {
  private readonly byAccount = new Map<string, AccountIam>();
  private readonly seq = new Sequence();
  /** Console passwords, access keys, policies and roles. */
  readonly access = new IamAccessState(this);

  constructor(readonly managementAccount: string) {}

  /** The account's IAM, created on first write; reads of an untouched account see an empty one. */
  private iam(account: string): AccountIam {
    let iam = this.byAccount.get(account);
    if (!iam) {
      if (!/^\d{12}$/.test(account)) throw new Error(`fake AWS: ${account} is not an account id`);
      iam = { users: new Map(), groups: new Map() };
      this.byAccount.set(account, iam);
    }
    return iam;
  }

  private peek(account: string): AccountIam {
    return this.byAccount.get(account) ?? { users: new Map(), groups: new Map() };
  }

  addUser(account: string, u: NewIamUser): { userName: string; userId: string; arn: string } {
    const iam = this.iam(account);
    const userName = fixtureName('user', u.userName);
    if (iam.users.has(userName.toLowerCase())) {
      throw new Error(`fake AWS: IAM user ${userName} already exists in ${account}`);
    }
    const tags = Object.entries(u.tags ?? {}).map(([key, value]) => ({ key, value }));
    if (tags.length > 50) throw new Error('fake AWS: an IAM user has at most 50 tags');
    for (const { key, value } of tags) {
      if (key.length < 1 || key.length > 128 || value.length > 256) {
        throw new Error(`fake AWS: tag ${key} is too long or empty`);
      }
    }
    const path = fixturePath(u.path);
    const user: IamUser = {
      seq: this.seq.next(),
      userName,
      userId: iamId('AIDA'),
      arn: `arn:aws:iam::${account}:user${path}${userName}`,
      path,
      createdAt: (u.createdAt ?? new Date()).getTime(),
      tags,
    };
    iam.users.set(userName.toLowerCase(), user);
    return { userName, userId: user.userId, arn: user.arn };
  }

  addGroup(account: string, g: NewIamGroup): { groupName: string; groupId: string; arn: string } {
    const iam = this.iam(account);
    const groupName = fixtureName('group', g.groupName);
    if (iam.groups.has(groupName.toLowerCase())) {
      throw new Error(`fake AWS: IAM group ${groupName} already exists in ${account}`);
    }
    const path = fixturePath(g.path);
    const group: IamGroup = {
      seq: this.seq.next(),
      groupName,
      groupId: iamId('AGPA'),
      arn: `arn:aws:iam::${account}:group${path}${groupName}`,
      path,
      createdAt: Date.now(),
      members: new Map(),
    };
    iam.groups.set(groupName.toLowerCase(), group);
    return { groupName, groupId: group.groupId, arn: group.arn };
  }

  /** Out-of-band add (someone did it by hand); false if already a member. Throws past 10 groups, as IAM does. */
  addToGroup(account: string, groupName: string, userName: string): boolean {
    const group = this.fixtureGroup(account, groupName);
    const user = this.fixtureUser(account, userName);
    if (group.members.has(user.userName.toLowerCase())) return false;
    if (this.groupsOf(account, user.userName).length >= GROUPS_PER_USER) {
      throw new Error(`fake AWS: ${userName} is already in ${GROUPS_PER_USER} groups`);
    }
    group.members.set(user.userName.toLowerCase(), this.seq.next());
    return true;
  }

  /** Out-of-band removal; false if the user was not a member. */
  removeFromGroup(account: string, groupName: string, userName: string): boolean {
    return this.fixtureGroup(account, groupName).members.delete(userName.toLowerCase());
  }

  /** User names of the group's members, in the order they joined. */
  membersOf(account: string, groupName: string): string[] {
    const iam = this.peek(account);
    return this.members(iam, this.fixtureGroup(account, groupName)).map((m) => m.user.userName);
  }

  isMember(account: string, groupName: string, userName: string): boolean {
    return (
      this.peek(account).groups.get(groupName.toLowerCase())?.members.has(userName.toLowerCase()) ?? false
    );
  }

  /** Names of the groups the user is in, in the order the user joined them. */
  groupsOf(account: string, userName: string): string[] {
    return this.memberships(this.peek(account), userName.toLowerCase()).map((m) => m.group.groupName);
  }

  /** Accounts that hold any IAM user or group. */
  accounts(): string[] {
    return [...this.byAccount.entries()]
      .filter(([, iam]) => iam.users.size > 0 || iam.groups.size > 0)
      .map(([account]) => account);
  }

  private fixtureUser(account: string, userName: string): IamUser {
    const user = this.peek(account).users.get(userName.toLowerCase());
    if (!user) throw new Error(`fake AWS: no IAM user ${userName} in ${account}`);
    return user;
  }

  private fixtureGroup(account: string, groupName: string): IamGroup {
    const group = this.peek(account).groups.get(groupName.toLowerCase());
    if (!group) throw new Error(`fake AWS: no IAM group ${groupName} in ${account}`);
    return group;
  }

  // ---- used by the operations ----

  /** The group's members as pageable items (seq of the membership). */
  members(iam: AccountIam, group: IamGroup): Array<{ seq: number; user: IamUser }> {
    const out: Array<{ seq: number; user: IamUser }> = [];
    for (const [key, seq] of group.members) {
      const user = iam.users.get(key);
      if (user) out.push({ seq, user });
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** The user's groups as pageable items (seq of the membership). */
  memberships(iam: AccountIam, userKey: string): Array<{ seq: number; group: IamGroup }> {
    const out: Array<{ seq: number; group: IamGroup }> = [];
    for (const group of iam.groups.values()) {
      const seq = group.members.get(userKey);
      if (seq !== undefined) out.push({ seq, group });
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** The IAM an API caller in `account` sees (an untouched account has none, so it reads as empty). */
  forCaller(account: string): AccountIam {
    return this.peek(account);
  }
}

// ---- request parameters (awsQuery: every value is a string) ----

export type Params = Record<string, string>;

/** IAM answers Coral input validation with `ValidationError` (its modelled `InvalidInput` is for semantics). */
function validation(member: string, constraint: string, value = 'null'): AwsError {
  return violation(member, constraint, value, 'ValidationError');
}

export function optionalParam(
  params: Params,
  name: string,
  pattern: RegExp,
  maxLength: number,
): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value.length < 1) {
    throw validation(name, 'Member must have length greater than or equal to 1', `''`);
  }
  if (value.length > maxLength) {
    throw validation(name, `Member must have length less than or equal to ${maxLength}`, `'${value}'`);
  }
  if (!pattern.test(value)) {
    throw validation(name, `Member must satisfy regular expression pattern: ${pattern.source}`, `'${value}'`);
  }
  return value;
}

export function requiredParam(params: Params, name: string, pattern: RegExp, maxLength: number): string {
  const value = optionalParam(params, name, pattern, maxLength);
  if (value === undefined) throw validation(name, 'Member must not be null');
  return value;
}

const userNameParam = (params: Params) => requiredParam(params, 'UserName', NAME, 128);
const groupNameParam = (params: Params) => requiredParam(params, 'GroupName', NAME, 128);

/**
 * One page in IAM's terms: MaxItems 1–1000 (default 100), Marker/IsTruncated. A Marker that is not
 * ours is `ValidationError` "Invalid Marker.": IAM's modelled `InvalidInput` would also parse, but
 * reports of real IAM (and other IAM emulators) show the Coral-level ValidationError for a bad marker.
 */
export function iamPage<T extends { seq: number }>(
  items: readonly T[],
  params: Params,
  scope: string,
  context: FakeCallContext,
): { items: T[]; tail: string } {
  optionalParam(params, 'Marker', MARKER, 320);
  let result: { page: T[]; next?: string };
  try {
    result = page(items, params, scope, {
      max: MAX_ITEMS,
      defaultSize: Math.min(context.pageSize, DEFAULT_ITEMS),
      sizeMember: 'MaxItems',
      tokenMember: 'Marker',
      badTokenCode: 'InvalidMarker',
    });
  } catch (error) {
    if (error instanceof AwsError && error.code === 'InvalidMarker') {
      throw new AwsError(400, 'ValidationError', 'Invalid Marker.');
    }
    if (error instanceof AwsError && error.code === 'ValidationException') {
      throw new AwsError(400, 'ValidationError', error.message);
    }
    throw error;
  }
  const tail = result.next
    ? `<IsTruncated>true</IsTruncated><Marker>${xml(result.next)}</Marker>`
    : '<IsTruncated>false</IsTruncated>';
  return { items: result.page, tail };
}

// ---- XML shapes ----

function tagsXml(tags: ReadonlyArray<{ key: string; value: string }>): string {
  return tags.map((t) => `<member><Key>${xml(t.key)}</Key><Value>${xml(t.value)}</Value></member>`).join('');
}

/** ListUsers and GetGroup leave Tags out (real IAM does); GetUser includes them when there are any. */
function userXml(u: IamUser, withTags = false): string {
  const tags = withTags && u.tags.length > 0 ? `<Tags>${tagsXml(u.tags)}</Tags>` : '';
  return (
    `<Path>${xml(u.path)}</Path><UserName>${xml(u.userName)}</UserName><UserId>${u.userId}</UserId>` +
    `<Arn>${xml(u.arn)}</Arn><CreateDate>${isoSeconds(u.createdAt)}</CreateDate>` +
    (u.passwordLastUsedAt ? `<PasswordLastUsed>${isoSeconds(u.passwordLastUsedAt)}</PasswordLastUsed>` : '') +
    tags
  );
}

function groupXml(g: IamGroup): string {
  return (
    `<Path>${xml(g.path)}</Path><GroupName>${xml(g.groupName)}</GroupName><GroupId>${g.groupId}</GroupId>` +
    `<Arn>${xml(g.arn)}</Arn><CreateDate>${isoSeconds(g.createdAt)}</CreateDate>`
  );
}

export const members = (parts: string[]) => parts.map((p) => `<member>${p}</member>`).join('');

// ---- operations ----

function noSuchUser(userName: string): AwsError {
  return new AwsError(404, 'NoSuchEntity', `The user with name ${userName} cannot be found.`);
}

function noSuchGroup(groupName: string): AwsError {
  return new AwsError(404, 'NoSuchEntity', `The group with name ${groupName} cannot be found.`);
}

export function user(iam: AccountIam, userName: string): IamUser {
  const found = iam.users.get(userName.toLowerCase());
  if (!found) throw noSuchUser(userName);
  return found;
}

export function group(iam: AccountIam, groupName: string): IamGroup {
  const found = iam.groups.get(groupName.toLowerCase());
  if (!found) throw noSuchGroup(groupName);
  return found;
}

export type Handler = (state: IamState, params: Params, context: FakeCallContext) => string | undefined;

const handlers: Record<string, Handler> = {
  AddUserToGroup(state, params, context) {
    const groupName = groupNameParam(params);
    const userName = userNameParam(params);
    const iam = state.forCaller(context.account);
    const g = group(iam, groupName);
    const u = user(iam, userName);
    const key = u.userName.toLowerCase();
    if (g.members.has(key)) return undefined; // real IAM answers success for an existing member
    if (state.memberships(iam, key).length >= GROUPS_PER_USER) {
      throw new AwsError(409, 'LimitExceeded', `Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`);
    }
    state.addToGroup(context.account, g.groupName, u.userName);
    return undefined;
  },

  RemoveUserFromGroup(state, params, context) {
    const groupName = groupNameParam(params);
    const userName = userNameParam(params);
    const iam = state.forCaller(context.account);
    const g = group(iam, groupName);
    const u = user(iam, userName);
    g.members.delete(u.userName.toLowerCase()); // success also when the user was not a member
    return undefined;
  },

  GetGroup(state, params, context) {
    const iam = state.forCaller(context.account);
    const g = group(iam, groupNameParam(params));
    const scope = `GetGroup:${context.account}:${g.groupId}`;
    const { items, tail } = iamPage(state.members(iam, g), params, scope, context);
    return `<Group>${groupXml(g)}</Group><Users>${members(items.map((m) => userXml(m.user)))}</Users>${tail}`;
  },

  ListGroups(state, params, context) {
    const prefix = optionalParam(params, 'PathPrefix', PATH_PREFIX, 512) ?? '/';
    const iam = state.forCaller(context.account);
    const groups = [...iam.groups.values()].filter((g) => g.path.startsWith(prefix));
    const { items, tail } = iamPage(groups, params, `ListGroups:${context.account}:${prefix}`, context);
    return `<Groups>${members(items.map(groupXml))}</Groups>${tail}`;
  },

  ListUsers(state, params, context) {
    const prefix = optionalParam(params, 'PathPrefix', PATH_PREFIX, 512) ?? '/';
    const iam = state.forCaller(context.account);
    const users = [...iam.users.values()].filter((u) => u.path.startsWith(prefix));
    const { items, tail } = iamPage(users, params, `ListUsers:${context.account}:${prefix}`, context);
    return `<Users>${members(items.map((u) => userXml(u)))}</Users>${tail}`;
  },

  ListUserTags(state, params, context) {
    const u = user(state.forCaller(context.account), userNameParam(params));
    const tags = u.tags.map((t, i) => ({ seq: i + 1, ...t }));
    const { items, tail } = iamPage(tags, params, `ListUserTags:${context.account}:${u.userId}`, context);
    return `<Tags>${tagsXml(items)}</Tags>${tail}`;
  },

  GetUser(state, params, context) {
    // Without UserName real IAM describes the calling IAM user; the fake's callers are not IAM users
    // it stores (base credentials or assumed roles), so it answers as IAM does for role sessions.
    if (params.UserName === undefined) {
      throw new AwsError(
        400,
        'ValidationError',
        'Must specify userName when calling with non-User credentials',
      );
    }
    const u = user(state.forCaller(context.account), userNameParam(params));
    return `<User>${userXml(u, true)}</User>`;
  },

  ListGroupsForUser(state, params, context) {
    const iam = state.forCaller(context.account);
    const u = user(iam, userNameParam(params));
    const groups = state.memberships(iam, u.userName.toLowerCase());
    const scope = `ListGroupsForUser:${context.account}:${u.userId}`;
    const { items, tail } = iamPage(groups, params, scope, context);
    return `<Groups>${members(items.map((m) => groupXml(m.group)))}</Groups>${tail}`;
  },
};

/** IAM (awsQuery): each operation acts on the IAM of the caller's account (`context.account`). */
export function iamService(state: IamState): FakeQueryService {
  return {
    service: 'iam',
    protocol: 'awsQuery',
    version: IAM_VERSION,
    xmlns: XMLNS,
    throttleCode: 'Throttling',
    has: (operation) => Object.hasOwn(handlers, operation) || Object.hasOwn(accessHandlers, operation),
    call(operation, params, context) {
      const handler = handlers[operation] ?? accessHandlers[operation];
      if (!handler) {
        throw new AwsError(
          400,
          'InvalidAction',
          `Could not find operation ${operation} for version ${IAM_VERSION}`,
        );
      }
      return handler(state, params, context);
    },
  };
}
