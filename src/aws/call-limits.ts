/**
 * Limits on calls to AWS that every Latch replica shares. The adapters depend only on these ports;
 * `db/shared-limits.ts` implements them in the database, the in-memory ones below serve a single
 * process (the CLI, adapter tests).
 */

/** A token bucket per bucket name: `take` resolves when one more call may be sent. */
export interface CallRate {
  take(bucket: RateBucket): Promise<void>;
}

/** A fixed number of slots per name: `acquire` waits for a free one and resolves with its release. */
export interface AssignmentSlots {
  acquire(name: string): Promise<() => Promise<void>>;
}

export interface CallLimits {
  callRate: CallRate;
  assignmentSlots: AssignmentSlots;
}

export interface RateSettings {
  perSecond: number;
  /** Calls that may go at once after a quiet spell. */
  burst: number;
}

/**
 * One limit AWS sets: a service, for the account (and region) it counts calls in. Every caller of
 * that service in that account takes from the one bucket, in every replica when the limits are
 * the database's.
 */
export interface RateBucket {
  name: string;
  rate: RateSettings;
}

/**
 * A token bucket sends at most `burst + perSecond` calls in any one second. With no burst it is a
 * pacer: calls leave 1/19 s apart, 95% of AWS's 20, so a call that leaves 53 ms late lets AWS see 21
 * in one second (the SDK retries what AWS throttles all the same). The database limiter therefore
 * counts each wait from the moment it reserved, not from when its answer came back.
 * The price is that a lone call waits 53 ms.
 */
export const IDENTITY_CENTER_RATE: RateSettings = { perSecond: 19, burst: 0 };

/** identitystore and sso-admin share one bucket: AWS's 20 TPS is collective (PLATFORM.md B3, B4). */
export const IDENTITY_CENTER_BUCKET: RateBucket = { name: 'identity-center', rate: IDENTITY_CENTER_RATE };

/** The slots around CreateAccountAssignment/DeleteAccountAssignment and their polling. */
export const ASSIGNMENT_SLOTS = 'account-assignment';

/** AWS allows 10 outstanding CreateAccountAssignment (PLATFORM.md B3); 8 leave room for the console. */
export const ASSIGNMENT_SLOT_COUNT = 8;

/**
 * Seconds to wait after reserving one token from a bucket holding `tokens` (which may be negative:
 * calls already reserved ahead). Shared by both implementations so they agree.
 */
export function waitAfterTake(tokensLeft: number, perSecond: number): number {
  return tokensLeft >= 0 ? 0 : -tokensLeft / perSecond;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Token buckets in this process: each take reserves the next free moment, so waiters keep their order. */
export class MemoryCallRate implements CallRate {
  private readonly buckets = new Map<string, { tokens: number; refilledAt: number }>();

  async take(bucket: RateBucket): Promise<void> {
    const { perSecond, burst } = bucket.rate;
    const now = performance.now();
    const state = this.buckets.get(bucket.name) ?? { tokens: burst, refilledAt: now };
    state.tokens = Math.min(burst, state.tokens + ((now - state.refilledAt) / 1000) * perSecond) - 1;
    state.refilledAt = now;
    this.buckets.set(bucket.name, state);
    const seconds = waitAfterTake(state.tokens, perSecond);
    if (seconds > 0) await sleep(seconds * 1000);
  }
}

/** Counting semaphores in this process, one per name, served first come first served. */
export class MemorySlots implements AssignmentSlots {
  private readonly pools = new Map<string, { free: number; waiting: Array<() => void> }>();

  constructor(private readonly size: number = ASSIGNMENT_SLOT_COUNT) {}

  async acquire(name: string): Promise<() => Promise<void>> {
    let pool = this.pools.get(name);
    if (!pool) {
      pool = { free: this.size, waiting: [] };
      this.pools.set(name, pool);
    }
    const held = pool;
    if (held.free > 0) held.free -= 1;
    else await new Promise<void>((resolve) => held.waiting.push(resolve));
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next waiter, so `free` only grows when nobody waits.
      const next = held.waiting.shift();
      if (next) next();
      else held.free += 1;
    };
  }
}

/**
 * STS, IAM and Organizations calls (a sync's AssumeRole and ListGroups for each account and its
 * ListAccounts pages, an IAM group membership). AWS publishes no rate for any of them (PLATFORM.md
 * B8, B9); pacing each near 20 a second keeps a 1,000-account sync to about a minute without a
 * burst of throttling.
 */
export const UNPUBLISHED_RATE: RateSettings = { perSecond: 19, burst: 0 };

/** Latch's AssumeRole calls: STS counts them against Latch's own account, whichever role they assume. */
export const ASSUME_ROLE_BUCKET: RateBucket = { name: 'sts', rate: UNPUBLISHED_RATE };

/**
 * Every IAM call Latch sends, in its own account and in member accounts: a sync's listings, the
 * insights' reads, and iam_group memberships. With no published limit per account, one bucket for
 * all of them is the cautious choice, and costs a sync nothing: each account's IAM waits for its
 * AssumeRole anyway.
 */
export const IAM_BUCKET: RateBucket = { name: 'iam', rate: UNPUBLISHED_RATE };

/** Organizations is a global service: every ListAccounts page Latch reads counts in one place. */
export const ORGANIZATIONS_BUCKET: RateBucket = { name: 'organizations', rate: UNPUBLISHED_RATE };

/**
 * "The rate of lookup requests is limited to two per second, per account, per Region" (PLATFORM.md
 * B9). Calls leave 1/1.8 s apart, so any three span 1.11 s: 111 ms of room for a call that leaves
 * late before CloudTrail would count three in one second.
 */
export const CLOUDTRAIL_LOOKUP_RATE: RateSettings = { perSecond: 1.8, burst: 0 };

export function cloudTrailLookupBucket(accountId: string, region: string): RateBucket {
  return { name: `cloudtrail:${accountId}:${region}`, rate: CLOUDTRAIL_LOOKUP_RATE };
}

let processLimits: CallLimits | undefined;

/** One set of in-memory limits for the whole process: every client in it talks to the same AWS. */
export function processCallLimits(): CallLimits {
  processLimits ??= { callRate: new MemoryCallRate(), assignmentSlots: new MemorySlots() };
  return processLimits;
}
