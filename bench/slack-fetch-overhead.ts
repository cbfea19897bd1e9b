/**
 * What counting Slack calls (src/slack/count-slack-calls.ts) costs on top of a bare `fetch`:
 * `npx tsx bench/slack-fetch-overhead.ts` prints one JSON document with the CPU time per call of
 * each, in rounds that alternate so the machine's drift falls on both. A local server answers each
 * call with a chat.postMessage-sized JSON body; its CPU is in both figures alike.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchFunction } from '@slack/web-api';
import { countSlackCalls } from '../src/slack/count-slack-calls.js';
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

const bare = globalThis.fetch as FetchFunction;
const counted = countSlackCalls(apiUrl, () => {}, bare);
await cpuPerCall(bare); // warm-up: connections, JIT
await cpuPerCall(counted);
const bareUs: number[] = [];
const countedUs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  bareUs.push(await cpuPerCall(bare));
  countedUs.push(await cpuPerCall(counted));
}
server.close();

const bareP50 = summarize(bareUs).p50;
const countedP50 = summarize(countedUs).p50;
process.stdout.write(
  `${JSON.stringify(
    {
      machine: await describeMachine(),
      calls_per_round: CALLS,
      rounds: ROUNDS,
      bare_fetch_cpu_us_per_call: round(bareP50),
      counted_fetch_cpu_us_per_call: round(countedP50),
      overhead_cpu_us_per_call: round(countedP50 - bareP50),
    },
    null,
    2,
  )}\n`,
);
