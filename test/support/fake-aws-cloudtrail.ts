import { randomBytes, randomUUID } from 'node:crypto';
import {
  AwsError,
  type FakeCallContext,
  type FakeJsonService,
  type Input,
  isoSeconds,
  Sequence,
} from './fake-aws-common.js';

const NAMESPACE = 'com.amazonaws.cloudtrail.v20131101';
/** LookupEvents searches the last 90 days of management events. */
const RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
const MAX_RESULTS = 50;
/** "The rate of lookup requests is limited to two per second, per account, per Region." */
const DEFAULT_LOOKUP_RATE = 2;

const ATTRIBUTE_KEYS = [
  'EventId',
  'EventName',
  'ReadOnly',
  'Username',
  'ResourceType',
  'ResourceName',
  'EventSource',
  'AccessKeyId',
] as const;
type AttributeKey = (typeof ATTRIBUTE_KEYS)[number];

export interface TrailResource {
  /** e.g. `AWS::IAM::Role`. */
  resourceType: string;
  /** A name or an ARN. */
  resourceName: string;
}

export interface NewTrailEvent {
  /** Default: the management account. */
  account?: string;
  /** Default: us-east-1. */
  region?: string;
  eventName: string;
  /** Default: iam.amazonaws.com. */
  eventSource?: string;
  /** LookupEvents' `Username`: an IAM user name, or the session name of an assumed role. */
  username: string;
  eventTime: Date;
  readOnly: boolean;
  /** Only inside the CloudTrailEvent JSON, as in AWS: an Event has no top-level error member. */
  errorCode?: string;
  errorMessage?: string;
  /** Default: a made-up `ASIA…` key. */
  accessKeyId?: string;
  resources?: TrailResource[];
  /** Replaces the record's default `userIdentity` (an IAMUser named `username`). */
  userIdentity?: Record<string, unknown>;
  requestParameters?: Record<string, unknown>;
}

export interface TrailEvent {
  eventId: string;
  account: string;
  region: string;
  eventName: string;
  eventSource: string;
  username: string;
  eventTime: Date;
  readOnly: boolean;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  accessKeyId: string;
  resources: TrailResource[];
  /** The full record, as LookupEvents returns it in `CloudTrailEvent`. */
  cloudTrailEvent: string;
}

interface Stored extends Omit<TrailEvent, 'eventTime'> {
  seq: number;
  /** Epoch ms. */
  time: number;
}

function accessKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(16);
  let id = 'ASIA';
  for (const b of bytes) id += alphabet[b % 32];
  return id;
}

function scopeKey(account: string, region: string): string {
  return `${account}/${region}`;
}

/** CloudTrail management events, kept per account and region as LookupEvents sees them. */
export class CloudTrailState {
  private readonly byScope = new Map<string, Stored[]>();
  private readonly seq = new Sequence();
  private readonly recent = new Map<string, number[]>();
  private lookupRate: number | undefined = DEFAULT_LOOKUP_RATE;

  constructor(readonly managementAccount: string) {}

  /** Records an event; returns its EventId. */
  addEvent(e: NewTrailEvent): string {
    const account = e.account ?? this.managementAccount;
    const region = e.region ?? 'us-east-1';
    if (!/^\d{12}$/.test(account)) throw new Error(`fake AWS: ${account} is not an account id`);
    if (!(e.eventTime instanceof Date) || Number.isNaN(e.eventTime.getTime())) {
      throw new Error('fake AWS: eventTime must be a valid Date');
    }
    const eventId = randomUUID();
    const eventSource = e.eventSource ?? 'iam.amazonaws.com';
    const accessKeyId = e.accessKeyId ?? accessKey();
    const resources = e.resources ?? [];
    // CloudTrail keeps event times to the second.
    const time = Math.floor(e.eventTime.getTime() / 1000) * 1000;
    const record = {
      eventVersion: '1.09',
      userIdentity: e.userIdentity ?? {
        type: 'IAMUser',
        principalId: `AIDA${accessKeyId.slice(4, 21)}`,
        arn: `arn:aws:iam::${account}:user/${e.username}`,
        accountId: account,
        accessKeyId,
        userName: e.username,
      },
      eventTime: isoSeconds(time),
      eventSource,
      eventName: e.eventName,
      awsRegion: region,
      sourceIPAddress: '198.51.100.23',
      userAgent: 'aws-sdk-js/3',
      ...(e.errorCode !== undefined ? { errorCode: e.errorCode } : {}),
      ...(e.errorMessage !== undefined ? { errorMessage: e.errorMessage } : {}),
      requestParameters: e.requestParameters ?? null,
      responseElements: null,
      requestID: randomUUID(),
      eventID: eventId,
      readOnly: e.readOnly,
      ...(resources.length > 0
        ? {
            resources: resources.map((r) => ({
              ...(r.resourceName.startsWith('arn:') ? { ARN: r.resourceName } : {}),
              accountId: account,
              type: r.resourceType,
            })),
          }
        : {}),
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    };
    const stored: Stored = {
      seq: this.seq.next(),
      time,
      eventId,
      account,
      region,
      eventName: e.eventName,
      eventSource,
      username: e.username,
      readOnly: e.readOnly,
      errorCode: e.errorCode,
      errorMessage: e.errorMessage,
      accessKeyId,
      resources: resources.map((r) => ({ ...r })),
      cloudTrailEvent: JSON.stringify(record),
    };
    const key = scopeKey(account, region);
    this.byScope.set(key, [...(this.byScope.get(key) ?? []), stored]);
    return eventId;
  }

