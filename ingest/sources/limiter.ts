import { sleep } from './wait.js';

/**
 * A client-side sliding-window limiter: at most `requests` starts in any `windowMs`. Microsoft Graph's
 * identity and access reports (auditLogs/*) allow 5 requests per 10 seconds per app per tenant
 * (learn.microsoft.com/graph/throttling-limits); staying under it avoids a 429 storm.
 */
export class WindowLimiter {
  private starts: number[] = [];

  constructor(
    readonly requests: number,
    readonly windowMs: number,
  ) {}

  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.starts = this.starts.filter((t) => now - t < this.windowMs);
      if (this.starts.length < this.requests) {
        this.starts.push(now);
        return;
      }
      // A little slack so that network jitter cannot squeeze a sixth request into the vendor's window.
      await sleep(this.windowMs - (now - this.starts[0]) + Math.min(250, Math.ceil(this.windowMs * 0.02)), signal);
    }
  }
}
