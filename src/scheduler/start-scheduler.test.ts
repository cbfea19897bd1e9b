import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Scheduler, startScheduler } from './start-scheduler.js';

const quiet = { info() {}, warn() {}, error() {} };
const NEVER = '0 0 1 1 *';
const EVERY_SECOND = '* * * * * *';
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the sweep scheduler', () => {
  let scheduler: Scheduler | undefined;
  afterEach(async () => {
    await scheduler?.stop();
    vi.restoreAllMocks();
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

  it('lets a long sweep run alone, saying nothing on the console as ticks pass it by', async () => {
    const consoleLines = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const logged: string[] = [];
    const log = {
      info: (_: object, message: string) => logged.push(`info ${message}`),
      warn: (_: object, message: string) => logged.push(`warn ${message}`),
      error: (_: object, message: string) => logged.push(`error ${message}`),
    };
    let runs = 0;
    let finishSweep = () => {};
    scheduler = startScheduler(
      EVERY_SECOND,
      async () => {
        runs += 1;
        await new Promise<void>((resolve) => {
          finishSweep = resolve;
        });
      },
      log,
      { name: 'sweep', runAtStart: false },
    );
    await vi.waitFor(() => expect(runs).toBe(1), { timeout: 1500, interval: 20 });
    // Two more ticks find the sweep still running: neither starts another, and neither says so.
    await wait(2200);
    expect(runs).toBe(1);
    finishSweep();
    expect(consoleLines).not.toHaveBeenCalled();
    expect(logged).toEqual([]);
  });

  it('reports ticks missed while the process was busy as its own JSON log lines, not console text', async () => {
    const consoleLines = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const warnings: Array<{ detail: object; message: string }> = [];
    const log = { ...quiet, warn: (detail: object, message: string) => warnings.push({ detail, message }) };
    scheduler = startScheduler(EVERY_SECOND, async () => {}, log, { name: 'sweep', runAtStart: false });
    await wait(100);
    const blockedUntil = Date.now() + 2600;
    while (Date.now() < blockedUntil) {
      // The event loop is stuck, as under a long synchronous task.
    }
    await wait(1200);
    expect(consoleLines).not.toHaveBeenCalled();
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatchObject({
      detail: { job: 'sweep' },
      message: expect.stringMatching(/missed execution/),
    });
  });
});
