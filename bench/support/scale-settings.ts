/** Sizes of the revocation and provisioning benchmarks. */
export interface ScaleSizes {
  grants: number;
  /** Identity Center groups the grants are spread over (grants ÷ teams people). */
  teams: number;
}

/** Issue 7: the local AWS adds 30 ms to every call and throttles above 20 calls/s per service. */
export const LATENCY_MS = 30;
export const LIMIT_PER_SECOND = 20;
/** The shortest cron node-cron takes: the figures show the engine, not the wait between sweeps. */
export const SWEEP_EVERY_SECOND = '* * * * * *';
