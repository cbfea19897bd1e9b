import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AwsError,
  callIdentityStore,
  IDENTITY_STORE_ID,
  IdentityDirectory,
  isIdentityStoreOperation,
  type NewUser,
} from './fake-aws-identity-store.js';
import { callSts, type RoleSpec, StsState, stsErrorXml } from './fake-aws-sts.js';

export type FakeAwsService = 'identitystore' | 'sts';

export interface FakeAwsCall {
  service: FakeAwsService;
  operation: string;
  /** The parsed JSON body (Identity Store) or the form parameters without Action/Version (STS). */
  input: unknown;
  status: number;
  /** Epoch ms when the request arrived. */
  at: number;
  /** From the SigV4 credential scope: tells base credentials from ones AssumeRole issued. */
  accessKeyId: string | undefined;
}

export interface FakeAwsFault {
  status: number;
  /** Error code: `ThrottlingException`, `ConflictException`… (Identity Store) or `Throttling`, `AccessDenied`… (STS). */
  type: string;
  message?: string;
  /** How many calls in a row fail; default 1. */
  times?: number;
  /** Sent as the `Retry-After` header, as the Identity Store model binds RetryAfterSeconds. */
  retryAfterSeconds?: number;
  /** Extra members of an Identity Store error body, e.g. `{ Reason: 'CONCURRENT_MODIFICATION' }`. */
  fields?: Record<string, unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: a predicate reads the SDK input of whichever operation it waits for
export type CallPredicate = (input: any) => boolean;

export interface FakeAwsServer {
  readonly url: string;
  readonly identityStoreId: string;
  readonly accountId: string;
  /** Returns the UserId (`<10 hex>-<uuid>`, as AWS makes them). Throws on a duplicate user name. */
  addUser(u: NewUser): string;
  addGroup(g: { displayName: string; groupId?: string }): string;
  addRole(r: RoleSpec): void;
  isMember(groupId: string, userId: string): boolean;
  membersOf(groupId: string): string[];
  /** Out-of-band add (someone did it by hand); returns the existing id if already a member. */
  addMembership(groupId: string, userId: string): string;
  /** Out-of-band removal; false if the user was not a member. */
  removeMembership(groupId: string, userId: string): boolean;
  readonly calls: ReadonlyArray<FakeAwsCall>;
  /** Queue faults: the next `times` calls of `operation` answer with this error instead of running. */
  failNext(operation: string, fault: FakeAwsFault): void;
  /** Throttle every op above `perSecond` calls/s per service (ThrottlingException / STS Throttling). Off by default. */
  setRateLimit(perSecond: number | undefined): void;
  /** Added latency per request in ms (default 0). */
  setLatency(ms: number): void;
  /** Resolves with the first call (past or future) of `operation` whose input matches. */
  waitForCall(operation: string, predicate?: CallPredicate, timeoutMs?: number): Promise<FakeAwsCall>;
  /** Clears calls, queued faults, the rate limit and latency; keeps users, groups, memberships and roles. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeAwsServerOptions {
  identityStoreId?: string;
  port?: number;
  accountId?: string;
}

interface Waiter {
  operation: string;
  predicate: (input: unknown) => boolean;
  resolve: (call: FakeAwsCall) => void;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = 'application/x-amz-json-1.1';
// SigV4: `AWS4-HMAC-SHA256 Credential=AKID/20261121/us-east-1/identitystore/aws4_request, SignedHeaders=…, Signature=…`
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/\d{8}\/[^/\s,]+\/([^/\s,]+)\/aws4_request/;

function jsonError(error: AwsError, requestId: string): Reply {
  // awsJson errors: `__type` (and x-amzn-ErrorType) name the shape; members as modelled (`Message`, `Reason`…).
  const body = {
    __type: `${error.namespace}#${error.code}`,
    Message: error.message,
    RequestId: requestId,
    ...error.fields,
  };
  return {
    status: error.status,
    headers: {
      'content-type': JSON_TYPE,
      'x-amzn-errortype': `${error.code}:http://internal.amazon.com/coral/${error.namespace}/`,
    },
    body: JSON.stringify(body),
  };
}

function render(service: FakeAwsService, error: AwsError, requestId: string): Reply {
  if (service === 'identitystore') return jsonError(error, requestId);
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml' },
    body: stsErrorXml(error, requestId),
  };
}

/** AWS checks the SigV4 header's shape and scope (not verified cryptographically here). */
function authError(service: FakeAwsService, authorization: string | undefined): AwsError | undefined {
  const suffix = service === 'identitystore' ? 'Exception' : '';
  if (!authorization) {
    return AwsError.coral(403, `MissingAuthenticationToken${suffix}`, 'Missing Authentication Token');
  }
  const match = SIGV4.exec(authorization);
  if (!match) {
    const message = `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.`;
    return AwsError.coral(403, `IncompleteSignature${suffix}`, message);
  }
  if (match[2] !== service) {
    const code = service === 'identitystore' ? 'InvalidSignatureException' : 'SignatureDoesNotMatch';
    return AwsError.coral(403, code, `Credential should be scoped to correct service: '${service}'.`);
  }
  return undefined;
}

interface ParsedRequest {
  service: FakeAwsService;
  operation: string;
  input: unknown;
  /** STS form parameters, Action and Version included. */
  params: Record<string, string>;
  parseError?: AwsError;
  authorization: string | undefined;
  accessKeyId: string | undefined;
}

/** awsJson1_1 names the operation in X-Amz-Target; awsQuery in the form's Action. */
function parseRequest(req: IncomingMessage, text: string): ParsedRequest {
  const { authorization } = req.headers;
  const auth = { authorization, accessKeyId: SIGV4.exec(authorization ?? '')?.[1] };
  const target = req.headers['x-amz-target'];
  const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  if (typeof target !== 'string' && isForm) {
    const params = Object.fromEntries(new URLSearchParams(text));
    const { Action, Version, ...input } = params;
    return { service: 'sts', operation: Action ?? '', input, params, ...auth };
  }
  const prefix = 'AWSIdentityStore.';
  const operation =
    typeof target !== 'string' ? '' : target.startsWith(prefix) ? target.slice(prefix.length) : target;
  try {
    return { service: 'identitystore', operation, input: text ? JSON.parse(text) : {}, params: {}, ...auth };
  } catch {
    const parseError = AwsError.coral(400, 'SerializationException', 'Invalid JSON body');
    return { service: 'identitystore', operation, input: text, params: {}, parseError, ...auth };
  }
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
  const directory = new IdentityDirectory(identityStoreId);
  const sts = new StsState(accountId);
  const faults = new Map<string, Array<FakeAwsFault & { left: number }>>();
  const recent: Record<FakeAwsService, number[]> = { identitystore: [], sts: [] };
  const waiters = new Set<Waiter>();
  let calls: FakeAwsCall[] = [];
  let rateLimit: number | undefined;
  let latency = 0;

  function takeFault(operation: string): FakeAwsFault | undefined {
    const queue = faults.get(operation);
    const fault = queue?.[0];
    if (!queue || !fault) return undefined;
    if (--fault.left <= 0) queue.shift();
    return fault;
  }

  function overRateLimit(service: FakeAwsService, now: number): boolean {
    if (rateLimit === undefined) return false;
    const window = recent[service].filter((t) => t > now - 1000);
    recent[service] = window;
    if (window.length >= rateLimit) return true;
    window.push(now);
    return false;
  }

  function record(call: FakeAwsCall): void {
    calls.push(call);
    for (const waiter of waiters) {
      if (waiter.operation === call.operation && matches(waiter.predicate, call.input)) waiter.resolve(call);
    }
  }

  function dispatch(request: ParsedRequest, requestId: string, at: number): Reply {
    const { service, operation, input, params } = request;
    const denied = authError(service, request.authorization);
    if (denied) throw denied;
    if (service === 'identitystore' && !isIdentityStoreOperation(operation)) {
      throw AwsError.coral(400, 'UnknownOperationException', '');
    }
    if (request.parseError) throw request.parseError;
    const fault = takeFault(operation);
    if (fault) {
      const message = fault.message ?? `${fault.type} (injected)`;
      const reply = render(service, new AwsError(fault.status, fault.type, message, fault.fields), requestId);
      if (fault.retryAfterSeconds !== undefined) {
        reply.headers['retry-after'] = String(fault.retryAfterSeconds);
      }
      return reply;
    }
    if (overRateLimit(service, at)) {
      const code = service === 'identitystore' ? 'ThrottlingException' : 'Throttling';
      return render(service, new AwsError(400, code, 'Rate exceeded'), requestId);
    }
    if (service === 'sts') {
      const body = callSts(sts, params, request.accessKeyId, requestId);
      return { status: 200, headers: { 'content-type': 'text/xml' }, body };
    }
    const output = callIdentityStore(directory, operation, input);
    return { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(output) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const requestId = randomUUID();
    const request = parseRequest(req, await readBody(req));
    if (latency > 0) await sleep(latency);
    let reply: Reply;
    try {
      reply = dispatch(request, requestId, at);
    } catch (error) {
      const unexpected = request.service === 'identitystore' ? 'InternalServerException' : 'InternalFailure';
      const awsError = error instanceof AwsError ? error : new AwsError(500, unexpected, String(error));
      reply = render(request.service, awsError, requestId);
    }
    const { service, operation, input, accessKeyId } = request;
    record({ service, operation, input, status: reply.status, at, accessKeyId });
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
    addUser: (u) => directory.addUser(u),
    addGroup: (g) => directory.addGroup(g),
    addRole: (r) => sts.addRole(r),
    isMember: (groupId, userId) => directory.findMembership(groupId, userId) !== undefined,
    membersOf: (groupId) => directory.membersOf(groupId),
    addMembership: (groupId, userId) => directory.addMembership(groupId, userId),
    removeMembership: (groupId, userId) => directory.removeMembership(groupId, userId),
    get calls() {
      return calls;
    },
    failNext(operation, fault) {
      const queue = faults.get(operation) ?? [];
      queue.push({ ...fault, left: fault.times ?? 1 });
      faults.set(operation, queue);
    },
    setRateLimit(perSecond) {
      rateLimit = perSecond;
    },
    setLatency(ms) {
      latency = ms;
    },
    waitForCall(operation, predicate = () => true, timeoutMs = 5000) {
      const seen = calls.find((c) => c.operation === operation && matches(predicate, c.input));
      if (seen) return Promise.resolve(seen);
      return new Promise<FakeAwsCall>((resolve, reject) => {
        const waiter: Waiter = {
          operation,
          predicate,
          resolve: (call) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(call);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const seenOps = calls.map((c) => `${c.operation}(${c.status})`).join(', ') || 'none';
          reject(new Error(`fake AWS: no ${operation} call within ${timeoutMs} ms; calls: ${seenOps}`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    reset() {
      calls = [];
      faults.clear();
      recent.identitystore = [];
      recent.sts = [];
      rateLimit = undefined;
      latency = 0;
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
