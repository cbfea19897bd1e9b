/**
 * What every service of the fake AWS server shares: the error type, Coral-style input validation,
 * opaque pagination tokens, and the interface a service implements to be routed to.
 */

export type FakeAwsService = 'identitystore' | 'sts' | 'iam' | 'sso' | 'organizations' | 'cloudtrail';

/** An AWS error reply; the server renders it in the protocol of the service that raised it. */
export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, unknown> = {},
    /** Smithy namespace for the awsJson `__type`; unset means the namespace of the service that threw. */
    readonly namespace?: string,
  ) {
    super(message);
    this.name = code;
  }

  /** Errors of the AWS request front end (auth, routing, parsing) rather than of the service model. */
  static coral(status: number, code: string, message: string): AwsError {
    return new AwsError(status, code, message, {}, 'com.amazon.coral.service');
  }
}

export type Input = Record<string, unknown>;

/** Who is calling and how: handed to every operation. */
export interface FakeCallContext {
  /** The account the caller's credentials belong to: the management account unless AssumeRole issued them. */
  account: string;
  /** From the SigV4 credential scope. */
  region: string;
  accessKeyId: string | undefined;
  requestId: string;
  /** Epoch ms when the request arrived. */
  now: number;
  /** Page size when the caller gives no MaxResults/MaxItems (the server's `pageSize` option). */
  pageSize: number;
}

interface FakeServiceBase {
  /** The SigV4 signing name (credential scope) of the service. */
  service: FakeAwsService;
  /** The error code the service throttles with. */
  throttleCode: string;
  has(operation: string): boolean;
}

/** awsJson1_1: `X-Amz-Target: <prefix>.<Operation>`, JSON in and out. */
export interface FakeJsonService extends FakeServiceBase {
  protocol: 'awsJson1_1';
  /** Every X-Amz-Target prefix (the text before the last `.`) the service answers. */
  targetPrefixes: string[];
  /** Smithy namespace used in the `__type` of modelled errors. */
  namespace: string;
  /** Returns the output members; throws AwsError. */
  call(operation: string, input: Input, context: FakeCallContext): Input;
}

/** awsQuery: form-encoded `Action=<Operation>&Version=…`, XML out. */
export interface FakeQueryService extends FakeServiceBase {
  protocol: 'awsQuery';
  version: string;
  xmlns: string;
  /**
   * `params` are the form fields without Action and Version. Returns the inner XML of
   * `<OperationResult>`, or undefined for operations whose response has no result element.
   */
  call(operation: string, params: Record<string, string>, context: FakeCallContext): string | undefined;
}

export type FakeServiceHandler = FakeJsonService | FakeQueryService;

// ---- request validation, in the Coral wording AWS uses ----

export function invalid(message: string, code = 'ValidationException'): AwsError {
  return new AwsError(400, code, message);
}

/** Coral's wording; members are named `identityStoreId`, not `IdentityStoreId`. */
export function violation(member: string, constraint: string, value = 'null', code?: string): AwsError {
  const path = member.charAt(0).toLowerCase() + member.slice(1);
  return invalid(
    `1 validation error detected: Value ${value} at '${path}' failed to satisfy constraint: ${constraint}`,
    code,
  );
}

export function optionalString(input: Input, name: string, pattern = /.+/): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw violation(
      name,
      `Member must satisfy regular expression pattern: ${pattern.source}`,
      `'${String(value)}'`,
    );
  }
  return value;
}

export function requiredString(input: Input, name: string, pattern?: RegExp): string {
  const value = optionalString(input, name, pattern);
  if (value === undefined) throw violation(name, 'Member must not be null');
  return value;
}

export function objectMember(input: Input, name: string): Input {
  const value = input[name];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw violation(name, 'Member must not be null');
  }
  return value as Input;
}

/** Smithy unions carry exactly one member. */
export function unionMember(input: Input, name: string, allowed: string[]): [string, unknown] {
  const union = objectMember(input, name);
  const set = Object.entries(union).filter(([, v]) => v !== undefined && v !== null);
  const [first] = set;
  if (set.length !== 1 || !first || !allowed.includes(first[0])) {
    throw invalid(`${name} must have exactly one of: ${allowed.join(', ')}`);
  }
  return first;
}

// ---- pagination: opaque tokens bound to the listing they came from ----

export interface PageOptions {
  /** The largest page the API allows (MaxResults above it is a validation error). */
  max: number;
  /** The page size when the caller gives none. */
  defaultSize: number;
  /** Request member names; awsJson APIs use MaxResults/NextToken, IAM MaxItems/Marker. */
  sizeMember?: string;
  tokenMember?: string;
  /** Error code for a token that is not ours (`InvalidNextTokenException` on some services). */
  badTokenCode?: string;
}

/**
 * One page of `items` (which carry an increasing `seq`) after the caller's token. `scope` names the
 * listing, so a token from another listing is refused, as AWS refuses it.
 */
export function page<T extends { seq: number }>(
  items: readonly T[],
  input: Input,
  scope: string,
  options: PageOptions,
): { page: T[]; next?: string } {
  const sizeMember = options.sizeMember ?? 'MaxResults';
  const tokenMember = options.tokenMember ?? 'NextToken';
  const raw = input[sizeMember] ?? Math.min(options.defaultSize, options.max);
  const max = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > options.max) {
    throw violation(sizeMember, `Member must have value between 1 and ${options.max}`, `'${String(raw)}'`);
  }
  let after = -Infinity;
  const token = optionalString(input, tokenMember);
  if (token !== undefined) {
    const decoded = decodeToken(token);
    if (!decoded || decoded.scope !== scope) {
      throw invalid(`The ${tokenMember} is invalid.`, options.badTokenCode);
    }
    after = decoded.after;
  }
  const rest = items.filter((x) => x.seq > after).sort((a, b) => a.seq - b.seq);
  const slice = rest.slice(0, max);
  const last = slice.at(-1);
  if (rest.length <= max || !last) return { page: slice };
  return { page: slice, next: Buffer.from(JSON.stringify({ scope, after: last.seq })).toString('base64url') };
}

function decodeToken(token: string): { scope: string; after: number } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { scope, after } = value as Record<string, unknown>;
    return typeof scope === 'string' && typeof after === 'number' ? { scope, after } : undefined;
  } catch {
    return undefined;
  }
}

export function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** awsQuery timestamps: ISO 8601 to the second. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A counter shared by a service's fixtures, so listings keep creation order. */
export class Sequence {
  private value = 0;
  next(): number {
    this.value += 1;
    return this.value;
  }
}
