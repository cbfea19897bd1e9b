/** Requests and grants by status, as Latch's /metrics reports them (read from its database). */
export interface LatchCounts {
  requests: Record<string, number>;
  grants: Record<string, number>;
}

export async function latchCounts(url: string): Promise<LatchCounts> {
  const res = await fetch(`${url}/metrics`);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text}`);
  const counts: LatchCounts = { requests: {}, grants: {} };
  for (const [, kind, status, value] of text.matchAll(
    /^latch_(requests|grants)\{status="(\w+)"\} (\d+)$/gm,
  )) {
    counts[kind as 'requests' | 'grants'][status ?? ''] = Number(value);
  }
  return counts;
}

/** Polls /metrics until `done` holds; throws with the last counts when `timeoutMs` passes. */
export async function waitForCounts(
  url: string,
  done: (counts: LatchCounts) => boolean,
  timeoutMs: number,
): Promise<LatchCounts> {
  const deadline = Date.now() + timeoutMs;
  let last: LatchCounts | undefined;
  for (;;) {
    last = await latchCounts(url).catch(() => last);
    if (last && done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`Latch did not get there within ${timeoutMs} ms; last counts: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
