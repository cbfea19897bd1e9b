import type { CallRate, RateBucket } from '../aws/call-limits.js';
import type { Logger } from '../core/ports.js';
import { CoalescedRedraws } from './coalesced-redraws.js';
import { settledWithin } from './settled-within.js';

/**
 * views.publish is Tier 4, "100+ per minute" for the workspace (PLATFORM.md A3). The Homes of people
 * who may not be looking are redrawn at that pace, counted in the database like AWS's limits so
 * that replicas share it. A minute's worth may go at once, so a workspace's usual redraws are
 * immediate; only a sustained stream of changes waits.
 */
export const HOME_REDRAW_BUCKET: RateBucket = {
  name: 'slack:views.publish',
  rate: { perSecond: 100 / 60, burst: 100 },
};

/**
 * Everyone's App Home redraws. Someone looking at their Home (they opened it, or clicked on it) gets
 * it redrawn at once. A change they may see there (a DM told them, a command of theirs) redraws it
 * at Slack's pace instead, after the people already waiting, each once however often they changed:
 * a queue of 500 approvals cleared in a minute costs at most 200 redraws in that minute, not
 * thousands. A redraw still waiting when someone opens their Home is moot: the opening draws it.
 * Each redraw reads the database when it begins, so it shows every change before it.
 */
export class HomeRedraws {
  private readonly coalesced: CoalescedRedraws;
  /** People whose Home waits for the pace, in the order they first changed. */
  private readonly due = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private pacing = false;
  private stopped = false;

  constructor(
    draw: (userId: string) => Promise<void>,
    private readonly callRate: CallRate,
    private readonly log: Logger,
    private readonly bucket: RateBucket = HOME_REDRAW_BUCKET,
  ) {
    this.coalesced = new CoalescedRedraws(draw);
  }

  /** They are looking: their Home is redrawn now (after one already being drawn). */
  now(userId: string): Promise<void> {
    this.due.delete(userId);
    return this.track(this.coalesced.redraw(userId));
  }

  /** Something they may see changed: their Home is redrawn at the pace. Returns at once. */
  later(userId: string): void {
    if (this.stopped) return;
    this.due.add(userId);
    if (!this.pacing) {
      this.pacing = true;
      void this.pace().finally(() => {
        this.pacing = false;
      });
    }
  }

  /** People whose redraw waits for the pace. */
  get waiting(): number {
    return this.due.size;
  }

  /**
   * Forgets the redraws not begun (their Homes are drawn when next opened) and waits up to
   * `timeoutMs` for those running; answers whether they all finished.
   */
  stop(timeoutMs: number): Promise<boolean> {
    this.stopped = true;
    this.due.clear();
    return settledWithin(this.running, timeoutMs);
  }

  private async pace(): Promise<void> {
    while (this.due.size > 0 && !this.stopped) {
      try {
        await this.callRate.take(this.bucket);
      } catch (error) {
        // Without the database there is no pace, and no Home to read either; opening one draws it.
        this.log.warn({ err: error, waiting: this.due.size }, 'cannot pace App Home redraws; dropped them');
        this.due.clear();
        return;
      }
      const [next] = this.due;
      if (next === undefined || this.stopped) return;
      this.due.delete(next);
      this.track(this.coalesced.redraw(next)).catch((err: unknown) =>
        this.log.warn({ err, userId: next }, 'could not redraw App Home'),
      );
    }
  }

  private track(redraw: Promise<void>): Promise<void> {
    this.running.add(redraw);
    const forget = () => {
      this.running.delete(redraw);
    };
    redraw.then(forget, forget);
    return redraw;
  }
}
