import { describe, expect, it } from 'vitest';
import { SignInLimiter } from '../../src/console/sign-in-limit.js';

const LIMITS = { perAddress: { burst: 3, everyMs: 10_000 }, overall: { burst: 5, everyMs: 1_000 } };

/** How many of `n` attempts from `address` at `now` are let through. */
function allowed(l: SignInLimiter, address: string, n: number, now: number): number {
  let ok = 0;
  for (let i = 0; i < n; i++) if (l.take(address, now) === 0) ok++;
  return ok;
}

describe('sign-in rate limit', () => {
  it('lets an address make its burst, then says how long to wait, then one more per interval', () => {
    const l = new SignInLimiter(LIMITS);
    expect(allowed(l, '10.0.0.1', 3, 0)).toBe(3);
    expect(l.take('10.0.0.1', 0)).toBe(10_000);
    expect(l.take('10.0.0.1', 4_000)).toBe(6_000);
    expect(l.take('10.0.0.1', 10_000)).toBe(0);
    expect(l.take('10.0.0.1', 10_000)).toBeGreaterThan(0);
  });

  it('caps all addresses together, so many addresses cannot add up to a flood', () => {
    const l = new SignInLimiter(LIMITS);
    expect(allowed(l, 'a', 3, 0)).toBe(3);
    expect(allowed(l, 'b', 3, 0)).toBe(2);
    expect(l.take('c', 0)).toBe(1_000);
    // A refused attempt takes nothing: b still has its third attempt once the overall bucket refills.
    expect(l.take('b', 1_000)).toBe(0);
  });
});
