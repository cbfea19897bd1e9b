import type { FakeAwsCall } from '../../test/support/fake-aws-server.js';

export interface AwsCallStats {
  total: number;
  throttled: number;
  byOperation: Record<string, { calls: number; throttled: number }>;
}

/**
 * Calls that reached the local AWS, by `service:Operation`, and which of them it throttled. Its log
 * keeps the status but not the error code, so the throttling is replayed: the fake admits a call
 * when fewer than `limitPerSecond` calls to that service were admitted in the second before it
 * arrived, and records calls in the order it decided them (a 400 is also its throttling status).
 */
export function awsCallStats(calls: readonly FakeAwsCall[], limitPerSecond: number): AwsCallStats {
  const byOperation: Record<string, { calls: number; throttled: number }> = {};
  const admitted = new Map<string, number[]>();
  let throttled = 0;
  for (const call of calls) {
    const key = `${call.service}:${call.operation}`;
    const entry = byOperation[key] ?? { calls: 0, throttled: 0 };
    byOperation[key] = entry;
    entry.calls += 1;
    const window = (admitted.get(call.service) ?? []).filter((at) => at > call.at - 1000);
    admitted.set(call.service, window);
    if (window.length >= limitPerSecond && call.status === 400) {
      entry.throttled += 1;
      throttled += 1;
    } else window.push(call.at);
  }
  return { total: calls.length, throttled, byOperation };
}

/** Log text that shows a throttling error got past the SDK's retries into Latch's own handling. */
export const THROTTLING_TEXT = /Throttl|TooManyRequests|Rate exceeded/i;

export function describeCalls(stats: AwsCallStats): string {
  return Object.entries(stats.byOperation)
    .map(([op, s]) => `${op} ${s.calls}${s.throttled ? ` (${s.throttled} throttled)` : ''}`)
    .join(', ');
}
