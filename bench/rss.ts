/**
 * Peak resident memory (and the resident memory when the phase started: the process keeps what
 * earlier phases allocated, so the peak of a later phase includes it) of the process while a phase runs. DuckDB works on its own threads, so the
 * event loop stays free to sample; the interval (50 ms) bounds how short a peak can be missed.
 */
export async function withPeakRss<T>(fn: () => Promise<T>, intervalMs = 50): Promise<{ value: T; peakRssMb: number; startRssMb: number }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
  }, intervalMs);
  try {
    const value = await fn();
    const r = process.memoryUsage.rss();
    if (r > peak) peak = r;
    return { value, peakRssMb: peak / (1024 * 1024), startRssMb: start / (1024 * 1024) };
  } finally {
    clearInterval(timer);
  }
}

/** Seconds since `t0` (a performance.now() reading). */
export function since(t0: number): number {
  return (performance.now() - t0) / 1000;
}
