import { type Logger as CronLogger, type ScheduledTask, schedule } from 'node-cron';
import type { Logger } from '../core/ports.js';

export interface SchedulerOptions {
  name: string;
  runAtStart: boolean;
  /** After each run: how long until work is next due (by the app's clock), to run again then. */
  nextDue?: () => Promise<{ delayMs: number } | undefined>;
}

/** Longer waits are left to the cron: a timer only sharpens what falls between two ticks. */
const MAX_TIMER_MS = 60_000;
const MIN_TIMER_MS = 500;

export interface Scheduler {
  /** Resolves when a sweep in flight has finished. */
  stop(): Promise<void>;
}

/**
 * Runs `sweep` on the cron expression, never two at once, and (unless told otherwise) once at
 * start so work that came due while Latch was down is caught up at once.
 */
export function startScheduler(
  cron: string,
  sweep: () => Promise<unknown>,
  log: Logger,
  options: SchedulerOptions = { name: 'sweep', runAtStart: true },
): Scheduler {
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const runOnce = () => {
    if (running) return running;
    running = sweep()
      .then(() => undefined)
      .catch((error) => log.error({ err: error, job: options.name }, `${options.name} failed`))
      .then(() => scheduleNextDue())
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  // Work due before the next cron tick (an expiry 3 s away with a 15 s sweep) gets a run of its own.
  const scheduleNextDue = async () => {
    if (!options.nextDue || stopped) return;
    const next = await options.nextDue().catch((error) => {
      log.warn({ err: error, job: options.name }, 'could not read when work is next due');
      return undefined;
    });
    clearTimeout(timer);
    if (next === undefined || next.delayMs > MAX_TIMER_MS) return;
    // A floor, so work that stays due (locked by a replica, or failing to claim) is not polled in a loop.
    timer = setTimeout(() => void runOnce(), Math.max(MIN_TIMER_MS, next.delayMs));
    timer.unref();
  };
  // runOnce already joins a run in flight, so node-cron is not asked to prevent overlap: it would
  // say so on every tick of a long sweep.
  const task: ScheduledTask = schedule(cron, () => runOnce(), {
    name: `latch-${options.name}`,
    logger: cronLogger(log, options.name),
  });
  if (options.runAtStart) void runOnce();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await task.stop();
      await task.destroy();
      await running;
    },
  };
}

/**
 * node-cron's own messages (a tick missed while the process was busy, say) as Latch's JSON log lines:
 * its default logger writes coloured text to the console, which log pipelines cannot parse.
 */
function cronLogger(log: Logger, job: string): CronLogger {
  const detail = (err?: unknown) => ({ job, ...(err ? { err } : {}) });
  const text = (message: string | Error) => (message instanceof Error ? message.message : message);
  return {
    info: (message) => log.info(detail(), message),
    warn: (message) => log.warn(detail(), message),
    error: (message, err) =>
      log.error(detail(err ?? (message instanceof Error ? message : undefined)), text(message)),
    // Nothing node-cron says at debug level matters to an operator.
    debug: () => {},
  };
}
