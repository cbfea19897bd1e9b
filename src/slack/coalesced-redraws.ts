/**
 * Redraws per key (a person's App Home) with at most one running and one waiting per key. A call
 * resolves once a redraw that began after it has finished, so it always shows the caller's change;
 * calls that arrive while one is waiting share that one. Sixty notices in a second to one approver
 * then cost two or three redraws, not sixty: each redraw is several queries and a views.publish.
 */
export class CoalescedRedraws {
  private readonly pending = new Map<string, { running?: Promise<void>; waiting?: Promise<void> }>();

  constructor(private readonly draw: (key: string) => Promise<void>) {}

  redraw(key: string): Promise<void> {
    let state = this.pending.get(key);
    if (!state) {
      state = {};
      this.pending.set(key, state);
    }
    const { running } = state;
    if (!running) return this.start(key, state);
    const current = state;
    current.waiting ??= running.then(
      () => this.startWaiting(key, current),
      () => this.startWaiting(key, current),
    );
    return current.waiting;
  }

  /** Keys with a redraw running or waiting. */
  get busy(): number {
    return this.pending.size;
  }

  private startWaiting(key: string, state: { running?: Promise<void>; waiting?: Promise<void> }) {
    state.waiting = undefined;
    return this.start(key, state);
  }

  private start(key: string, state: { running?: Promise<void>; waiting?: Promise<void> }): Promise<void> {
    const running: Promise<void> = this.draw(key).finally(() => {
      if (state.running === running) state.running = undefined;
      if (!state.running && !state.waiting) this.pending.delete(key);
    });
    state.running = running;
    return running;
  }
}
