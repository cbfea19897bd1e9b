import { describe, expect, it } from 'vitest';
import { DatabaseClock } from './database-clock.js';

// The database's clock runs 5,000 ms ahead of this process's in every case below.
const AHEAD = 5_000;

describe('DatabaseClock', () => {
  it('places a moment the database read at the latest it could be here: when its answer came', () => {
    const clock = new DatabaseClock();

    expect(clock.toLocal(1_001 + AHEAD, 1_003)).toBe(1_003);
  });

  it('keeps what a prompt answer taught it, so a late answer does not move the moment', () => {
    const clock = new DatabaseClock();
    clock.toLocal(2_001 + AHEAD, 2_002);

    // Read at 3,001, but the answer waited on the disk until 3,081: still 3,002 at the latest.
    expect(clock.toLocal(3_001 + AHEAD, 3_081)).toBe(3_002);
  });

  it('learns from a more prompt answer than the one it had', () => {
    const clock = new DatabaseClock();
    expect(clock.toLocal(1_001 + AHEAD, 1_041)).toBe(1_041);

    clock.toLocal(2_001 + AHEAD, 2_001);

    expect(clock.toLocal(3_001 + AHEAD, 3_041)).toBe(3_001);
  });

  it('forgets an old answer, so a clock stepped back is learned again rather than sending early', () => {
    const clock = new DatabaseClock(10_000);
    clock.toLocal(1_001 + AHEAD, 1_001);

    // Eleven seconds later the database's clock is 300 ms less ahead: one answer resets the view.
    expect(clock.toLocal(12_001 + AHEAD - 300, 12_002)).toBe(12_002);
  });
});
