import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock, Store } from './core/ports.js';

const REQUEST_STATUSES = ['pending', 'approved', 'denied', 'cancelled', 'expired'];
const GRANT_STATUSES = ['provisioning', 'active', 'revoking', 'revoked', 'failed'];

export interface Metrics {
  readonly contentType: string;
  render(): Promise<string>;
  /** Times one scheduler job; failures are counted by job. */
  observeJob(job: string, seconds: number, failed: boolean): void;
  /** Counts one AWS command by IAM action (`iam:AddUserToGroup`). */
  countAwsCall(action: string): void;
}

/**
 * Prometheus metrics, all named `latch_…`. Counts of requests and grants are read from the
 * database at scrape time, so every replica reports the same truth; timings are this process's.
 */
export function createMetrics(store: Store, clock: Clock): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'latch_' });
  const requests = new Gauge({
    name: 'latch_requests',
    help: 'Access requests by status',
    labelNames: ['status'],
    registers: [registry],
  });
  const grants = new Gauge({
    name: 'latch_grants',
    help: 'Grants by status',
    labelNames: ['status'],
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'latch_revocation_lag_seconds',
    help: 'How far the most overdue grant still holding access is past its expiry (0 when none)',
    registers: [registry],
  });
  const awsCalls = new Counter({
    name: 'latch_aws_calls_total',
    help: 'AWS commands sent (not counting SDK retries), by IAM action',
    labelNames: ['action'],
    registers: [registry],
  });
  const jobSeconds = new Histogram({
    name: 'latch_sweep_job_duration_seconds',
    help: 'Time one scheduler job took',
    labelNames: ['job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [registry],
  });
  const jobFailures = new Counter({
    name: 'latch_sweep_job_failures_total',
    help: 'Scheduler jobs that threw',
    labelNames: ['job'],
    registers: [registry],
  });
  return {
    contentType: registry.contentType,
    async render() {
      const counts = await store.statusCounts(clock.now());
      for (const status of REQUEST_STATUSES) requests.set({ status }, counts.requests[status] ?? 0);
      for (const status of GRANT_STATUSES) grants.set({ status }, counts.grants[status] ?? 0);
      lag.set(counts.revocationLagSeconds);
      return registry.metrics();
    },
    observeJob(job, seconds, failed) {
      jobSeconds.observe({ job }, seconds);
      if (failed) jobFailures.inc({ job });
    },
    countAwsCall(action) {
      awsCalls.inc({ action });
    },
  };
}
