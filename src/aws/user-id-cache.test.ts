import { describe, expect, it } from 'vitest';
import { UserIdCache } from './user-id-cache.js';

describe('UserIdCache', () => {
  it('remembers a user id until its time is up, then forgets it', () => {
    let now = 0;
    const cache = new UserIdCache(1000, 10, () => now);
    cache.set('alice@example.com', 'u-1');
    now = 999;
    expect(cache.get('alice@example.com')).toBe('u-1');
    now = 1000;
    expect(cache.get('alice@example.com')).toBeUndefined();
  });

  it('keeps at most its size, dropping the oldest entry first', () => {
    const cache = new UserIdCache(60_000, 2, () => 0);
    cache.set('a', '1');
    cache.set('b', '2');
    cache.set('c', '3');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, '2', '3']);
  });

  it('forgets an entry on request, as after AWS no longer knows the user', () => {
    const cache = new UserIdCache();
    cache.set('alice@example.com', 'u-1');
    cache.forget('alice@example.com');
    expect(cache.get('alice@example.com')).toBeUndefined();
  });
});
