import { type ScheduledTask, schedule } from 'node-cron';
import type { Logger } from '../core/ports.js';

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
  options: { name: string; runAtStart: boolean } = { name: 'sweep', runAtStart: true },
): Scheduler {
  let running: Promise<void> | undefined;
  const runOnce = () => {
    if (running) return running;
    running = sweep()
      .then(() => undefined)
      .catch((error) => log.error({ err: error, job: options.name }, `${options.name} failed`))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const task: ScheduledTask = schedule(cron, () => runOnce(), {
    name: `latch-${options.name}`,
    noOverlap: true,
  });
  if (options.runAtStart) void runOnce();
  return {
    async stop() {
      await task.stop();
      await task.destroy();
      await running;
    },
  };
}
