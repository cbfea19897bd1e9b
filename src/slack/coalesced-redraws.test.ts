import { describe, expect, it } from 'vitest';
import { CoalescedRedraws } from './coalesced-redraws.js';

/** A draw that finishes when told to, recording the state it saw when it began. */
function gatedDraw(state: { version: number }) {
  const drawn: Array<{ key: string; saw: number }> = [];
  const gates: Array<() => void> = [];
  const draw = (key: string) =>
    new Promise<void>((resolve, reject) => {
      const saw = state.version;
      gates.push(() => {
        drawn.push({ key, saw });
        if (saw < 0) reject(new Error('views.publish failed'));
        else resolve();
      });
    });
  const finishNext = async () => {
    gates.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 1));
  };
  return { draw, drawn, finishNext, started: () => drawn.length + gates.length };
}

describe('coalesced App Home redraws', () => {
  it('folds a burst of changes into one redraw after the one running, which shows the last change', async () => {
    const state = { version: 1 };
    const gated = gatedDraw(state);
    const redraws = new CoalescedRedraws(gated.draw);

    const first = redraws.redraw('U1');
    const later: Array<Promise<void>> = [];
    for (let v = 2; v <= 60; v++) {
      state.version = v;
      later.push(redraws.redraw('U1'));
    }
    expect(gated.started()).toBe(1);

    await gated.finishNext();
    await first;
    expect(gated.started()).toBe(2);
    await gated.finishNext();
    await Promise.all(later);

    expect(gated.drawn).toEqual([
      { key: 'U1', saw: 1 },
      { key: 'U1', saw: 60 },
    ]);
    expect(redraws.busy).toBe(0);
  });

  it('draws different people side by side', async () => {
    const gated = gatedDraw({ version: 1 });
    const redraws = new CoalescedRedraws(gated.draw);
    void redraws.redraw('U1');
    void redraws.redraw('U2');
    expect(gated.started()).toBe(2);
    await gated.finishNext();
    await gated.finishNext();
    expect(gated.drawn.map((d) => d.key)).toEqual(['U1', 'U2']);
  });

  it('still redraws after a failed redraw, and hands the failure to its own callers only', async () => {
    const state = { version: -1 };
    const gated = gatedDraw(state);
    const redraws = new CoalescedRedraws(gated.draw);
    const failing = redraws.redraw('U1');
    state.version = 2;
    const next = redraws.redraw('U1');
    await gated.finishNext();
    await expect(failing).rejects.toThrow('views.publish failed');
    await gated.finishNext();
    await expect(next).resolves.toBeUndefined();
    expect(gated.drawn.map((d) => d.saw)).toEqual([-1, 2]);

    // Nothing running: the next call draws at once.
    void redraws.redraw('U1');
    expect(gated.started()).toBe(3);
  });
});