  /** The events of one account and region, newest first. */
  events(account: string, region: string): TrailEvent[] {
    return this.newestFirst(account, region).map(({ seq: _seq, time, ...rest }) => ({
      ...rest,
      resources: rest.resources.map((r) => ({ ...r })),
      eventTime: new Date(time),
    }));
  }

  /** LookupEvents per second allowed per account and region (default 2, as AWS); undefined turns it off. */
  setLookupRate(perSecond: number | undefined): void {
    if (perSecond !== undefined && (!Number.isInteger(perSecond) || perSecond < 1)) {
      throw new Error('fake AWS: the lookup rate must be a positive integer');
    }
    this.lookupRate = perSecond;
  }

  /** Newest first: by event time, then by the order they were added. */
  newestFirst(account: string, region: string): Stored[] {
    return [...(this.byScope.get(scopeKey(account, region)) ?? [])].sort(
      (a, b) => b.time - a.time || b.seq - a.seq,
    );
  }

  /** True when this call is over the rate; calls refused are not counted. */
  overRate(account: string, region: string, now: number): boolean {
    const key = scopeKey(account, region);
    const window = (this.recent.get(key) ?? []).filter((t) => t > now - 1000);
    this.recent.set(key, window);
    if (this.lookupRate !== undefined && window.length >= this.lookupRate) return true;
    window.push(now);
    return false;
  }
}

// ---- input checks, with CloudTrail's own exception types ----

function lookupAttribute(input: Input): { key: AttributeKey; value: string } | undefined {
  const raw = input.LookupAttributes;
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw badAttributes('LookupAttributes must be a list.');
  if (raw.length === 0) return undefined;
  if (raw.length > 1) throw badAttributes('You can only specify one lookup attribute.');
  const attribute: unknown = raw[0];
  if (typeof attribute !== 'object' || attribute === null) throw badAttributes('Invalid lookup attribute.');
  const { AttributeKey: key, AttributeValue: value } = attribute as Input;
  if (typeof key !== 'string' || !(ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
    throw badAttributes(
      `Lookup attribute key ${String(key)} is not valid; use one of ${ATTRIBUTE_KEYS.join(', ')}.`,
    );
  }
  if (typeof value !== 'string' || value.length < 1 || value.length > 2000) {
    throw badAttributes('Lookup attribute value must be between 1 and 2000 characters.');
  }
  return { key: key as AttributeKey, value };
}

function badAttributes(message: string): AwsError {
  return new AwsError(400, 'InvalidLookupAttributesException', message);
}

/** awsJson timestamps are epoch seconds on the wire. */
function timeMember(input: Input, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AwsError(400, 'InvalidTimeRangeException', `${name} is not a valid timestamp.`);
  }
  return value * 1000;
}

function matches(e: Stored, attribute: { key: AttributeKey; value: string } | undefined): boolean {
  if (!attribute) return true;
  const { key, value } = attribute;
  switch (key) {
    case 'EventId':
      return e.eventId === value;
    case 'EventName':
      return e.eventName === value;
    case 'ReadOnly':
      return String(e.readOnly) === value;
    case 'Username':
      return e.username === value;
    case 'ResourceType':
      return e.resources.some((r) => r.resourceType === value);
    case 'ResourceName':
      return e.resources.some((r) => r.resourceName === value);
    case 'EventSource':
      return e.eventSource === value;
    case 'AccessKeyId':
      return e.accessKeyId === value;
  }
}

