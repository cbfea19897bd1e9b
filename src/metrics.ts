import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { awsErrorName } from './aws/aws-errors.js';
import type { Clock, Store, Telemetry } from './core/ports.js';

const REQUEST_STATUSES = ['pending', 'approved', 'denied', 'cancelled', 'expired'];
const GRANT_STATUSES = ['provisioning', 'active', 'revoking', 'revoked', 'failed'];

/** Approvers answer in minutes to hours; a request lives at most request_ttl (24h by default). */
const DECISION_BUCKETS = [30, 60, 300, 900, 1800, 3600, 7200, 14_400, 28_800, 86_400];
/** A group membership takes well under a second; a permission set waits for Identity Center to provision. */
const AWS_CHANGE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface Metrics extends Telemetry {
  readonly contentType: string;
  render(): Promise<string>;
  /** Times one scheduler job; failures are counted by job. */
  observeJob(job: string, seconds: number, failed: boolean): void;
  /** Counts one AWS command by IAM action (`iam:AddUserToGroup`), and its error when it failed. */
  countAwsCall(action: string, error?: unknown): void;
  /** Counts one request to Slack by Web API method, and its error (Slack's code) when it failed. */
  countSlackCall(method: string, error?: string): void;
}

/**
 * Prometheus metrics, all named `latch_…`. Counts of requests and grants are read from the
 * database at scrape time, so every replica reports the same truth; counters and timings are
 * this process's (sum them across replicas).
 */
export function createMetrics(store: Store, clock: Clock): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'latch_' });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string, labelNames: string[], buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });

  const requests = gauge('latch_requests', 'Access requests by status', ['status']);
  const grants = gauge('latch_grants', 'Grants by status', ['status']);
  const lag = gauge(
    'latch_revocation_lag_seconds',
    'How far the most overdue grant still holding access is past its expiry (0 when none)',
  );
  const approvals = counter(
    'latch_approvals_total',
    'Requests whose approval ended, by tier and outcome (approved, denied, auto_approved, reactivated, break_glass, expired, cancelled)',
    ['tier', 'outcome'],
  );
  const timeToDecision = histogram(
    'latch_time_to_decision_seconds',
    'From filing a request to the approvers approving or denying it',
    ['tier', 'outcome'],
    DECISION_BUCKETS,
  );
  const provisioning = histogram(
    'latch_provisioning_duration_seconds',
    'Time AWS took to grant the access, per successful attempt, by resource kind',
    ['kind'],
    AWS_CHANGE_BUCKETS,
  );
  const revocation = histogram(
    'latch_revocation_duration_seconds',
    'Time AWS took to remove the access, per successful attempt, by resource kind',
    ['kind'],
    AWS_CHANGE_BUCKETS,
  );
  const provisioningFailures = counter(
    'latch_provisioning_failures_total',
    'Failed attempts to grant access in AWS (retried until the grant fails), by resource kind',
    ['kind'],
  );
  const revocationFailures = counter(
    'latch_revocation_failures_total',
    'Failed attempts to remove access in AWS (retried until it succeeds), by resource kind',
    ['kind'],
  );
  const awsCalls = counter(
    'latch_aws_calls_total',
    'AWS commands sent (not counting SDK retries), by IAM action',
    ['action'],
  );
  const awsErrors = counter(
    'latch_aws_errors_total',
    'AWS commands that failed after the SDK retries, by IAM action and error name',
    ['action', 'error'],
  );
  const slackCalls = counter(
    'latch_slack_calls_total',
    'HTTP requests to Slack (each retry counts), by Web API method or response_url',
    ['method'],
  );
  const slackErrors = counter(
    'latch_slack_errors_total',
    "Slack requests that failed, by method and Slack's error (ratelimited for HTTP 429)",
    ['method', 'error'],
  );
  const jobSeconds = histogram(
    'latch_sweep_job_duration_seconds',
    'Time one scheduler job took',
    ['job'],
    [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
  );
  const jobFailures = counter('latch_sweep_job_failures_total', 'Scheduler jobs that threw', ['job']);

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
    countAwsCall(action, error) {
      awsCalls.inc({ action });
      if (error !== undefined) awsErrors.inc({ action, error: errorLabel(error) });
    },
    countSlackCall(method, error) {
      slackCalls.inc({ method });
      if (error) slackErrors.inc({ method, error });
    },
    requestDecided({ tier, outcome, secondsToDecide }) {
      approvals.inc({ tier, outcome });
      if (secondsToDecide !== undefined) timeToDecision.observe({ tier, outcome }, secondsToDecide);
    },
    accessChanged({ change, kind, seconds }) {
      (change === 'provision' ? provisioning : revocation).observe({ kind }, seconds);
    },
    accessChangeFailed({ change, kind }) {
      (change === 'provision' ? provisioningFailures : revocationFailures).inc({ kind });
    },
  };
}

/** The SDK's error name (`ThrottlingException`, `AccessDeniedException`); never free text as a label. */
function errorLabel(error: unknown): string {
  const name = awsErrorName(error) ?? '';
  return /^[A-Za-z0-9_.]{1,64}$/.test(name) ? name : 'Error';
}
