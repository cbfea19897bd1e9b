/**
 * The CPU each Slack call costs Latch's process in HTTP: the platform's `fetch`, Latch's
 * `slackFetch` (src/slack/slack-fetch.ts, on undici's `request`), and `slackFetch` with the call
 * counting (src/slack/count-slack-calls.ts) that Latch runs it under.
 * `npx tsx bench/slack-fetch-overhead.ts` prints one JSON document with the CPU time per call of
 * each, in rounds that alternate so the machine's drift falls on all. A local server answers each
 * call with a chat.postMessage-sized JSON body; its CPU is in every figure alike.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchFunction } from '@slack/web-api';
import { countSlackCalls } from '../src/slack/count-slack-calls.js';
import { slackFetch } from '../src/slack/slack-fetch.js';
import { describeMachine } from './support/machine.js';
import { round, summarize } from './support/stats.js';

const CALLS = 4000;
const AT_ONCE = 20;
const ROUNDS = 9;

const body = JSON.stringify({
  ok: true,
  channel: 'D0123',
  ts: '1733475600.000100',
  message: {
    text: 'x'.repeat(1500),
    blocks: Array.from({ length: 8 }, (_, i) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: `line ${i}` },
    })),
  },
});
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  response.end(body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;

/** CPU microseconds per call, `CALLS` calls, `AT_ONCE` in flight, each body read as the WebClient reads it. */
async function cpuPerCall(fetchFn: FetchFunction): Promise<number> {
  const before = process.cpuUsage();
  for (let sent = 0; sent < CALLS; sent += AT_ONCE) {
    await Promise.all(
      Array.from({ length: AT_ONCE }, async () => {
        const response = await fetchFn(`${apiUrl}chat.postMessage`, {
          method: 'POST',
          body: 'channel=D0123',
        });
        await response.json();
      }),
    );
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CALLS;
}

const platform = globalThis.fetch as FetchFunction;
const variants: Record<string, FetchFunction> = {
  platform_fetch: platform,
  platform_fetch_counted: countSlackCalls(apiUrl, () => {}, platform),
  slack_fetch: slackFetch,
  slack_fetch_counted: countSlackCalls(apiUrl, () => {}, slackFetch),
};
// Warm-up: connections, JIT.
for (const fetchFn of Object.values(variants)) await cpuPerCall(fetchFn);
const microseconds = new Map<string, number[]>(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fetchFn] of Object.entries(variants))
    microseconds.get(name)?.push(await cpuPerCall(fetchFn));
}
server.close();

const perCall = Object.fromEntries(
  [...microseconds].map(([name, values]) => [`${name}_cpu_us_per_call`, round(summarize(values).p50)]),
);
process.stdout.write(
  `${JSON.stringify({ machine: await describeMachine(), calls_per_round: CALLS, rounds: ROUNDS, ...perCall }, null, 2)}\n`,
);
