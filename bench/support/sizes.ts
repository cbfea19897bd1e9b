import type { AckSizes } from '../ack-latency.js';
import type { SyncSizes } from '../catalog-sync.js';
import type { FootprintSizes } from '../footprint.js';
import type { LagSizes } from '../revocation-lag.js';
import type { ScaleSizes } from './scale-settings.js';

export interface Sizes {
  ack: AckSizes;
  revocation: ScaleSizes;
  /** Issue 5: as many grants due at once as Latch's share of the AWS rate (18 of 20 calls/s) allows. */
  revocationLag: LagSizes;
  provisioning: ScaleSizes;
  sync: SyncSizes;
  footprint: FootprintSizes;
}

/** Issue 7's sizes. */
export const FULL: Sizes = {
  ack: { ratePerSecond: 200, seconds: 30, warmupSeconds: 2, drainLimitSeconds: 60 },
  revocation: { grants: 5000, teams: 10 },
  revocationLag: { atOnce: 18, bursts: 12, everySeconds: 5 },
  provisioning: { grants: 1000, teams: 10 },
  sync: { accounts: 1000, permissionSets: 50, groups: 500 },
  footprint: { historicalGrants: 100_000, people: 100, teams: 10 },
};

/** The same benchmarks, small enough to finish in under two minutes in all. */
export const QUICK: Sizes = {
  ack: { ratePerSecond: 200, seconds: 5, warmupSeconds: 1, drainLimitSeconds: 10 },
  revocation: { grants: 100, teams: 10 },
  revocationLag: { atOnce: 18, bursts: 3, everySeconds: 5 },
  provisioning: { grants: 60, teams: 10 },
  sync: { accounts: 100, permissionSets: 10, groups: 50 },
  footprint: { historicalGrants: 10_000, people: 10, teams: 10 },
};
