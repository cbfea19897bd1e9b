import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudTrailState, cloudTrailService } from './fake-aws-cloudtrail.js';
import {
  AwsError,
  type FakeAwsService,
  type FakeCallContext,
  type FakeServiceHandler,
  type Input,
  xml,
} from './fake-aws-common.js';
import {
  type RandomFaultCounts,
  type RandomFaultKind,
  RandomFaultSource,
  type RandomFaults,
} from './fake-aws-faults.js';
import { IamState, iamService } from './fake-aws-iam.js';
import {
  IDENTITY_STORE_ID,
  IdentityDirectory,
  identityStoreService,
  type NewUser,
} from './fake-aws-identity-store.js';
import { OrganizationsState, organizationsService } from './fake-aws-organizations.js';
import { SsoAdminState, ssoAdminService } from './fake-aws-sso-admin.js';
import { type RoleSpec, StsState, stsService } from './fake-aws-sts.js';

export type { FakeAwsService } from './fake-aws-common.js';

export interface FakeAwsCall {
  service: FakeAwsService;
  operation: string;
  /** The parsed JSON body (awsJson services) or the form parameters without Action/Version (awsQuery). */
  input: unknown;
  status: number;
  /** Epoch ms when the request arrived. */
  at: number;
  /** From the SigV4 credential scope: tells base credentials from ones AssumeRole issued. */
  accessKeyId: string | undefined;
  /** The account the credentials belong to (the management account unless AssumeRole issued them). */
  account: string;
  region: string;
  /** Set when a random fault (setRandomFaults) answered the call instead of the service. */
  randomFault?: RandomFaultKind;
}

/** A request as it arrives, before any added latency and before the service acts on it. */
export interface FakeAwsArrival {
  service: FakeAwsService;
  operation: string;
  input: unknown;
  /** Epoch ms. */
  at: number;
}

export interface FakeAwsFault {
  status: number;
  /** Error code: `ThrottlingException`, `ConflictException`… (awsJson) or `Throttling`, `NoSuchEntity`… (awsQuery). */
  type: string;
  message?: string;
  /** How many calls in a row fail; default 1. */
  times?: number;
  /** Sent as the `Retry-After` header, as the Identity Store model binds RetryAfterSeconds. */
  retryAfterSeconds?: number;
  /** Extra members of an awsJson error body, e.g. `{ Reason: 'CONCURRENT_MODIFICATION' }`. */
  fields?: Record<string, unknown>;
  /** Only calls to this service (operation names such as ListGroups exist in several). */
  service?: FakeAwsService;
  /** Only calls whose input matches, e.g. one permission set among several read at once. */
  when?: CallPredicate;
}

// biome-ignore lint/suspicious/noExplicitAny: a predicate reads the SDK input of whichever operation it waits for
export type CallPredicate = (input: any) => boolean;

