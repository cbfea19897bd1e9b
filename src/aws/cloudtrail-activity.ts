import { type CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import type { ActivitySummary } from '../core/model.js';
import { toProvisioningError } from './aws-errors.js';
import { type CallRate, cloudTrailLookupBucket } from './call-limits.js';
import { callRatePlugin } from './clients.js';

export type { ActivitySummary };

/**
 * Looks up events by user name over a window, paging to the end. Every page request takes from
 * CloudTrail's rate for its account and region, which all of Latch's lookups there share.
 */
export class CloudTrailActivity {
  constructor(private readonly callRate: CallRate) {}

  async summarize(
    client: CloudTrailClient,
    key: { accountId: string; region: string },
    userName: string,
    window: { start: Date; end: Date },
  ): Promise<ActivitySummary> {
    const pace = callRatePlugin(cloudTrailLookupBucket(key.accountId, key.region), this.callRate);
    const names = new Map<string, number>();
    const errors = new Map<string, number>();
    let events = 0;
    let writeEvents = 0;
    // Every page request, not just the first, is paced: the paginator makes a command per page.
    const pacedClient: CloudTrailClient = Object.assign(Object.create(client), {
      send: (command: Parameters<CloudTrailClient['send']>[0]) => {
        pace.applyToStack(command.middlewareStack);
        return client.send(command);
      },
    });
    try {
      for await (const page of paginateLookupEvents(
        { client: pacedClient },
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
