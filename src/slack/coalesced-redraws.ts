/** A key's redraw in progress, and the one queued behind it. */
interface Pending {
  running?: Promise<void>;
  waiting?: Promise<void>;
}

/**
 * Redraws per key (a person's App Home) with at most one running and one waiting per key. A call
 * resolves once a redraw that began after it has finished, so it always shows the caller's change;
 * calls that arrive while one is waiting share that one. Sixty notices in a second to one approver
 * then cost two or three redraws, not sixty: each redraw is several queries and a views.publish.
 */
export class CoalescedRedraws {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly draw: (key: string) => Promise<void>) {}

  redraw(key: string): Promise<void> {
    const state = this.pending.get(key) ?? {};
    this.pending.set(key, state);
    const { running } = state;
    if (!running) return this.start(key, state);
    const next = () => {
      state.waiting = undefined;
      return this.start(key, state);
    };
    state.waiting ??= running.then(next, next);
    return state.waiting;
  }

  /** Keys with a redraw running or waiting. */
  get busy(): number {
    return this.pending.size;
  }

  private start(key: string, state: Pending): Promise<void> {
    const running: Promise<void> = this.draw(key).finally(() => {
      if (state.running === running) state.running = undefined;
      if (!state.running && !state.waiting) this.pending.delete(key);
    });
    state.running = running;
    return running;
  }
}