export interface FakeAwsServer {
  readonly url: string;
  readonly identityStoreId: string;
  /** The management account: base credentials belong to it. */
  readonly accountId: string;
  /** Returns the UserId (`<10 hex>-<uuid>`, as AWS makes them). Throws on a duplicate user name. */
  addUser(u: NewUser): string;
  /** Out-of-band deletion of an Identity Center user and its memberships; false if unknown. */
  removeUser(userId: string): boolean;
  addGroup(g: { displayName: string; groupId?: string }): string;
  addRole(r: RoleSpec): void;
  isMember(groupId: string, userId: string): boolean;
  membersOf(groupId: string): string[];
  /** Out-of-band add (someone did it by hand); returns the existing id if already a member. */
  addMembership(groupId: string, userId: string): string;
  /** Out-of-band removal; false if the user was not a member. */
  removeMembership(groupId: string, userId: string): boolean;
  /** IAM users, groups and memberships of every account. */
  readonly iam: IamState;
  /** The organization's accounts. */
  readonly organizations: OrganizationsState;
  /** Identity Center instances, permission sets and account assignments. */
  readonly ssoAdmin: SsoAdminState;
  /** CloudTrail events per account and region. */
  readonly cloudTrail: CloudTrailState;
  readonly calls: ReadonlyArray<FakeAwsCall>;
  /** Queue faults: the next `times` calls of `operation` answer with this error instead of running. */
  failNext(operation: string, fault: FakeAwsFault): void;
  /**
   * The next `times` calls of `operation` are taken and never answered, as over a stalled
   * connection: nothing runs, and the caller must give up by itself. Recorded with status 0.
   */
  stallNext(operation: string, times?: number): void;
  /** Throttle calls above `perSecond` per second, per service (all services when none is named). Off by default. */
  setRateLimit(perSecond: number | undefined, service?: FakeAwsService): void;
  /** Answer every `n`th call (counted over all services) with the service's throttling error; undefined turns it off. */
  throttleEvery(n: number | undefined): void;
  /** Added latency per request in ms (default 0). */
  setLatency(ms: number): void;
  /**
   * Seeded random throttling, `InternalFailure` (500) and latency spikes on every call (or the named
   * services'), after queued faults; undefined turns them off. `randomFaultCounts` says what they did.
   */
  setRandomFaults(settings: RandomFaults | undefined): void;
  readonly randomFaultCounts: RandomFaultCounts;
  /** Resolves with the first call (past or future) of `operation` whose input matches. */
  waitForCall(operation: string, predicate?: CallPredicate, timeoutMs?: number): Promise<FakeAwsCall>;
  /**
   * Resolves when the next matching request arrives, before added latency and before the service
   * acts on it: the moment the caller has sent it and waits (a crash then leaves it in flight).
   */
  waitForArrival(operation: string, predicate?: CallPredicate, timeoutMs?: number): Promise<FakeAwsArrival>;
  /** Clears calls, queued faults, rate limits, throttling, random faults and latency; keeps every fixture. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeAwsServerOptions {
  identityStoreId?: string;
  port?: number;
  /** The management account id (default 123456789012). */
  accountId?: string;
  /** Page size of every listing when the caller gives none (default: each API's own default). */
  pageSize?: number;
}

interface Waiter<T> {
  operation: string;
  predicate: (input: unknown) => boolean;
  resolve: (found: T) => void;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  randomFault?: RandomFaultKind;
}

const JSON_TYPE = 'application/x-amz-json-1.1';
// SigV4: `AWS4-HMAC-SHA256 Credential=AKID/20261121/us-east-1/identitystore/aws4_request, SignedHeaders=…, Signature=…`
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/\d{8}\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/;
const CORAL = 'com.amazon.coral.service';

