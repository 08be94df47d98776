// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/server/rate-limit';
import { decodeCursor, encodeCursor } from '../../src/server/sync';
import { hashToken, looksLikeToken, newToken } from '../../src/server/tokens';

describe('cursor', () => {
  it('round-trips and is opaque', () => {
    const cursor = encodeCursor('abc123def456', 4711);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('4711');
    expect(decodeCursor(cursor, 'abc123def456')).toBe(4711);
  });

  it('refuses cursors of another database, other versions and garbage with bad_cursor', () => {
    const cursor = encodeCursor('abc123def456', 7);
    const bad = [
      () => decodeCursor(cursor, 'ffffffffffff'),
      () => decodeCursor(Buffer.from('v2.abc123def456.7').toString('base64url'), 'abc123def456'),
      () => decodeCursor('%%%', 'abc123def456'),
      () =>
        decodeCursor(
          Buffer.from('v1.abc123def456.99999999999999999').toString('base64url'),
          'abc123def456',
        ),
    ];
    for (const attempt of bad)
      expect(attempt).toThrow(expect.objectContaining({ status: 400, code: 'bad_cursor' }));
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then refills at the configured rate, per key', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').ok)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('b').ok).toBe(true);
    now += 500; // one token back at 2/s
    expect(limiter.take('a').ok).toBe(true);
    expect(limiter.take('a').ok).toBe(false);
    now += 60_000; // never more than the burst
    expect([1, 2, 3, 4].map(() => limiter.take('a').ok)).toEqual([true, true, true, false]);
  });
});

describe('tokens', () => {
  it('are tb_ + 32 random bytes, and only their hash is stored', () => {
    const token = newToken();
    expect(looksLikeToken(token)).toBe(true);
    expect(Buffer.from(token.slice(3), 'base64url')).toHaveLength(32);
    expect(newToken()).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toContain(token.slice(3));
    expect(looksLikeToken('tb_short')).toBe(false);
  });
});