interface Cursor {
  scope: string;
  time: number;
  seq: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(token: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { scope, time, seq } = value as Record<string, unknown>;
    if (typeof scope !== 'string' || typeof time !== 'number' || typeof seq !== 'number') return undefined;
    return { scope, time, seq };
  } catch {
    return undefined;
  }
}

function eventShape(e: Stored): Input {
  return {
    EventId: e.eventId,
    EventName: e.eventName,
    ReadOnly: String(e.readOnly),
    AccessKeyId: e.accessKeyId,
    EventTime: e.time / 1000,
    EventSource: e.eventSource,
    Username: e.username,
    Resources: e.resources.map((r) => ({ ResourceType: r.resourceType, ResourceName: r.resourceName })),
    CloudTrailEvent: e.cloudTrailEvent,
  };
}

function lookupEvents(state: CloudTrailState, input: Input, context: FakeCallContext): Input {
  // The front end throttles before it looks at the request.
  if (state.overRate(context.account, context.region, context.now)) {
    throw new AwsError(400, 'ThrottlingException', 'Rate exceeded');
  }
  const attribute = lookupAttribute(input);
  const start = timeMember(input, 'StartTime');
  const end = timeMember(input, 'EndTime');
  if (start !== undefined && end !== undefined && start > end) {
    throw new AwsError(400, 'InvalidTimeRangeException', 'Start time must be before end time.');
  }
  const category = input.EventCategory;
  if (category !== undefined && category !== null && category !== 'insight') {
    throw new AwsError(
      400,
      'InvalidEventCategoryException',
      `Event category ${String(category)} is not valid.`,
    );
  }
  const rawMax = input.MaxResults ?? Math.min(context.pageSize, MAX_RESULTS);
  if (typeof rawMax !== 'number' || !Number.isInteger(rawMax) || rawMax < 1 || rawMax > MAX_RESULTS) {
    throw new AwsError(
      400,
      'InvalidMaxResultsException',
      `MaxResults ${String(rawMax)} is not valid; it must be between 1 and ${MAX_RESULTS}.`,
    );
  }

  // A token is bound to the caller and every parameter except MaxResults.
  const scope = JSON.stringify([
    context.account,
    context.region,
    attribute ?? null,
    start ?? null,
    end ?? null,
    category ?? null,
  ]);
  let cursor: Cursor | undefined;
  const token = input.NextToken;
  if (token !== undefined && token !== null) {
    cursor = typeof token === 'string' ? decodeCursor(token) : undefined;
    if (!cursor || cursor.scope !== scope) {
      throw new AwsError(
        400,
        'InvalidNextTokenException',
        'A token that is not valid, or a token that was previously used in a request with different parameters.',
      );
    }
  }

  const oldest = Math.max(context.now - RETENTION_MS, start ?? Number.NEGATIVE_INFINITY);
  // Only management events are recorded, so an Insights lookup finds nothing.
  const found =
    category === 'insight'
      ? []
      : state
          .newestFirst(context.account, context.region)
          .filter((e) => e.time >= oldest && (end === undefined || e.time <= end) && matches(e, attribute))
          .filter((e) => !cursor || e.time < cursor.time || (e.time === cursor.time && e.seq < cursor.seq));
  const slice = found.slice(0, rawMax);
  const last = slice.at(-1);
  const next =
    found.length > rawMax && last ? encodeCursor({ scope, time: last.time, seq: last.seq }) : undefined;
  return { Events: slice.map(eventShape), ...(next ? { NextToken: next } : {}) };
}

/** CloudTrail (awsJson1_1): LookupEvents over the events of each account and region. */
export function cloudTrailService(state: CloudTrailState): FakeJsonService {
  return {
    service: 'cloudtrail',
    protocol: 'awsJson1_1',
    targetPrefixes: ['CloudTrail_20131101', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101'],
    namespace: NAMESPACE,
    throttleCode: 'ThrottlingException',
    has: (operation) => operation === 'LookupEvents',
    call(operation, input, context) {
      if (operation !== 'LookupEvents') throw AwsError.coral(400, 'UnknownOperationException', '');
      return lookupEvents(state, input, context);
    },
  };
}
