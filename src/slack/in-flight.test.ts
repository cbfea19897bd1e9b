import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight.js';

describe('InFlight', () => {
  it('makes a stop wait for work a listener started without waiting for it', async () => {
    const inFlight = new InFlight();
    let finish: () => void = () => {};
    inFlight.track(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(inFlight.count).toBe(1);
    expect(await inFlight.drained(20)).toBe(false);

    const drained = inFlight.drained(1000);
    finish();
    expect(await drained).toBe(true);
    expect(inFlight.count).toBe(0);
  });

  it('counts listeners and tracked work together', async () => {
    const inFlight = new InFlight();
    let endListener: () => void = () => {};
    const listener = inFlight.middleware({
      next: () => new Promise<void>((resolve) => (endListener = resolve)),
    } as never);
    inFlight.track(async () => {});
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(inFlight.count).toBe(1);
    endListener();
    await listener;
    expect(await inFlight.drained(0)).toBe(true);
  });
});
