import { z } from 'zod';
import type { RetryPolicy } from '../sdk/index.ts';

export const RetryPolicySchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(20).describe('Total attempts including the first.'),
    backoffMs: z.number().int().min(0).max(3_600_000).default(1000).describe('Wait before the second attempt; doubles each time.'),
    maxBackoffMs: z.number().int().min(0).max(24 * 3_600_000).default(300_000).describe('Longest wait between attempts.'),
  })
  .strict();

/**
 * The wait before attempt `nextAttempt` (2, 3, ...): exponential with "full jitter",
 * so many runs failing together do not retry in lockstep.
 *
 * @example backoffDelay({ maxAttempts: 5, backoffMs: 1000, maxBackoffMs: 60000 }, 3) // between 1000 and 2000
 */
export function backoffDelay(policy: RetryPolicy, nextAttempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, nextAttempt - 2));
  const floor = ceiling / 2;
  return Math.round(floor + random() * (ceiling - floor));
}
