/**
 * Where a moment read on the database's clock falls on this process's clock, never too early.
 * An answer comes back some time after the database read its clock, so `read - answered` is a lower
 * bound on how far ahead the database's clock runs; the greatest bound seen lately is the closest.
 * Time spent before the database read its clock (a queue for the connection) costs nothing.
 */
export class DatabaseClock {
  private best: { aheadMs: number; seenAt: number } | undefined;

  /** `forgetAfterMs`: a bound older than this gives way, so a clock that was stepped is learned again. */
  constructor(private readonly forgetAfterMs = 10_000) {}

  /** `databaseMs`, read by the database before this process had its answer at `answeredAt`. */
  toLocal(databaseMs: number, answeredAt: number): number {
    const aheadMs = databaseMs - answeredAt;
    const best = this.best;
    if (!best || aheadMs >= best.aheadMs || answeredAt - best.seenAt > this.forgetAfterMs) {
      this.best = { aheadMs, seenAt: answeredAt };
    }
    return databaseMs - (this.best?.aheadMs ?? aheadMs);
  }
}
