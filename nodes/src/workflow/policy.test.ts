import { describe, expect, it } from 'vitest';
import { backoffDelay, RetryPolicySchema } from './policy.ts';

const policy = { maxAttempts: 10, backoffMs: 1000, maxBackoffMs: 60_000 };
const lowest = () => 0;
const highest = () => 1;

describe('backoffDelay', () => {
  it('waits between half the ceiling and the ceiling (full jitter, floored at half)', () => {
    expect(backoffDelay(policy, 2, lowest)).toBe(500);
    expect(backoffDelay(policy, 2, highest)).toBe(1000);
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(750);
  });

  it('doubles the ceiling on each further attempt', () => {
    const ceilings = [2, 3, 4, 5, 6].map((attempt) => backoffDelay(policy, attempt, highest));
    expect(ceilings).toEqual([1000, 2000, 4000, 8000, 16_000]);
    const floors = [2, 3, 4, 5, 6].map((attempt) => backoffDelay(policy, attempt, lowest));
    expect(floors).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('never waits longer than maxBackoffMs, however many attempts', () => {
    for (const attempt of [8, 9, 20, 100, 2000]) {
      expect(backoffDelay(policy, attempt, highest)).toBe(60_000);
      expect(backoffDelay(policy, attempt, lowest)).toBe(30_000);
    }
  });

  it('treats the first attempt (no wait before it) like the second', () => {
    expect(backoffDelay(policy, 1, highest)).toBe(1000);
    expect(backoffDelay(policy, 0, highest)).toBe(1000);
  });

  it('stays within bounds with the real random source', () => {
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(policy, 4);
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
      expect(Number.isInteger(delay)).toBe(true);
    }
  });

  it('spreads delays out instead of retrying in lockstep', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(policy, 5)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('waits nothing when the policy says so', () => {
    expect(backoffDelay({ maxAttempts: 20, backoffMs: 0, maxBackoffMs: 0 }, 20, highest)).toBe(0);
    expect(backoffDelay({ maxAttempts: 20, backoffMs: 0, maxBackoffMs: 60_000 }, 20, highest)).toBe(0);
  });

  it('caps below the base wait when maxBackoffMs is smaller', () => {
    expect(backoffDelay({ maxAttempts: 3, backoffMs: 10_000, maxBackoffMs: 4000 }, 2, highest)).toBe(4000);
  });
});

describe('RetryPolicySchema', () => {
  it('fills in the waits', () => {
    expect(RetryPolicySchema.parse({ maxAttempts: 3 })).toEqual({ maxAttempts: 3, backoffMs: 1000, maxBackoffMs: 300_000 });
  });

  it.each([
    { maxAttempts: 0 },
    { maxAttempts: 21 },
    { maxAttempts: 2.5 },
    { maxAttempts: 3, backoffMs: -1 },
    { maxAttempts: 3, backoffMs: 3_600_001 },
    { maxAttempts: 3, maxBackoffMs: 24 * 3_600_000 + 1 },
    { maxAttempts: 3, jitter: false },
    {},
  ])('refuses %j', (value) => {
    expect(RetryPolicySchema.safeParse(value).success).toBe(false);
  });
});