function render(service: FakeServiceHandler, error: AwsError, requestId: string): Reply {
  if (service.protocol === 'awsJson1_1') {
    // awsJson errors: `__type` (and x-amzn-ErrorType) name the shape; members as modelled (`Message`, `Reason`…).
    const namespace = error.namespace ?? service.namespace;
    const body = {
      __type: `${namespace}#${error.code}`,
      Message: error.message,
      RequestId: requestId,
      ...error.fields,
    };
    return {
      status: error.status,
      headers: {
        'content-type': JSON_TYPE,
        'x-amzn-errortype': `${error.code}:http://internal.amazon.com/coral/${namespace}/`,
      },
      body: JSON.stringify(body),
    };
  }
  // awsQuery error document; `Type` is Receiver for server faults (5xx), Sender otherwise.
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml' },
    body:
      `<ErrorResponse xmlns="${service.xmlns}"><Error><Type>${type}</Type><Code>${xml(error.code)}</Code>` +
      `<Message>${xml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

/** AWS checks the SigV4 header's shape and scope (not verified cryptographically here). */
function authError(service: FakeServiceHandler, authorization: string | undefined): AwsError | undefined {
  const json = service.protocol === 'awsJson1_1';
  const suffix = json ? 'Exception' : '';
  if (!authorization) {
    return AwsError.coral(403, `MissingAuthenticationToken${suffix}`, 'Missing Authentication Token');
  }
  const match = SIGV4.exec(authorization);
  if (!match) {
    const message = `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.`;
    return AwsError.coral(403, `IncompleteSignature${suffix}`, message);
  }
  if (match[3] !== service.service) {
    const code = json ? 'InvalidSignatureException' : 'SignatureDoesNotMatch';
    return AwsError.coral(403, code, `Credential should be scoped to correct service: '${service.service}'.`);
  }
  return undefined;
}

interface ParsedRequest {
  service: FakeServiceHandler;
  operation: string;
  input: unknown;
  parseError?: AwsError;
  authorization: string | undefined;
  accessKeyId: string | undefined;
  region: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A predicate that throws (say, reading a field another call lacks) is a non-match, not a server crash. */
function matches(predicate: CallPredicate, input: unknown): boolean {
  try {
    return predicate(input);
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts the fake on 127.0.0.1; point the SDK at `url` via `endpoint` or AWS_ENDPOINT_URL(_<SERVICE>). */
export async function startFakeAwsServer(options: FakeAwsServerOptions = {}): Promise<FakeAwsServer> {
  const identityStoreId = options.identityStoreId ?? 'd-1234567890';
  if (!IDENTITY_STORE_ID.test(identityStoreId)) {
    throw new Error(`fake AWS: ${identityStoreId} is not an identity store id`);
  }
  const accountId = options.accountId ?? '123456789012';
  const pageSize = options.pageSize ?? Number.POSITIVE_INFINITY;
  const directory = new IdentityDirectory(identityStoreId);
  const sts = new StsState(accountId);
  const iam = new IamState(accountId);
  const organizations = new OrganizationsState(accountId);
  const ssoAdmin = new SsoAdminState(accountId, directory);
  const cloudTrail = new CloudTrailState(accountId);
  const services: FakeServiceHandler[] = [
    identityStoreService(directory),
    stsService(sts),
    iamService(iam),
    organizationsService(organizations),
    ssoAdminService(ssoAdmin),
    cloudTrailService(cloudTrail),
  ];
  const faults = new Map<string, Array<FakeAwsFault & { left: number }>>();
  const stalls = new Map<string, number>();
  const recent = new Map<FakeAwsService, number[]>();
  const rateLimits = new Map<FakeAwsService | 'all', number>();
  const waiters = new Set<Waiter<FakeAwsCall>>();
  const arrivalWaiters = new Set<Waiter<FakeAwsArrival>>();
  let calls: FakeAwsCall[] = [];
  let latency = 0;
  let randomFaults: RandomFaultSource | undefined;
  const noRandomFaults: RandomFaultCounts = { calls: 0, throttled: 0, internalFailures: 0, delayed: 0 };
  let throttleNth: number | undefined;
  let counted = 0;

  /** awsJson1_1 names the operation in X-Amz-Target; awsQuery in the form's Action, the service in the SigV4 scope. */
  function parseRequest(req: IncomingMessage, text: string): ParsedRequest {
    const { authorization } = req.headers;
    const scope = SIGV4.exec(authorization ?? '');
    const auth = { authorization, accessKeyId: scope?.[1], region: scope?.[2] ?? 'us-east-1' };
    const target = req.headers['x-amz-target'];
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    if (typeof target !== 'string' && isForm) {
      const { Action, Version, ...input } = Object.fromEntries(new URLSearchParams(text));
      const byScope = services.find((s) => s.protocol === 'awsQuery' && s.service === scope?.[3]);
      const service = byScope ?? services.find((s) => s.service === 'sts');
      if (service?.protocol !== 'awsQuery') throw new Error('fake AWS: no awsQuery service');
      const operation = Action ?? '';
      let parseError: AwsError | undefined;
      if (!Action) parseError = new AwsError(400, 'MissingAction', 'Missing Action');
      else if (!service.has(Action) || Version !== service.version) {
        const version = Version ?? 'NO_VERSION_SPECIFIED';
        parseError = new AwsError(
          400,
          'InvalidAction',
          `Could not find operation ${Action} for version ${version}`,
        );
      }
      return { service, operation, input, ...(parseError ? { parseError } : {}), ...auth };
    }
    const dot = typeof target === 'string' ? target.lastIndexOf('.') : -1;
    const prefix = typeof target === 'string' ? target.slice(0, Math.max(dot, 0)) : '';
    const operation = typeof target === 'string' ? target.slice(dot + 1) : '';
    const found = services.find((s) => s.protocol === 'awsJson1_1' && s.targetPrefixes.includes(prefix));
    const service = found ?? services[0];
    if (!service) throw new Error('fake AWS: no services');
    if (!found || !service.has(operation)) {
      const parseError = AwsError.coral(400, 'UnknownOperationException', '');
      return { service, operation, input: text, parseError, ...auth };
    }
    try {
      const input: unknown = text ? JSON.parse(text) : {};
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        const message = 'Start of structure or map found where not expected.';
        return {
          service,
          operation,
          input,
          parseError: AwsError.coral(400, 'SerializationException', message),
          ...auth,
        };
      }
      return { service, operation, input, ...auth };
    } catch {
      const parseError = AwsError.coral(400, 'SerializationException', 'Invalid JSON body');
      return { service, operation, input: text, parseError, ...auth };
    }
  }

  function takeFault(service: FakeAwsService, operation: string, input: unknown): FakeAwsFault | undefined {
    const queue = faults.get(operation);
    const index =
      queue?.findIndex(
        (f) => (f.service === undefined || f.service === service) && (!f.when || matches(f.when, input)),
      ) ?? -1;
    const fault = queue?.[index];
    if (!queue || !fault) return undefined;
    if (--fault.left <= 0) queue.splice(index, 1);
    return fault;
  }

  function overRateLimit(service: FakeAwsService, now: number): boolean {
    const limit = rateLimits.get(service) ?? rateLimits.get('all');
    if (limit === undefined) return false;
    const window = (recent.get(service) ?? []).filter((t) => t > now - 1000);
    recent.set(service, window);
    if (window.length >= limit) return true;
    window.push(now);
    return false;
  }

  function waitFor<T>(
    set: Set<Waiter<T>>,
    operation: string,
    predicate: CallPredicate,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        operation,
        predicate,
        resolve: (found) => {
          clearTimeout(timer);
          set.delete(waiter);
          resolve(found);
        },
      };
      const timer = setTimeout(() => {
        set.delete(waiter);
        const seenOps = calls.map((c) => `${c.operation}(${c.status})`).join(', ') || 'none';
        reject(new Error(`fake AWS: no ${operation} ${what} within ${timeoutMs} ms; calls: ${seenOps}`));
      }, timeoutMs);
      set.add(waiter);
    });
  }

  function record(call: FakeAwsCall): void {
    calls.push(call);
    for (const waiter of waiters) {
      if (waiter.operation === call.operation && matches(waiter.predicate, call.input)) waiter.resolve(call);
    }
  }

  function throttleReply(service: FakeServiceHandler, requestId: string): Reply {
    const fields = service.throttleCode === 'TooManyRequestsException' ? { Type: 'TooManyRequests' } : {};
    return render(service, new AwsError(400, service.throttleCode, 'Rate exceeded', fields), requestId);
  }

  function dispatch(request: ParsedRequest, context: FakeCallContext, randomFault?: RandomFaultKind): Reply {
    const { service, operation, input } = request;
    const denied = authError(service, request.authorization);
    if (denied) throw denied;
    if (request.parseError) throw request.parseError;
    const fault = takeFault(service.service, operation, input);
    if (fault) {
      const message = fault.message ?? `${fault.type} (injected)`;
      const error = new AwsError(fault.status, fault.type, message, fault.fields);
      const reply = render(service, error, context.requestId);
      if (fault.retryAfterSeconds !== undefined) {
        reply.headers['retry-after'] = String(fault.retryAfterSeconds);
      }
      return reply;
    }
    if (randomFault) {
      randomFaults?.answered(randomFault);
      if (randomFault === 'throttle') return { ...throttleReply(service, context.requestId), randomFault };
      // AWS's common error for a failure of its own: 500, `InternalFailure`, in the service's protocol.
      const error = AwsError.coral(500, 'InternalFailure', 'An internal error occurred. Try again.');
      return { ...render(service, error, context.requestId), randomFault };
    }
    counted += 1;
    const throttled = throttleNth !== undefined && counted % throttleNth === 0;
    if (throttled || overRateLimit(service.service, context.now)) {
      return throttleReply(service, context.requestId);
    }
    if (service.protocol === 'awsQuery') {
      const result = service.call(operation, input as Record<string, string>, context);
      const xmlns = service.xmlns;
      const body =
        `<${operation}Response xmlns="${xmlns}">` +
        (result === undefined ? '' : `<${operation}Result>${result}</${operation}Result>`) +
        `<ResponseMetadata><RequestId>${context.requestId}</RequestId></ResponseMetadata></${operation}Response>`;
      return { status: 200, headers: { 'content-type': 'text/xml' }, body };
    }
    const output = service.call(operation, input as Input, context);
    return { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(output) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const requestId = randomUUID();
    const request = parseRequest(req, await readBody(req));
    const account = sts.caller(request.accessKeyId).account;
    const context: FakeCallContext = {
      account,
      region: request.region,
      accessKeyId: request.accessKeyId,
      requestId,
      now: at,
      pageSize,
    };
    const arrival = {
      service: request.service.service,
      operation: request.operation,
      input: request.input,
      at,
    };
    for (const waiter of arrivalWaiters) {
      if (waiter.operation === arrival.operation && matches(waiter.predicate, arrival.input)) {
        waiter.resolve(arrival);
      }
    }
    const stallsLeft = stalls.get(request.operation) ?? 0;
    if (stallsLeft > 0) {
      stalls.set(request.operation, stallsLeft - 1);
      const { operation, input, accessKeyId, region } = request;
      record({
        service: request.service.service,
        operation,
        input,
        status: 0,
        at,
        accessKeyId,
        account,
        region,
      });
      return; // the response stays open until the caller gives up or the server closes
    }
    const draw = randomFaults?.draw(request.service.service) ?? { delayMs: 0 };
    if (latency + draw.delayMs > 0) await sleep(latency + draw.delayMs);
    let reply: Reply;
    try {
      reply = dispatch(request, context, draw.fault);
    } catch (error) {
      const unexpected =
        request.service.protocol === 'awsJson1_1' ? 'InternalServerException' : 'InternalFailure';
      const awsError =
        error instanceof AwsError ? error : new AwsError(500, unexpected, String(error), {}, CORAL);
      reply = render(request.service, awsError, requestId);
    }
    const { operation, input, accessKeyId } = request;
    const service = request.service.service;
    record({
      service,
      operation,
      input,
      status: reply.status,
      at,
      accessKeyId,
      account,
      region: request.region,
      ...(reply.randomFault ? { randomFault: reply.randomFault } : {}),
    });
    res.writeHead(reply.status, { ...reply.headers, 'x-amzn-requestid': requestId });
    res.end(reply.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    identityStoreId,
    accountId,
    iam,
    organizations,
    ssoAdmin,
    cloudTrail,
    addUser: (u) => directory.addUser(u),
    removeUser: (userId) => directory.removeUser(userId),
    addGroup: (g) => directory.addGroup(g),
    addRole: (r) => sts.addRole(r),
    isMember: (groupId, userId) => directory.findMembership(groupId, userId) !== undefined,
    membersOf: (groupId) => directory.membersOf(groupId),
    addMembership: (groupId, userId) => directory.addMembership(groupId, userId),
    removeMembership: (groupId, userId) => directory.removeMembership(groupId, userId),
    get calls() {
      return calls;
    },
    stallNext(operation, times = 1) {
      stalls.set(operation, (stalls.get(operation) ?? 0) + times);
    },
    failNext(operation, fault) {
      const queue = faults.get(operation) ?? [];
      queue.push({ ...fault, left: fault.times ?? 1 });
      faults.set(operation, queue);
    },
    setRateLimit(perSecond, service) {
      if (perSecond === undefined) rateLimits.delete(service ?? 'all');
      else rateLimits.set(service ?? 'all', perSecond);
    },
    throttleEvery(n) {
      throttleNth = n;
      counted = 0;
    },
    setLatency(ms) {
      latency = ms;
    },
    waitForCall(operation, predicate = () => true, timeoutMs = 5000) {
      const seen = calls.find((c) => c.operation === operation && matches(predicate, c.input));
      if (seen) return Promise.resolve(seen);
      return waitFor(waiters, operation, predicate, timeoutMs, 'call');
    },
    waitForArrival(operation, predicate = () => true, timeoutMs = 5000) {
      return waitFor(arrivalWaiters, operation, predicate, timeoutMs, 'request arriving');
    },
    setRandomFaults(settings) {
      randomFaults = settings ? new RandomFaultSource(settings) : undefined;
    },
    get randomFaultCounts() {
      return randomFaults?.counts ?? { ...noRandomFaults };
    },
    reset() {
      calls = [];
      faults.clear();
      stalls.clear();
      recent.clear();
      rateLimits.clear();
      throttleNth = undefined;
      counted = 0;
      latency = 0;
      randomFaults = undefined;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      });
    },
  };
}
