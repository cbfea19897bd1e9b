/**
 * Email → Identity Center user id, remembered for a few minutes so that a burst of grants to one
 * person spends one GetUserId of Identity Center's 20 calls a second, not one per grant. Short-lived
 * on purpose: a user renamed or replaced in the directory is looked up afresh soon after.
 */
export class UserIdCache {
  private readonly entries = new Map<string, { userId: string; until: number }>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(email: string): string | undefined {
    const entry = this.entries.get(email);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.userId;
    this.entries.delete(email);
    return undefined;
  }

  set(email: string, userId: string): void {
    this.entries.delete(email);
    this.entries.set(email, { userId, until: this.now() + this.ttlMs });
    // A Map iterates in insertion order, so the first key is the oldest entry.
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  forget(email: string): void {
    this.entries.delete(email);
  }
}
