/**
 * Exponential backoff with jitter for outbox retries: the n-th failure waits base·2^(n−1), capped,
 * with "equal jitter" (half fixed, half random) so that many queued alerts and several idtrail
 * instances do not retry a recovering SIEM in lockstep. A receiver's Retry-After is a floor.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** 5 s, 10 s, 20 s … up to 15 minutes. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, capMs: 15 * 60_000 };

export function backoffMs(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random, retryAfterMs?: number): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
