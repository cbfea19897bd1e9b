import { randomBytes, randomUUID } from 'node:crypto';
import {
  AwsError,
  type FakeCallContext,
  type FakeJsonService,
  type Input,
  invalid,
  objectMember,
  page,
  requiredString,
  unionMember,
} from './fake-aws-common.js';

// Patterns from the Identity Store API reference (GroupId, UserId, MembershipId, IdentityStoreId).
const RESOURCE_ID =
  /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
export const IDENTITY_STORE_ID =
  /^(d-[0-9a-f]{10}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const MAX_PAGE = 100;
const NAMESPACE = 'com.amazonaws.identitystore';

interface User {
  seq: number;
  userId: string;
  userName: string;
  email: string | undefined;
  displayName: string;
  externalId: { issuer: string; id: string } | undefined;
  createdAt: number;
}
interface Group {
  seq: number;
  groupId: string;
  displayName: string;
  createdAt: number;
}
interface Membership {
  seq: number;
  membershipId: string;
  groupId: string;
  userId: string;
  createdAt: number;
}

export interface NewUser {
  userName: string;
  email?: string;
  displayName?: string;
  userId?: string;
  externalId?: { issuer: string; id: string };
}

/** Real ids look like `<10 hex>-<uuid>`. */
function newResourceId(): string {
  return `${randomBytes(5).toString('hex')}-${randomUUID()}`;
}

function checkFixtureId(kind: string, id: string): string {
  if (!RESOURCE_ID.test(id)) throw new Error(`fake AWS: ${kind} id ${id} is not an Identity Store id`);
  return id;
}

/** The directory behind the fake Identity Store: users, groups and memberships of one store. */
export class IdentityDirectory {
  readonly users = new Map<string, User>();
  readonly groups = new Map<string, Group>();
  readonly memberships = new Map<string, Membership>();
  private seq = 0;

  constructor(readonly identityStoreId: string) {}

  addUser(u: NewUser): string {
    const userId = checkFixtureId('user', u.userId ?? newResourceId());
    if (this.users.has(userId)) throw new Error(`fake AWS: user id ${userId} already exists`);
    if ([...this.users.values()].some((x) => x.userName === u.userName)) {
      throw new Error(`fake AWS: user name ${u.userName} already exists`);
    }
    this.users.set(userId, {
      seq: ++this.seq,
      userId,
      userName: u.userName,
      email: u.email,
      displayName: u.displayName ?? u.userName,
      externalId: u.externalId,
      createdAt: Date.now(),
    });
    return userId;
  }

  /** Out-of-band deletion, as DeleteUser does: the user's memberships go with it. */
  removeUser(userId: string): boolean {
    for (const [id, m] of this.memberships) if (m.userId === userId) this.memberships.delete(id);
    return this.users.delete(userId);
  }

  addGroup(g: { displayName: string; groupId?: string }): string {
    const groupId = checkFixtureId('group', g.groupId ?? newResourceId());
    if (this.groups.has(groupId)) throw new Error(`fake AWS: group id ${groupId} already exists`);
    if ([...this.groups.values()].some((x) => x.displayName === g.displayName)) {
      throw new Error(`fake AWS: group ${g.displayName} already exists`);
    }
    this.groups.set(groupId, { seq: ++this.seq, groupId, displayName: g.displayName, createdAt: Date.now() });
    return groupId;
  }

  findMembership(groupId: string, userId: string): Membership | undefined {
    for (const m of this.memberships.values()) if (m.groupId === groupId && m.userId === userId) return m;
    return undefined;
  }

  /** Out-of-band add; returns the existing id when the user is already a member. */
  addMembership(groupId: string, userId: string): string {
    if (!this.groups.has(groupId)) throw new Error(`fake AWS: unknown group ${groupId}`);
    if (!this.users.has(userId)) throw new Error(`fake AWS: unknown user ${userId}`);
    const existing = this.findMembership(groupId, userId);
    if (existing) return existing.membershipId;
    const membershipId = newResourceId();
    this.memberships.set(membershipId, {
      seq: ++this.seq,
      membershipId,
      groupId,
      userId,
      createdAt: Date.now(),
    });
    return membershipId;
  }

  removeMembership(groupId: string, userId: string): boolean {
    const m = this.findMembership(groupId, userId);
    return m ? this.memberships.delete(m.membershipId) : false;
  }

  membersOf(groupId: string): string[] {
    return [...this.memberships.values()].filter((m) => m.groupId === groupId).map((m) => m.userId);
  }
}

function notFound(resourceType: string, resourceId?: string): AwsError {
  return new AwsError(400, 'ResourceNotFoundException', `${resourceType} not found.`, {
    ResourceType: resourceType,
    ...(resourceId ? { ResourceId: resourceId } : {}),
  });
}

/** ListUsers / ListGroups take at most one filter, on one attribute. */
function filterValue(input: Input, attributePath: string): string | undefined {
  const filters = input.Filters;
  if (filters === undefined || filters === null) return undefined;
  if (!Array.isArray(filters) || filters.length > 1) {
    throw invalid('Filters must contain at most one filter.');
  }
  const [filter] = filters as unknown[];
  if (filter === undefined) return undefined;
  if (typeof filter !== 'object' || filter === null) throw invalid('Invalid filter.');
  const path = requiredString(filter as Input, 'AttributePath');
  if (path !== attributePath) {
    throw invalid(`Filter AttributePath ${path} is not supported; use ${attributePath}.`);
  }
  return requiredString(filter as Input, 'AttributeValue');
}

// ---- response shapes (timestamps are epoch seconds: awsJson's default format) ----

function userShape(storeId: string, u: User): Input {
  return {
    IdentityStoreId: storeId,
    UserId: u.userId,
    UserName: u.userName,
    DisplayName: u.displayName,
    ...(u.email ? { Emails: [{ Value: u.email, Type: 'work', Primary: true }] } : {}),
    ...(u.externalId ? { ExternalIds: [{ Issuer: u.externalId.issuer, Id: u.externalId.id }] } : {}),
    UserStatus: 'ENABLED',
    CreatedAt: u.createdAt / 1000,
    UpdatedAt: u.createdAt / 1000,
  };
}

function groupShape(storeId: string, g: Group): Input {
  return {
    GroupId: g.groupId,
    IdentityStoreId: storeId,
    DisplayName: g.displayName,
    CreatedAt: g.createdAt / 1000,
    UpdatedAt: g.createdAt / 1000,
  };
}

function membershipShape(storeId: string, m: Membership): Input {
  return {
    IdentityStoreId: storeId,
    MembershipId: m.membershipId,
    GroupId: m.groupId,
    MemberId: { UserId: m.userId },
  };
}

// ---- operations ----

type Handler = (dir: IdentityDirectory, input: Input, context: FakeCallContext) => Input;

function user(dir: IdentityDirectory, userId: string): User {
  const u = dir.users.get(userId);
  if (!u) throw notFound('USER', userId);
  return u;
}

function group(dir: IdentityDirectory, groupId: string): Group {
  const g = dir.groups.get(groupId);
  if (!g) throw notFound('GROUP', groupId);
  return g;
}

function memberUserId(input: Input): string {
  const [, userId] = unionMember(input, 'MemberId', ['UserId']);
  if (typeof userId !== 'string' || !RESOURCE_ID.test(userId)) {
    throw invalid('Invalid MemberId.UserId provided.');
  }
  return userId;
}

function uniqueAttribute(input: Input): { path: string; value: unknown } | { issuer: string; id: string } {
  const [kind, raw] = unionMember(input, 'AlternateIdentifier', ['UniqueAttribute', 'ExternalId']);
  const member = objectMember({ [kind]: raw }, kind);
  if (kind === 'ExternalId') {
    return { issuer: requiredString(member, 'Issuer'), id: requiredString(member, 'Id') };
  }
  const path = requiredString(member, 'AttributePath');
  if (member.AttributeValue === undefined || member.AttributeValue === null) {
    throw invalid('AttributeValue must not be null.');
  }
  return { path, value: member.AttributeValue };
}

const handlers: Record<string, Handler> = {
  GetUserId(dir, input) {
    const key = uniqueAttribute(input);
    const users = [...dir.users.values()];
    let found: User | undefined;
    // Exact, case-sensitive match: the fake does not guess at AWS's case folding.
    if ('issuer' in key) {
      found = users.find((u) => u.externalId?.issuer === key.issuer && u.externalId.id === key.id);
    } else if (key.path === 'userName') {
      found = users.find((u) => u.userName === key.value);
    } else if (key.path === 'emails.value') {
      found = users.find((u) => u.email !== undefined && u.email === key.value);
    } else {
      throw invalid(`AttributePath ${key.path} is not supported; use userName or emails.value.`);
    }
    if (!found) throw notFound('USER');
    return { UserId: found.userId, IdentityStoreId: dir.identityStoreId };
  },

  DescribeUser(dir, input) {
    return userShape(dir.identityStoreId, user(dir, requiredString(input, 'UserId', RESOURCE_ID)));
  },

  ListUsers(dir, input, context) {
    const userName = filterValue(input, 'UserName');
    const users = [...dir.users.values()].filter((u) => userName === undefined || u.userName === userName);
    const { page: found, next } = page(users, input, `ListUsers:${userName ?? ''}`, {
      max: MAX_PAGE,
      defaultSize: context.pageSize,
    });
    return {
      Users: found.map((u) => userShape(dir.identityStoreId, u)),
      ...(next ? { NextToken: next } : {}),
    };
  },

  DescribeGroup(dir, input) {
    return groupShape(dir.identityStoreId, group(dir, requiredString(input, 'GroupId', RESOURCE_ID)));
  },

  ListGroups(dir, input, context) {
    const name = filterValue(input, 'DisplayName');
    const groups = [...dir.groups.values()].filter((g) => name === undefined || g.displayName === name);
    const { page: found, next } = page(groups, input, `ListGroups:${name ?? ''}`, {
      max: MAX_PAGE,
      defaultSize: context.pageSize,
    });
    return {
      Groups: found.map((g) => groupShape(dir.identityStoreId, g)),
      ...(next ? { NextToken: next } : {}),
    };
  },

  CreateGroupMembership(dir, input) {
    const groupId = group(dir, requiredString(input, 'GroupId', RESOURCE_ID)).groupId;
    const userId = user(dir, memberUserId(input)).userId;
    if (dir.findMembership(groupId, userId)) {
      throw new AwsError(400, 'ConflictException', 'Member and Group relationship already exists.', {
        Reason: 'UNIQUENESS_CONSTRAINT_VIOLATION',
      });
    }
    return { MembershipId: dir.addMembership(groupId, userId), IdentityStoreId: dir.identityStoreId };
  },

  GetGroupMembershipId(dir, input) {
    const groupId = group(dir, requiredString(input, 'GroupId', RESOURCE_ID)).groupId;
    const m = dir.findMembership(groupId, memberUserId(input));
    if (!m) throw notFound('GROUP_MEMBERSHIP');
    return { MembershipId: m.membershipId, IdentityStoreId: dir.identityStoreId };
  },

  DeleteGroupMembership(dir, input) {
    const membershipId = requiredString(input, 'MembershipId', RESOURCE_ID);
    if (!dir.memberships.delete(membershipId)) throw notFound('GROUP_MEMBERSHIP', membershipId);
    return {};
  },

  ListGroupMemberships(dir, input, context) {
    const groupId = group(dir, requiredString(input, 'GroupId', RESOURCE_ID)).groupId;
    const all = [...dir.memberships.values()].filter((m) => m.groupId === groupId);
    const { page: ms, next } = page(all, input, `ListGroupMemberships:${groupId}`, {
      max: MAX_PAGE,
      defaultSize: context.pageSize,
    });
    return {
      GroupMemberships: ms.map((m) => membershipShape(dir.identityStoreId, m)),
      ...(next ? { NextToken: next } : {}),
    };
  },

  ListGroupMembershipsForMember(dir, input, context) {
    const userId = user(dir, memberUserId(input)).userId;
    const all = [...dir.memberships.values()].filter((m) => m.userId === userId);
    const { page: ms, next } = page(all, input, `ListGroupMembershipsForMember:${userId}`, {
      max: MAX_PAGE,
      defaultSize: context.pageSize,
    });
    return {
      GroupMemberships: ms.map((m) => membershipShape(dir.identityStoreId, m)),
      ...(next ? { NextToken: next } : {}),
    };
  },
};

/** The Identity Store of one directory, as the server routes to it. */
export function identityStoreService(dir: IdentityDirectory): FakeJsonService {
  return {
    service: 'identitystore',
    protocol: 'awsJson1_1',
    targetPrefixes: ['AWSIdentityStore'],
    namespace: NAMESPACE,
    throttleCode: 'ThrottlingException',
    has: (operation) => Object.hasOwn(handlers, operation),
    call(operation, input, context) {
      const handler = handlers[operation];
      if (!handler) throw AwsError.coral(400, 'UnknownOperationException', '');
      const storeId = requiredString(input, 'IdentityStoreId', IDENTITY_STORE_ID);
      if (storeId !== dir.identityStoreId) throw notFound('IDENTITY_STORE', storeId);
      return handler(dir, input, context);
    },
  };
}
