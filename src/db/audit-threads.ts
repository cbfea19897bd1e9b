/**
 * Request id → the `ts` of its first audit post, for the requests posted about lately. A thread's
 * `ts` is written once and never changes, so a remembered one is never stale, on any replica; each
 * audit post then reads it from here instead of the database.
 */
export class AuditThreads {
  private readonly threads = new Map<string, string>();

  constructor(private readonly maxEntries = 5_000) {}

  get(requestId: string): string | undefined {
    return this.threads.get(requestId);
  }

  remember(requestId: string, ts: string): void {
    this.threads.delete(requestId);
    this.threads.set(requestId, ts);
    // A Map iterates in insertion order, so the first key is the one remembered longest ago.
    if (this.threads.size > this.maxEntries) {
      const oldest = this.threads.keys().next().value;
      if (oldest !== undefined) this.threads.delete(oldest);
    }
  }
}
