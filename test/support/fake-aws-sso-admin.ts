import { randomBytes, randomUUID } from 'node:crypto';
import {
  AwsError,
  type FakeCallContext,
  type FakeJsonService,
  type Input,
  optionalString,
  page,
  requiredString,
  Sequence,
  violation,
} from './fake-aws-common.js';
import type { IdentityDirectory } from './fake-aws-identity-store.js';

// Patterns from the IAM Identity Center API reference (InstanceArn, PermissionSetArn, TargetId,
// PrincipalId, the request-id UUID, PermissionSet Name and SessionDuration).
const INSTANCE_ARN = /^arn:aws(-[a-z]{1,5}){0,3}:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
const PERMISSION_SET_ARN =
  /^arn:aws(-[a-z]{1,5}){0,3}:sso:::permissionSet\/(sso)?ins-[a-zA-Z0-9-.]{16}\/ps-[a-zA-Z0-9-./]{16}$/;
const ACCOUNT_ID = /^\d{12}$/;
const PRINCIPAL_ID =
  /^([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
const SESSION_DURATION = /^P(?=\d|T\d)(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+S)?)?$/;
const MAX_PAGE = 100;
/** "CreateAccountAssignment has a maximum rate of 10 outstanding async calls" (IdC quotas page). */
const MAX_OUTSTANDING_CREATIONS = 10;
const NAMESPACE = 'com.amazonaws.ssoadmin';

export type PrincipalType = 'USER' | 'GROUP';
type Status = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
type RequestKind = 'creation' | 'deletion';

interface PermissionSet {
  seq: number;
  arn: string;
  name: string;
  description: string | undefined;
  sessionDuration: string;
  createdAt: number;
  /** Account id → the seq of its provisioning (ListAccountsForProvisionedPermissionSet keeps that order). */
  provisioned: Map<string, number>;
}

interface Assignment {
  seq: number;
  accountId: string;
  permissionSetArn: string;
  principalType: PrincipalType;
  principalId: string;
}

interface Target {
  accountId: string;
  permissionSetArn: string;
  principalType: PrincipalType;
  principalId: string;
}

interface AssignmentRequest extends Target {
  kind: RequestKind;
  requestId: string;
  createdAt: number;
  status: Status;
  /** Describe calls that still answer IN_PROGRESS. */
  pollsLeft: number;
  /** Set by failNextAssignment: the request ends FAILED with this reason. */
  forcedFailure: string | undefined;
  failureReason: string | undefined;
}

export interface NewPermissionSet {
  name: string;
  description?: string;
  /** ISO 8601 duration; AWS defaults it to PT1H. */
  sessionDuration?: string;
}

export interface AssignedPrincipal {
  principalId: string;
  principalType: PrincipalType;
}

function key(t: Target): string {
  return `${t.accountId}|${t.permissionSetArn}|${t.principalType}|${t.principalId}`;
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/**
 * The one IAM Identity Center instance of the organization: permission sets, where they are
 * provisioned, account assignments and the asynchronous requests that change them.
 *
 * Requests advance only when polled: the first `pollsUntilDone` Describe…Status calls answer
 * IN_PROGRESS and the next one applies the change and answers the final status. `completePending()`
 * finishes every open request at once, for tests that never poll.
 */
export class SsoAdminState {
  readonly instanceId = `ssoins-${hex(8)}`;
  readonly identityStoreId: string;
  /** Epoch ms when the instance was enabled. */
  readonly createdDate = Date.now();
  private readonly seq = new Sequence();
  private readonly permissionSets = new Map<string, PermissionSet>();
  private readonly assignments = new Map<string, Assignment>();
  private readonly requests = new Map<string, AssignmentRequest>();
  private pollsUntilDone = 1;
  private completesAfterMs: number | undefined;
  private nextFailure: string | undefined;

  constructor(
    readonly managementAccount: string,
    private readonly directory?: IdentityDirectory,
  ) {
    this.identityStoreId = directory?.identityStoreId ?? 'd-1234567890';
  }

  get instanceArn(): string {
    return `arn:aws:sso:::instance/${this.instanceId}`;
  }

  // ---- fixtures ----

  /** Returns the permission set ARN (`arn:aws:sso:::permissionSet/ssoins-…/ps-<16 hex>`). */
  addPermissionSet(p: NewPermissionSet): string {
    if (!PERMISSION_SET_NAME.test(p.name)) {
      throw new Error(`fake AWS: ${p.name} is not a permission set name`);
    }
    if ([...this.permissionSets.values()].some((x) => x.name === p.name)) {
      throw new Error(`fake AWS: permission set ${p.name} already exists`);
    }
    const sessionDuration = p.sessionDuration ?? 'PT1H';
    if (!SESSION_DURATION.test(sessionDuration)) {
      throw new Error(`fake AWS: ${sessionDuration} is not an ISO 8601 duration`);
    }
    const arn = `arn:aws:sso:::permissionSet/${this.instanceId}/ps-${hex(8)}`;
    this.permissionSets.set(arn, {
      seq: this.seq.next(),
      arn,
      name: p.name,
      description: p.description,
      sessionDuration,
      createdAt: Date.now(),
      provisioned: new Map(),
    });
    return arn;
  }

  /** Provision a permission set to an account, as an administrator would. */
  provision(permissionSetArn: string, accountId: string): void {
    const ps = this.fixturePermissionSet(permissionSetArn);
    checkAccount(accountId);
    if (!ps.provisioned.has(accountId)) ps.provisioned.set(accountId, this.seq.next());
  }

  /** Out-of-band assignment (an administrator did it); false if it already existed. Provisions the permission set. */
  assign(
    accountId: string,
    permissionSetArn: string,
    principalId: string,
    principalType: PrincipalType = 'USER',
  ): boolean {
    this.fixturePermissionSet(permissionSetArn);
    checkAccount(accountId);
    if (!PRINCIPAL_ID.test(principalId)) throw new Error(`fake AWS: ${principalId} is not a principal id`);
    return this.addAssignment({ accountId, permissionSetArn, principalType, principalId });
  }

  /** Out-of-band removal; false if there was no such assignment. */
  unassign(
    accountId: string,
    permissionSetArn: string,
    principalId: string,
    principalType: PrincipalType = 'USER',
  ): boolean {
    return this.removeAssignment({ accountId, permissionSetArn, principalType, principalId });
  }

  assignmentsOf(accountId: string, permissionSetArn: string): AssignedPrincipal[] {
    this.settle();
    return this.sortedAssignments()
      .filter((a) => a.accountId === accountId && a.permissionSetArn === permissionSetArn)
      .map((a) => ({ principalId: a.principalId, principalType: a.principalType }));
  }

  hasAssignment(accountId: string, permissionSetArn: string, principalId: string): boolean {
    this.settle();
    return this.sortedAssignments().some(
      (a) =>
        a.accountId === accountId && a.permissionSetArn === permissionSetArn && a.principalId === principalId,
    );
  }

  /** Accounts the permission set is provisioned to, in provisioning order. */
  provisionedAccounts(permissionSetArn: string): string[] {
    const ps = this.fixturePermissionSet(permissionSetArn);
    return [...ps.provisioned.entries()].sort((a, b) => a[1] - b[1]).map(([account]) => account);
  }

  /** How many Describe…Status calls answer IN_PROGRESS before a request finishes (default 1). */
  setPollsUntilDone(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new Error(`fake AWS: pollsUntilDone must be an integer >= 0`);
    this.pollsUntilDone = n;
  }

  /**
   * AWS finishes an assignment request on its own, polled or not: with this set, a request older
   * than `ms` is finished the next time anything looks (a caller that crashed mid-poll finds it done).
   */
  setCompletesAfterMs(ms: number | undefined): void {
    this.completesAfterMs = ms;
  }

  /** Finishes the requests `setCompletesAfterMs` says AWS is done with by `now`. */
  settle(now = Date.now()): void {
    const after = this.completesAfterMs;
    if (after === undefined) return;
    for (const request of this.requests.values()) {
      if (request.status === 'IN_PROGRESS' && request.createdAt + after <= now) this.finish(request);
    }
  }

  /** The next creation or deletion request ends FAILED with this FailureReason and changes nothing. */
  failNextAssignment(reason: string): void {
    this.nextFailure = reason;
  }

  /** Finishes every request still IN_PROGRESS, as AWS would after a while; returns how many. */
  completePending(): number {
    let finished = 0;
    for (const request of this.requests.values()) {
      if (request.status === 'IN_PROGRESS') {
        this.finish(request);
        finished += 1;
      }
    }
    return finished;
  }

  // ---- what the service operations use ----

  checkInstance(instanceArn: string): void {
    if (instanceArn !== this.instanceArn) {
      throw notFound(`Instance ${instanceArn} does not exist.`);
    }
  }

  permissionSet(arn: string): PermissionSet {
    const ps = this.permissionSets.get(arn);
    if (!ps) throw notFound(`Could not find PermissionSet with PermissionSetArn ${arn}.`);
    return ps;
  }

  allPermissionSets(): PermissionSet[] {
    return [...this.permissionSets.values()];
  }

  sortedAssignments(): Assignment[] {
    return [...this.assignments.values()].sort((a, b) => a.seq - b.seq);
  }

  startRequest(kind: RequestKind, target: Target, now: number): AssignmentRequest {
    this.permissionSet(target.permissionSetArn);
    const open = [...this.requests.values()].filter((r) => r.status === 'IN_PROGRESS');
    if (open.some((r) => key(r) === key(target))) {
      throw new AwsError(
        400,
        'ConflictException',
        'Another account assignment request for this principal, permission set and account is in progress. ' +
          'Try again later.',
      );
    }
    if (
      kind === 'creation' &&
      open.filter((r) => r.kind === 'creation').length >= MAX_OUTSTANDING_CREATIONS
    ) {
      // The wording AWS answers with when too many assignment requests are outstanding.
      throw new AwsError(
        400,
        'ThrottlingException',
        'There are too many requests processing. Please try again later.',
      );
    }
    const request: AssignmentRequest = {
      ...target,
      kind,
      requestId: randomUUID(),
      createdAt: now,
      status: 'IN_PROGRESS',
      pollsLeft: this.pollsUntilDone,
      forcedFailure: this.nextFailure,
      failureReason: undefined,
    };
    this.nextFailure = undefined;
    this.requests.set(request.requestId, request);
    return request;
  }

  /** A Describe…Status call: counts down the polls, then applies the change. */
  poll(kind: RequestKind, requestId: string): AssignmentRequest {
    const request = this.requests.get(requestId);
    if (!request || request.kind !== kind) {
      throw notFound(`Could not find account assignment ${kind} request with id ${requestId}.`);
    }
    if (request.status === 'IN_PROGRESS') {
      if (request.pollsLeft > 0) request.pollsLeft -= 1;
      else this.finish(request);
    }
    return request;
  }

  private finish(request: AssignmentRequest): void {
    if (request.forcedFailure !== undefined) {
      request.status = 'FAILED';
      request.failureReason = request.forcedFailure;
      return;
    }
    // An unknown principal is found out by the asynchronous worker, not by the API front end: AWS
    // answers the call IN_PROGRESS and the request then fails with this 404 text (seen on
    // DescribeAccountAssignmentDeletionStatus in hashicorp/terraform-provider-aws#19341).
    if (!this.principalExists(request.principalType, request.principalId)) {
      request.status = 'FAILED';
      request.failureReason =
        `Received a 404 status error: the ${request.principalType} assignee ${request.principalId} ` +
        `was not found in directory ${this.identityStoreId}`;
      return;
    }
    // Creating an assignment that exists, or deleting one that does not, succeeds without change:
    // both requests are idempotent, the outcome the caller asked for holds.
    if (request.kind === 'creation') this.addAssignment(request);
    else this.removeAssignment(request);
    request.status = 'SUCCEEDED';
  }

  private principalExists(type: PrincipalType, id: string): boolean {
    if (!this.directory) return true;
    return type === 'USER' ? this.directory.users.has(id) : this.directory.groups.has(id);
  }

  private addAssignment(t: Target): boolean {
    const ps = this.permissionSet(t.permissionSetArn);
    // The first assignment provisions the permission set to the account (CreateAccountAssignment docs).
    if (!ps.provisioned.has(t.accountId)) ps.provisioned.set(t.accountId, this.seq.next());
    if (this.assignments.has(key(t))) return false;
    this.assignments.set(key(t), {
      seq: this.seq.next(),
      accountId: t.accountId,
      permissionSetArn: t.permissionSetArn,
      principalType: t.principalType,
      principalId: t.principalId,
    });
    return true;
  }

  /**
   * Removing the last assignment does not deprovision the permission set from the account: AWS keeps
   * the provisioned role (a permission set whose assignments are all gone still cannot be deleted
   * until it is removed from the account, hashicorp/terraform-provider-aws#26757). A guess, unverified.
   */
  private removeAssignment(t: Target): boolean {
    return this.assignments.delete(key(t));
  }

  private fixturePermissionSet(arn: string): PermissionSet {
    const ps = this.permissionSets.get(arn);
    if (!ps) throw new Error(`fake AWS: unknown permission set ${arn}`);
    return ps;
  }
}

function checkAccount(accountId: string): void {
  if (!ACCOUNT_ID.test(accountId)) throw new Error(`fake AWS: ${accountId} is not an account id`);
}

// IAM Identity Center answers its modelled client errors with HTTP 400 (ConflictException and
// ThrottlingException are seen as 400 in the wild), although the Smithy model names 404/409/429.
function notFound(message: string): AwsError {
  return new AwsError(400, 'ResourceNotFoundException', message);
}

function enumMember<T extends string>(input: Input, name: string, values: readonly T[]): T {
  const value = input[name];
  if (value === undefined || value === null) throw violation(name, 'Member must not be null');
  if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
    throw violation(name, `Member must satisfy enum value set: [${values.join(', ')}]`, `'${String(value)}'`);
  }
  return value as T;
}

function target(input: Input, accountMember: string): Target {
  const accountId = requiredString(input, accountMember, ACCOUNT_ID);
  if (accountMember === 'TargetId') enumMember(input, 'TargetType', ['AWS_ACCOUNT']);
  return {
    accountId,
    permissionSetArn: requiredString(input, 'PermissionSetArn', PERMISSION_SET_ARN),
    principalType: enumMember(input, 'PrincipalType', ['USER', 'GROUP'] as const),
    principalId: requiredString(input, 'PrincipalId', PRINCIPAL_ID),
  };
}

// ---- response shapes (timestamps are epoch seconds: awsJson's default format) ----

function statusShape(r: AssignmentRequest): Input {
  return {
    Status: r.status,
    RequestId: r.requestId,
    ...(r.failureReason !== undefined ? { FailureReason: r.failureReason } : {}),
    TargetId: r.accountId,
    TargetType: 'AWS_ACCOUNT',
    PermissionSetArn: r.permissionSetArn,
    PrincipalType: r.principalType,
    PrincipalId: r.principalId,
    CreatedDate: r.createdAt / 1000,
  };
}

function permissionSetShape(ps: PermissionSet): Input {
  return {
    Name: ps.name,
    PermissionSetArn: ps.arn,
    ...(ps.description !== undefined ? { Description: ps.description } : {}),
    CreatedDate: ps.createdAt / 1000,
    SessionDuration: ps.sessionDuration,
  };
}

function pageOptions(context: FakeCallContext) {
  return { max: MAX_PAGE, defaultSize: context.pageSize };
}

// ---- operations ----

type Handler = (state: SsoAdminState, input: Input, context: FakeCallContext) => Input;

const handlers: Record<string, Handler> = {
  ListInstances(state, input, context) {
    const instance = { seq: 1 };
    const { page: found, next } = page([instance], input, 'ListInstances', pageOptions(context));
    return {
      Instances: found.map(() => ({
        InstanceArn: state.instanceArn,
        IdentityStoreId: state.identityStoreId,
        OwnerAccountId: state.managementAccount,
        Status: 'ACTIVE',
        CreatedDate: state.createdDate / 1000,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },

  ListPermissionSets(state, input, context) {
    state.checkInstance(requiredString(input, 'InstanceArn', INSTANCE_ARN));
    const { page: found, next } = page(
      state.allPermissionSets(),
      input,
      'ListPermissionSets',
      pageOptions(context),
    );
    return { PermissionSets: found.map((ps) => ps.arn), ...(next ? { NextToken: next } : {}) };
  },

  DescribePermissionSet(state, input) {
    state.checkInstance(requiredString(input, 'InstanceArn', INSTANCE_ARN));
    const ps = state.permissionSet(requiredString(input, 'PermissionSetArn', PERMISSION_SET_ARN));
    return { PermissionSet: permissionSetShape(ps) };
  },

  ListAccountsForProvisionedPermissionSet(state, input, context) {
    state.checkInstance(requiredString(input, 'InstanceArn', INSTANCE_ARN));
    const ps = state.permissionSet(requiredString(input, 'PermissionSetArn', PERMISSION_SET_ARN));
    const status = input.ProvisioningStatus;
    const wanted =
      status === undefined || status === null
        ? undefined
        : enumMember(input, 'ProvisioningStatus', [
            'LATEST_PERMISSION_SET_PROVISIONED',
            'LATEST_PERMISSION_SET_NOT_PROVISIONED',
          ] as const);
    // The fake never edits a permission set after provisioning, so every account has the latest version.
    const accounts =
      wanted === 'LATEST_PERMISSION_SET_NOT_PROVISIONED'
        ? []
        : [...ps.provisioned.entries()].map(([accountId, seq]) => ({ accountId, seq }));
    const { page: found, next } = page(
      accounts,
      input,
      `ListAccountsForProvisionedPermissionSet:${ps.arn}:${wanted ?? ''}`,
      pageOptions(context),
    );
    return { AccountIds: found.map((a) => a.accountId), ...(next ? { NextToken: next } : {}) };
  },

  CreateAccountAssignment(state, input, context) {
    state.checkInstance(requiredString(input, 'InstanceArn', INSTANCE_ARN));
    const request = state.startRequest('creation', target(input, 'TargetId'), context.now);
    return { AccountAssignmentCreationStatus: statusShape(request) };
  },

  DescribeAccountAssignmentCreationStatus(state, input) {
    state.checkInstance(requiredString(input, 'InstanceArn', INSTANCE_ARN));
    const id = requiredString(input, 'AccountAssignmentCreationRequestId', REQUEST_ID);
    return { AccountAssignmentCreationStatus: statusShape(state.poll('creation', id)) };
  },

  DeleteAccountAssignment(state, input, context) {
    state.checkInstance(requiredString(input, 'InstanceArn', INSTANCE_ARN));
    const request = state.startRequest('deletion', target(input, 'TargetId'), context.now);
    return { AccountAssignmentDeletionStatus: statusShape(request) };
  },

  DescribeAccountAssignmentDeletionStatus(state, input) {
    state.checkInstance(requiredString(input, 'InstanceArn', INSTANCE_ARN));
    const id = requiredString(input, 'AccountAssignmentDeletionRequestId', REQUEST_ID);
    return { AccountAssignmentDeletionStatus: statusShape(state.poll('deletion', id)) };
  },

  ListAccountAssignments(state, input, context) {
    state.checkInstance(requiredString(input, 'InstanceArn', INSTANCE_ARN));
    const accountId = requiredString(input, 'AccountId', ACCOUNT_ID);
    const ps = state.permissionSet(requiredString(input, 'PermissionSetArn', PERMISSION_SET_ARN));
    const all = state
      .sortedAssignments()
      .filter((a) => a.accountId === accountId && a.permissionSetArn === ps.arn);
    const { page: found, next } = page(
      all,
      input,
      `ListAccountAssignments:${accountId}:${ps.arn}`,
      pageOptions(context),
    );
    return {
      AccountAssignments: found.map((a) => ({
        AccountId: a.accountId,
        PermissionSetArn: a.permissionSetArn,
        PrincipalType: a.principalType,
        PrincipalId: a.principalId,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },

  ListAccountAssignmentsForPrincipal(state, input, context) {
    state.checkInstance(requiredString(input, 'InstanceArn', INSTANCE_ARN));
    const principalId = requiredString(input, 'PrincipalId', PRINCIPAL_ID);
    const principalType = enumMember(input, 'PrincipalType', ['USER', 'GROUP'] as const);
    const filter = input.Filter;
    let accountId: string | undefined;
    if (filter !== undefined && filter !== null) {
      if (typeof filter !== 'object' || Array.isArray(filter)) {
        throw violation('Filter', 'Member must be a structure', `'${String(filter)}'`);
      }
      accountId = optionalString(filter as Input, 'AccountId', ACCOUNT_ID);
    }
    const all = state
      .sortedAssignments()
      .filter(
        (a) =>
          a.principalId === principalId &&
          a.principalType === principalType &&
          (accountId === undefined || a.accountId === accountId),
      );
    const { page: found, next } = page(
      all,
      input,
      `ListAccountAssignmentsForPrincipal:${principalType}:${principalId}:${accountId ?? ''}`,
      pageOptions(context),
    );
    return {
      AccountAssignments: found.map((a) => ({
        AccountId: a.accountId,
        PermissionSetArn: a.permissionSetArn,
        PrincipalId: a.principalId,
        PrincipalType: a.principalType,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },
};

/** IAM Identity Center admin (awsJson1_1): instances, permission sets, asynchronous account assignments. */
export function ssoAdminService(state: SsoAdminState): FakeJsonService {
  return {
    service: 'sso',
    protocol: 'awsJson1_1',
    targetPrefixes: ['SWBExternalService'],
    namespace: NAMESPACE,
    throttleCode: 'ThrottlingException',
    has: (operation) => Object.hasOwn(handlers, operation),
    call(operation, input, context) {
      const handler = handlers[operation];
      if (!handler) throw AwsError.coral(400, 'UnknownOperationException', '');
      // An organization instance is administered from the management account (delegated
      // administrators are not modelled): credentials of a member account are refused.
      if (context.account !== state.managementAccount) {
        throw new AwsError(
          400,
          'AccessDeniedException',
          `User in account ${context.account} is not authorized to perform: sso:${operation}`,
        );
      }
      state.settle(context.now);
      return handler(state, input, context);
    },
  };
}
