import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/**
 * Counts Slack events whose listeners are still running (they go on after the ack), and work they
 * started without waiting for it, so a stop can let them finish before the database closes.
 * Registered as Bolt global middleware.
 */
export class InFlight {
  private running = 0;
  private waiters: Array<() => void> = [];

  readonly middleware: Middleware<AnyMiddlewareArgs> = async ({ next }) => {
    this.running += 1;
    try {
      await next();
    } finally {
      this.finished();
    }
  };

  /** Counts work a listener started and did not wait for until it settles (it must not reject). */
  track(work: () => Promise<void>): void {
    this.running += 1;
    void work().finally(() => this.finished());
  }

  private finished(): void {
    this.running -= 1;
    if (this.running === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  get count(): number {
    return this.running;
  }

  /** Resolves true once nothing runs, or false when `timeoutMs` passes first. */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
