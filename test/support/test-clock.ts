import type { Clock } from '../../src/core/ports.js';

/** Time that moves only when a test says so. */
export class TestClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-11-21T09:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }

  advanceSeconds(seconds: number): Date {
    return this.advance(seconds * 1000);
  }
}
