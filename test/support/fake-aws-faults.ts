import type { FakeAwsService } from './fake-aws-common.js';

/**
 * Seeded random faults for the fake AWS, as a busy AWS shows them: throttling, `InternalFailure`
 * and latency spikes. The same seed gives the same sequence of draws, so a failing run replays.
 */
export interface RandomFaults {
  seed: number;
  /** Share of calls (0–1) answered with the service's own throttling error. */
  throttleRate?: number;
  /** Share of calls answered HTTP 500 `InternalFailure` (AWS's common error for an unknown failure). */
  internalFailureRate?: number;
  /** Share of calls held `latencySpikeMs` before they are served. */
  latencySpikeRate?: number;
  /** Default 2000. */
  latencySpikeMs?: number;
  /** Only calls to these services draw faults (default: every service). */
  services?: FakeAwsService[];
}

export type RandomFaultKind = 'throttle' | 'internal_failure';

export interface FaultDraw {
  /** Added before the call is served. */
  delayMs: number;
  fault?: RandomFaultKind;
}

/** Counts of what the random faults did, for a test's report. */
export interface RandomFaultCounts {
  calls: number;
  throttled: number;
  internalFailures: number;
  delayed: number;
}

/** mulberry32: a small, fast PRNG that is plenty for spreading faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws a fault (or none) and a delay for each call, from the settings' seed. */
export class RandomFaultSource {
  private readonly random: () => number;
  readonly counts: RandomFaultCounts = { calls: 0, throttled: 0, internalFailures: 0, delayed: 0 };

  constructor(private readonly settings: RandomFaults) {
    for (const [name, rate] of [
      ['throttleRate', settings.throttleRate],
      ['internalFailureRate', settings.internalFailureRate],
      ['latencySpikeRate', settings.latencySpikeRate],
    ] as const) {
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
        throw new Error(`fake AWS: ${name} must lie between 0 and 1, not ${rate}`);
      }
    }
    if ((settings.throttleRate ?? 0) + (settings.internalFailureRate ?? 0) > 1) {
      throw new Error('fake AWS: throttleRate and internalFailureRate add up to more than 1');
    }
    this.random = seededRandom(settings.seed);
  }

  draw(service: FakeAwsService): FaultDraw {
    const { services } = this.settings;
    if (services && !services.includes(service)) return { delayMs: 0 };
    this.counts.calls += 1;
    // Two draws per call whatever happens, so one call's outcome never shifts the next call's.
    const spike = this.random() < (this.settings.latencySpikeRate ?? 0);
    const roll = this.random();
    const delayMs = spike ? (this.settings.latencySpikeMs ?? 2000) : 0;
    if (spike) this.counts.delayed += 1;
    const throttleRate = this.settings.throttleRate ?? 0;
    if (roll < throttleRate) return { delayMs, fault: 'throttle' };
    if (roll < throttleRate + (this.settings.internalFailureRate ?? 0)) {
      return { delayMs, fault: 'internal_failure' };
    }
    return { delayMs };
  }

  /** The server answered a call with a drawn fault (an earlier error, say a bad signature, may pre-empt it). */
  answered(fault: RandomFaultKind): void {
    if (fault === 'throttle') this.counts.throttled += 1;
    else this.counts.internalFailures += 1;
  }
}
