import { createHash } from 'node:crypto';
import { AwsError, type FakeCallContext, type FakeJsonService, type Input, page } from './fake-aws-common.js';

const NAMESPACE = 'com.amazonaws.organizations.v20161128';
// ListAccounts: MaxResults 1–20 (API reference).
const MAX_RESULTS = 20;
const ACCOUNT_ID = /^\d{12}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

export interface NewOrganizationAccount {
  /** 12 digits; a unique one is made up when omitted. */
  id?: string;
  name: string;
  /** Default `aws+<id>@example.com`. */
  email?: string;
  /** Default ACTIVE. */
  status?: AccountStatus;
  /** Default CREATED (made by the organization); INVITED for accounts that joined by handshake. */
  joinedMethod?: 'INVITED' | 'CREATED';
}

export interface OrganizationAccount {
  id: string;
  arn: string;
  name: string;
  email: string;
  status: AccountStatus;
  joinedMethod: 'INVITED' | 'CREATED';
  /** Epoch ms. */
  joinedAt: number;
}

interface StoredAccount extends OrganizationAccount {
  seq: number;
}

/** One organization (feature set ALL) run from the management account. */
export class OrganizationsState {
  /** `o-` and 10 lower-case letters or digits, derived from the management account so it is stable. */
  readonly organizationId: string;
  readonly organizationArn: string;
  private readonly members = new Map<string, StoredAccount>();
  private readonly delegated = new Set<string>();
  private seq = 0;
  private nextId = 100000000001;

  constructor(readonly managementAccount: string) {
    if (!ACCOUNT_ID.test(managementAccount)) {
      throw new Error(`fake AWS: ${managementAccount} is not an account id`);
    }
    const hash = createHash('sha256').update(managementAccount).digest('hex');
    this.organizationId = `o-${hash.slice(0, 10)}`;
    this.organizationArn = `arn:aws:organizations::${managementAccount}:organization/${this.organizationId}`;
    this.addAccount({ id: managementAccount, name: 'management' });
  }

  /** Adds a member account (ACTIVE unless told); returns its id. Throws on a duplicate or malformed id. */
  addAccount(a: NewOrganizationAccount): string {
    const id = a.id ?? this.freshId();
    if (!ACCOUNT_ID.test(id)) throw new Error(`fake AWS: ${id} is not a 12-digit account id`);
    if (this.members.has(id)) throw new Error(`fake AWS: account ${id} is already in the organization`);
    if (a.name.length < 1 || a.name.length > 50) throw new Error(`fake AWS: bad account name ${a.name}`);
    const email = a.email ?? `aws+${id}@example.com`;
    if (!EMAIL.test(email)) throw new Error(`fake AWS: ${email} is not an email address`);
    this.members.set(id, {
      seq: ++this.seq,
      id,
      arn: `arn:aws:organizations::${this.managementAccount}:account/${this.organizationId}/${id}`,
      name: a.name,
      email,
      status: a.status ?? 'ACTIVE',
      joinedMethod: a.joinedMethod ?? 'CREATED',
      joinedAt: Date.now(),
    });
    return id;
  }

  /** Every account of the organization, the management account first. */
  accounts(): OrganizationAccount[] {
    return [...this.members.values()].map(({ seq: _seq, ...account }) => ({ ...account }));
  }

  account(id: string): OrganizationAccount | undefined {
    const found = this.members.get(id);
    if (!found) return undefined;
    const { seq: _seq, ...account } = found;
    return account;
  }

  /** Changes an account's status (say, to SUSPENDED) out of band. */
  setStatus(id: string, status: AccountStatus): void {
    const found = this.members.get(id);
    if (!found) throw new Error(`fake AWS: account ${id} is not in the organization`);
    found.status = status;
  }

  /** Lets a member account call the management-only read APIs, as a delegated administrator may. */
  registerDelegatedAdministrator(id: string): void {
    if (!this.members.has(id)) throw new Error(`fake AWS: account ${id} is not in the organization`);
    this.delegated.add(id);
  }

  /** Used by the operations. */
  stored(): StoredAccount[] {
    return [...this.members.values()];
  }

  isMember(id: string): boolean {
    return this.members.has(id);
  }

