import { type CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import pThrottle from 'p-throttle';
import { toProvisioningError } from './aws-errors.js';

/** What a person did with a grant, from CloudTrail's management events. */
export interface ActivitySummary {
  events: number;
  /** Distinct event names with how often each occurred, most frequent first. */
  eventNames: Array<{ name: string; count: number }>;
  /** Events that change something (CloudTrail's ReadOnly = false). */
  writeEvents: number;
  /** Failed calls by error code (`AccessDenied`, …), most frequent first. */
  errors: Array<{ code: string; count: number }>;
}

/** CloudTrail answers LookupEvents at most 2 times a second per account and region. */
const LOOKUPS_PER_SECOND = 2;

/**
 * Looks up events by user name over a window, paging to the end, with LookupEvents calls kept
 * under CloudTrail's rate per account and region (one throttle per pair, shared by all lookups).
 */
export class CloudTrailActivity {
  private readonly throttles = new Map<string, <T>(work: () => Promise<T>) => Promise<T>>();

  async summarize(
    client: CloudTrailClient,
    key: { accountId: string; region: string },
    userName: string,
    window: { start: Date; end: Date },
  ): Promise<ActivitySummary> {
    const throttled = this.throttleFor(`${key.accountId}/${key.region}`);
    const names = new Map<string, number>();
    const errors = new Map<string, number>();
    let events = 0;
    let writeEvents = 0;
    // Every page request, not just the first, goes through the throttle.
    const throttledClient: CloudTrailClient = Object.assign(Object.create(client), {
      send: (command: Parameters<CloudTrailClient['send']>[0]) => throttled(() => client.send(command)),
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

  private throttleFor(key: string): <T>(work: () => Promise<T>) => Promise<T> {
    let throttle = this.throttles.get(key);
    if (!throttle) {
      const limited = pThrottle({ limit: LOOKUPS_PER_SECOND, interval: 1000, strict: true })(
        (work: () => Promise<unknown>) => work(),
      );
      throttle = <T>(work: () => Promise<T>) => limited(work) as Promise<T>;
      this.throttles.set(key, throttle);
    }
    return throttle;
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
