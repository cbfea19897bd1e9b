import { describe, expect, it } from 'vitest';
import { checkDuration, formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['2h', 7200],
    ['1d', 86_400],
    [' 2H ', 7200],
  ])('reads %s as %i seconds', (given, want) => {
    expect(parseDuration(given)).toBe(want);
  });

  it.each(['', '2', 'h', '2 h', '1.5h', '-1h', '0m', '2w', '1h30m', '9999999s'])('refuses %j', (given) => {
    expect(parseDuration(given)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [90, '90s'],
    [5400, '90m'],
    [7200, '2h'],
    [86_400, '1d'],
    [61, '61s'],
  ])('writes %i seconds as %s', (given, want) => {
    expect(formatDuration(given)).toBe(want);
  });
});

describe('checkDuration', () => {
  const bounds = { minSeconds: 300, maxSeconds: 8 * 3600 };

  it('accepts a duration inside the tier bounds, the bounds included', () => {
    expect(checkDuration('5m', bounds)).toEqual({ ok: true, seconds: 300 });
    expect(checkDuration('8h', bounds)).toEqual({ ok: true, seconds: 28_800 });
  });

  it('says which bound a duration breaks and what the bound is', () => {
    expect(checkDuration('9h', bounds)).toEqual({ ok: false, reason: 'too_long', limitSeconds: 28_800 });
    expect(checkDuration('60s', bounds)).toEqual({ ok: false, reason: 'too_short', limitSeconds: 300 });
    expect(checkDuration('soon', bounds)).toEqual({ ok: false, reason: 'malformed' });
  });
});