  mayAdminister(id: string): boolean {
    return id === this.managementAccount || this.delegated.has(id);
  }

  private freshId(): string {
    let id = String(this.nextId++);
    while (this.members.has(id)) id = String(this.nextId++);
    return id;
  }
}

function invalidInput(reason: string, message: string): AwsError {
  return new AwsError(400, 'InvalidInputException', message, { Reason: reason });
}

/** Callers outside the organization are told it is not in use; members that may not administer, access denied. */
function checkCaller(state: OrganizationsState, context: FakeCallContext, membersMay: boolean): void {
  if (!state.isMember(context.account)) {
    throw new AwsError(
      404,
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
    );
  }
  if (!membersMay && !state.mayAdminister(context.account)) {
    throw new AwsError(403, 'AccessDeniedException', "You don't have permissions to access this resource.");
  }
}

function accountShape(a: StoredAccount): Input {
  return {
    Id: a.id,
    Arn: a.arn,
    Email: a.email,
    Name: a.name,
    Status: a.status,
    // State (newer) has the same values as Status for these three.
    State: a.status,
    JoinedMethod: a.joinedMethod,
    // awsJson timestamps are epoch seconds.
    JoinedTimestamp: a.joinedAt / 1000,
  };
}

type Handler = (state: OrganizationsState, input: Input, context: FakeCallContext) => Input;

const handlers: Record<string, Handler> = {
  // Any account of the organization may describe it (Organizations API reference: "This operation can
  // be called from any account in the organization").
  DescribeOrganization(state, _input, context) {
    checkCaller(state, context, true);
    const management = state.account(state.managementAccount);
    return {
      Organization: {
        Id: state.organizationId,
        Arn: state.organizationArn,
        FeatureSet: 'ALL',
        MasterAccountArn: management?.arn,
        MasterAccountId: state.managementAccount,
        MasterAccountEmail: management?.email,
        AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    };
  },

  // Only the management account or a delegated administrator may list accounts.
  ListAccounts(state, input, context) {
    checkCaller(state, context, false);
    const raw = input.MaxResults;
    if (raw !== undefined && raw !== null) {
      if (typeof raw !== 'number' || !Number.isInteger(raw)) {
        throw new AwsError(
          400,
          'SerializationException',
          'MaxResults must be an integer.',
          {},
          'com.amazon.coral.service',
        );
      }
      if (raw < 1)
        throw invalidInput(
          'MIN_VALUE_EXCEEDED',
          'You provided a value that is smaller than the minimum allowed.',
        );
      if (raw > MAX_RESULTS) {
        throw invalidInput(
          'MAX_VALUE_EXCEEDED',
          'You provided a value that is larger than the maximum allowed.',
        );
      }
    }
    const token = input.NextToken;
    if (token !== undefined && token !== null && (typeof token !== 'string' || token.length === 0)) {
      throw invalidInput('INVALID_PAGINATION_TOKEN', 'The provided pagination token is invalid.');
    }
    let result: { page: StoredAccount[]; next?: string };
    try {
      result = page(state.stored(), input, 'ListAccounts', {
        max: MAX_RESULTS,
        defaultSize: Math.min(context.pageSize, MAX_RESULTS),
        badTokenCode: 'InvalidNextToken',
      });
    } catch (error) {
      if (error instanceof AwsError && error.code === 'InvalidNextToken') {
        throw invalidInput('INVALID_PAGINATION_TOKEN', 'The provided pagination token is invalid.');
      }
      throw error;
    }
    return {
      Accounts: result.page.map(accountShape),
      ...(result.next ? { NextToken: result.next } : {}),
    };
  },
};

/** Organizations (awsJson1_1): DescribeOrganization and ListAccounts of one organization. */
export function organizationsService(state: OrganizationsState): FakeJsonService {
  return {
    service: 'organizations',
    protocol: 'awsJson1_1',
    targetPrefixes: ['AWSOrganizationsV20161128'],
    namespace: NAMESPACE,
    throttleCode: 'TooManyRequestsException',
    has: (operation) => Object.hasOwn(handlers, operation),
    call(operation, input, context) {
      const handler = handlers[operation];
      if (!handler) throw AwsError.coral(400, 'UnknownOperationException', '');
      return handler(state, input, context);
    },
  };
}
