import { describe, expect, it } from 'vitest';
import { MemoryCallRate, MemorySlots, sleep, waitAfterTake } from './call-limits.js';

describe('waitAfterTake', () => {
  it.each([
    { tokensLeft: 2, perSecond: 10, want: 0 },
    { tokensLeft: 0, perSecond: 10, want: 0 },
    { tokensLeft: -1, perSecond: 10, want: 0.1 },
    { tokensLeft: -3, perSecond: 20, want: 0.15 },
  ])('waits $want s with $tokensLeft tokens left at $perSecond/s', ({ tokensLeft, perSecond, want }) => {
    expect(waitAfterTake(tokensLeft, perSecond)).toBeCloseTo(want);
  });
});

describe('MemoryCallRate', () => {
  it('lets the burst through at once and paces the rest at the rate', async () => {
    const rate = new MemoryCallRate();
    const bucket = { name: 'b', rate: { perSecond: 20, burst: 3 } };
    const started = performance.now();
    const sent: number[] = [];

    await Promise.all(
      Array.from({ length: 7 }, async () => {
        await rate.take(bucket);
        sent.push(performance.now() - started);
      }),
    );

    sent.sort((a, b) => a - b);
    expect(sent[2]).toBeLessThan(100);
    // Four more at 20/s: the last one 200 ms in.
    expect(sent[6]).toBeGreaterThanOrEqual(190);
  });

  it('keeps a bucket per name, each at its own rate', async () => {
    const rate = new MemoryCallRate();
    const slow = { name: 'a', rate: { perSecond: 1, burst: 1 } };
    const fast = { name: 'b', rate: { perSecond: 20, burst: 1 } };
    await rate.take(slow);
    const started = performance.now();
    await rate.take(fast);
    expect(performance.now() - started).toBeLessThan(100);
    // b's second call waits 1/20 s, not a's whole second.
    await rate.take(fast);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('MemorySlots', () => {
  it('holds at most its size at once, and hands a released slot to the next waiter', async () => {
    const slots = new MemorySlots(2);
    let holding = 0;
    let most = 0;

    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const release = await slots.acquire('s');
        holding += 1;
        most = Math.max(most, holding);
        await sleep(10);
        holding -= 1;
        await release();
      }),
    );

    expect(most).toBe(2);
  });

  it('ignores a second release of the same slot', async () => {
    const slots = new MemorySlots(1);
    const release = await slots.acquire('s');
    await release();
    await release();
    await slots.acquire('s');
    let second = false;
    void slots.acquire('s').then(() => {
      second = true;
    });
    await sleep(20);
    expect(second).toBe(false);
  });
});
