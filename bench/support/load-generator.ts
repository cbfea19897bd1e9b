import http from 'node:http';
import { signSlackRequest } from '../../test/support/sign-slack-request.js';
import type { SlackBody } from './slack-payloads.js';
import { sleep } from './stats.js';

/*
 * A process of its own that plays Slack: POSTs signed bodies at a steady rate (open loop: a slow
 * answer never delays the next request) and times each until its answer has fully arrived. Run with
 * `fork(…, { execArgv: ['--import', 'tsx'] })`; it takes one LoadJob message and answers with a LoadResult.
 */

export interface LoadJob {
  url: string;
  signingSecret: string;
  ratePerSecond: number;
  /** The first `warmup` requests are sent but not timed (first connections, JIT). */
  warmup: number;
  bodies: SlackBody[];
}

export interface LoadResult {
  latenciesMs: Record<SlackBody['kind'], number[]>;
  /** Answers other than 200, and requests that failed or timed out. */
  errors: number;
  errorSamples: string[];
  /** How far behind schedule the generator ever sent a request: large values make the run suspect. */
  maxLateMs: number;
  seconds: number;
}

const TIMEOUT_MS = 10_000;
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

process.once('message', (job: LoadJob) => {
  runLoad(job).then(
    (result) => process.send?.(result, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`load generator failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
});

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const result: LoadResult = {
    latenciesMs: { command: [], click: [], options: [] },
    errors: 0,
    errorSamples: [],
    maxLateMs: 0,
    seconds: 0,
  };
  const intervalMs = 1000 / job.ratePerSecond;
  const startAt = performance.now() + 20;
  const inFlight: Array<Promise<void>> = [];
  for (const [index, body] of job.bodies.entries()) {
    const dueAt = startAt + index * intervalMs;
    const waitMs = dueAt - performance.now();
    if (waitMs > 0) await sleep(waitMs);
    result.maxLateMs = Math.max(result.maxLateMs, performance.now() - dueAt);
    const timed = index >= job.warmup;
    inFlight.push(
      post(job, body).then(
        ({ status, ms, text }) => {
          if (status !== 200) {
            result.errors += 1;
            if (result.errorSamples.length < 5) result.errorSamples.push(`${status} ${text.slice(0, 200)}`);
          } else if (timed) result.latenciesMs[body.kind].push(ms);
        },
        (error: unknown) => {
          result.errors += 1;
          if (result.errorSamples.length < 5) result.errorSamples.push(String(error));
        },
      ),
    );
  }
  await Promise.all(inFlight);
  result.seconds = (performance.now() - startAt) / 1000;
  agent.destroy();
  return result;
}

function post(job: LoadJob, body: SlackBody): Promise<{ status: number; ms: number; text: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      `${job.url}/slack/events`,
      {
        method: 'POST',
        agent,
        timeout: TIMEOUT_MS,
        headers: {
          'content-type': body.contentType,
          'content-length': Buffer.byteLength(body.body),
          'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
          ...signSlackRequest(job.signingSecret, body.body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            text: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body.body);
  });
}
