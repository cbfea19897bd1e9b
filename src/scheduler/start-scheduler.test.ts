import { afterEach, describe, expect, it } from 'vitest';
import { type Scheduler, startScheduler } from './start-scheduler.js';

const quiet = { info() {}, warn() {}, error() {} };
const NEVER = '0 0 1 1 *';
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the sweep scheduler', () => {
  let scheduler: Scheduler | undefined;
  afterEach(async () => {
    await scheduler?.stop();
  });

  it('runs again when work falls due before the next cron tick', async () => {
    const runs: number[] = [];
    const dues = [{ delayMs: 600 }, undefined];
    scheduler = startScheduler(
      NEVER,
      async () => {
        runs.push(Date.now());
      },
      quiet,
      { name: 'sweep', runAtStart: true, nextDue: async () => dues.shift() },
    );
    await wait(1200);
    expect(runs).toHaveLength(2);
    expect((runs[1] ?? 0) - (runs[0] ?? 0)).toBeGreaterThanOrEqual(550);
  });

  it('leaves work due past a minute to the cron, and never polls overdue work in a loop', async () => {
    let runs = 0;
    let asked = 0;
    scheduler = startScheduler(
      NEVER,
      async () => {
        runs += 1;
      },
      quiet,
      {
        name: 'sweep',
        runAtStart: true,
        nextDue: async () => (asked++ === 0 ? { delayMs: 61_000 } : { delayMs: -5_000 }),
      },
    );
    await wait(300);
    expect(runs).toBe(1);
    await scheduler.stop();
    scheduler = startScheduler(
      NEVER,
      async () => {
        runs += 1;
      },
      quiet,
      { name: 'sweep', runAtStart: true, nextDue: async () => ({ delayMs: -5_000 }) },
    );
    await wait(1200);
    // Overdue work (locked elsewhere, say) reruns, but at most every 500 ms: a few runs here, not hundreds.
    expect(runs - 1).toBeLessThanOrEqual(3);
    expect(runs - 1).toBeGreaterThanOrEqual(1);
  });

  it('stops its timer with the scheduler', async () => {
    let runs = 0;
    scheduler = startScheduler(
      NEVER,
      async () => {
        runs += 1;
      },
      quiet,
      { name: 'sweep', runAtStart: true, nextDue: async () => ({ delayMs: 300 }) },
    );
    await wait(100);
    await scheduler.stop();
    await wait(800);
    expect(runs).toBe(1);
  });
});
