import { type CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import type { ActivitySummary } from '../core/model.js';
import { toProvisioningError } from './aws-errors.js';

export type { ActivitySummary };

/** CloudTrail answers LookupEvents at most 2 times a second per account and region. */
const LOOKUPS_PER_SECOND = 2;

/**
 * At most `limit` calls within any `intervalMs` as AWS counts them, on arrival. Spacing the starts
 * of calls is not enough: the first call of a member account resolves the role's credentials
 * before it is sent, so it reaches AWS late and shares a second with calls started after it. Here
 * a call holds one of `limit` slots from when it starts until `intervalMs` after it has finished,
 * and it arrives in between, so no more than `limit` arrivals ever fall within one interval.
 */
export class RateWindow {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(
    limit: number,
    private readonly intervalMs: number,
  ) {
    this.free = limit;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // Unref'd: a slot coming free must not keep a finished process alive.
      setTimeout(() => this.release(), this.intervalMs).unref();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

/**
 * Looks up events by user name over a window, paging to the end, with LookupEvents calls kept
 * under CloudTrail's rate per account and region (one window per pair, shared by all lookups).
 */
export class CloudTrailActivity {
  private readonly windows = new Map<string, RateWindow>();

  async summarize(
    client: CloudTrailClient,
    key: { accountId: string; region: string },
    userName: string,
    window: { start: Date; end: Date },
  ): Promise<ActivitySummary> {
    const rate = this.windowFor(`${key.accountId}/${key.region}`);
    const names = new Map<string, number>();
    const errors = new Map<string, number>();
    let events = 0;
    let writeEvents = 0;
    // Every page request, not just the first, goes through the window.
    const throttledClient: CloudTrailClient = Object.assign(Object.create(client), {
      send: (command: Parameters<CloudTrailClient['send']>[0]) => rate.run(() => client.send(command)),
    });
    try {
      for await (const page of paginateLookupEvents(
        { client: throttledClient },
        {
          LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: userName }],
          StartTime: window.start,
          EndTime: window.end,
        },
      )) {
        for (const event of page.Events ?? []) {
          events += 1;
          const name = event.EventName ?? 'unknown';
          names.set(name, (names.get(name) ?? 0) + 1);
          if (event.ReadOnly === 'false') writeEvents += 1;
          const code = errorCodeOf(event.CloudTrailEvent);
          if (code) errors.set(code, (errors.get(code) ?? 0) + 1);
        }
      }
    } catch (error) {
      throw toProvisioningError('cloudtrail:LookupEvents', error);
    }
    return {
      events,
      eventNames: ranked(names).map(([name, count]) => ({ name, count })),
      writeEvents,
      errors: ranked(errors).map(([code, count]) => ({ code, count })),
    };
  }

  private windowFor(key: string): RateWindow {
    let window = this.windows.get(key);
    if (!window) {
      window = new RateWindow(LOOKUPS_PER_SECOND, 1000);
      this.windows.set(key, window);
    }
    return window;
  }
}

/** `errorCode` is not a member of a LookupEvents event; it is inside the raw CloudTrail record. */
function errorCodeOf(record: string | undefined): string | undefined {
  if (!record) return undefined;
  try {
    const parsed = JSON.parse(record) as { errorCode?: unknown };
    return typeof parsed.errorCode === 'string' ? parsed.errorCode : undefined;
  } catch {
    return undefined;
  }
}

function ranked(counts: Map<string, number>): Array<[string, number]> {
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
