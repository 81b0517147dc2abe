import { IdtrailError } from '../../lib/errors.js';
import { logger, redactSecrets } from '../../lib/log.js';
import type { AuthProvider } from './auth.js';
import { emptyCounters, type PageCounters } from './source.js';
import { sleep, StopRequested } from './wait.js';
import type { WindowLimiter } from './limiter.js';

/**
 * The HTTP layer every API source shares: one GET of one JSON page with the faults vendor APIs
 * really produce handled the same way for all of them — 429 (the vendor's policy says how long to
 * wait), 5xx, timeouts, a connection cut mid-body and a truncated body (retried with capped
 * exponential backoff and jitter), an expired token (refreshed once, then a clear auth error).
 * What differs per vendor is data passed in: the rate-limit policy and how to read an error body.
 */
export interface ResponseMeta {
  status: number;
  headers: Headers;
}

export interface RateLimitPolicy {
  /** Milliseconds to wait after a 429; undefined = use exponential backoff. */
  after429(res: ResponseMeta, nowMs: number): number | undefined;
  /** Milliseconds to wait before the next request, judged from the last response (0 = go). */
  beforeNext?(res: ResponseMeta, nowMs: number): number;
}

export interface HttpSettings {
  timeoutMs: number;
  /** Retries of one request after 5xx / timeout / network fault / truncated body. */
  maxRetries: number;
  /** Consecutive 429s tolerated for one request before giving up. */
  max429: number;
  backoffMs: number;
  maxBackoffMs: number;
  /** No single wait (Retry-After, X-Rate-Limit-Reset) is longer than this. */
  maxWaitMs: number;
}

export const DEFAULT_HTTP: HttpSettings = {
  timeoutMs: 30_000,
  maxRetries: 5,
  max429: 20,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  maxWaitMs: 120_000,
};

export interface HttpClientOptions {
  /** Used in messages: 'Okta', 'Microsoft Graph', … */
  vendor: string;
  auth?: AuthProvider;
  settings: HttpSettings;
  policy: RateLimitPolicy;
  /** Reads the vendor's error body into one line (`E0000047: API call exceeded rate limit …`). */
  describeError(body: unknown): string | undefined;
  /** What to do when authentication fails (names the env vars / config keys to check). */
  authHint: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  url: string;
  body: T;
}

/** Status codes worth another try: the vendor said so (429) or the fault is on their side. */
const RETRYABLE = new Set([500, 502, 503, 504]);

export class HttpClient {
  private last?: ResponseMeta;
  private readonly log = logger().child({ component: 'http' });

  constructor(private readonly opts: HttpClientOptions) {}

  /**
   * GET one JSON document. `counters` accumulates requests, retries and throttles for the page.
   * Throws StopRequested if the stop signal fires during a wait (never during a read).
   */
  async getJson<T = unknown>(url: string, counters: PageCounters = emptyCounters(), limiter?: WindowLimiter): Promise<JsonResponse<T>> {
    const { settings, signal } = this.opts;
    let faults = 0;
    let throttles = 0;
    let refreshed = false;
    for (;;) {
      if (signal?.aborted) throw new StopRequested();
      if (this.last && this.opts.policy.beforeNext) {
        const wait = Math.min(this.opts.policy.beforeNext(this.last, Date.now()), settings.maxWaitMs);
        if (wait > 0) {
          counters.throttled++;
          this.log.debug({ vendor: this.opts.vendor, waitMs: wait }, 'rate-limit budget spent; waiting for the reset');
          this.last = undefined;
          await sleep(wait, signal);
        }
      }
      counters.requests++;
      let res: Response;
      let text: string;
      try {
        const headers: Record<string, string> = { accept: 'application/json', ...this.opts.headers };
        if (this.opts.auth) headers.authorization = await this.opts.auth.header(signal);
        // Taken after the token is in hand, so the request leaves right when its slot starts.
        if (limiter) await limiter.take(signal);
        res = await fetch(url, { headers, signal: AbortSignal.timeout(settings.timeoutMs), redirect: 'follow' });
        text = await res.text();
      } catch (err) {
        if (err instanceof StopRequested || err instanceof IdtrailError) throw err;
        const fault = describeFetchError(err, settings.timeoutMs);
        faults++;
        if (faults > settings.maxRetries) {
          const unreachable = fault.kind === 'connect';
          throw new IdtrailError(
            unreachable ? 'unreachable' : 'vendor_error',
            `${this.opts.vendor}: ${fault.message} (${safeUrl(url)}), ${faults} attempts`,
            { hint: unreachable ? 'check the endpoint URL in the config or environment, and the network' : 'the vendor API is not answering properly; try again later' },
          );
        }
        counters.retries++;
        await this.backoff(faults, `${fault.message}`, url);
        continue;
      }
      const meta: ResponseMeta = { status: res.status, headers: res.headers };
      this.last = meta;

      if (res.status === 429) {
        throttles++;
        counters.throttled++;
        if (throttles > settings.max429) {
          throw new IdtrailError('vendor_error', `${this.opts.vendor}: still rate limited after ${throttles} tries (${this.describe(text)})`, {
            hint: 'another client may be using this API budget; lower the schedule frequency or raise the rate limit',
          });
        }
        const told = this.opts.policy.after429(meta, Date.now());
        const wait = told === undefined ? backoffMs(throttles, settings) : Math.min(Math.max(told, 0), settings.maxWaitMs);
        this.log.info({ vendor: this.opts.vendor, waitMs: Math.round(wait), error: this.describe(text) }, 'rate limited (429); waiting');
        this.last = undefined;
        await sleep(wait, signal);
        continue;
      }
      if (res.status === 401 && this.opts.auth?.refreshable && !refreshed) {
        // An access token can expire between our expiry check and the request: get a new one once.
        refreshed = true;
        this.opts.auth.invalidate();
        this.log.info({ vendor: this.opts.vendor }, 'access token rejected (401); requesting a new one');
        continue;
      }
      if (res.status === 401 || res.status === 403) {
        throw new IdtrailError(
          'auth_failed',
          `${this.opts.vendor} rejected the credentials (HTTP ${res.status}${this.describe(text) ? `: ${this.describe(text)}` : ''})`,
          { hint: this.opts.authHint },
        );
      }
      if (RETRYABLE.has(res.status)) {
        faults++;
        if (faults > settings.maxRetries) {
          throw new IdtrailError('vendor_error', `${this.opts.vendor}: HTTP ${res.status} after ${faults} attempts (${this.describe(text) ?? 'no error body'}) at ${safeUrl(url)}`, {
            hint: 'the vendor API is failing; try again later',
          });
        }
        counters.retries++;
        const told = retryAfterMs(res.headers, Date.now());
        await this.backoff(faults, `HTTP ${res.status}`, url, told);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        throw new HttpStatusError(res.status,  `${this.opts.vendor}: HTTP ${res.status} ${this.describe(text) ?? ''} at ${safeUrl(url)}`.trim(), {
          hint: 'check the source settings (URL, filter, permissions)',
        });
      }
      let body: T;
      try {
        body = JSON.parse(text) as T;
      } catch {
        // A body cut short (proxy reset, server crash) parses as broken JSON: read the page again.
        faults++;
        if (faults > settings.maxRetries) {
          throw new IdtrailError('vendor_error', `${this.opts.vendor}: response is not valid JSON after ${faults} attempts (${text.length} bytes) at ${safeUrl(url)}`, {
            hint: 'the vendor API keeps returning a broken body; try again later',
          });
        }
        counters.retries++;
        await this.backoff(faults, 'truncated or invalid JSON body', url);
        continue;
      }
      return { status: res.status, headers: res.headers, url, body };
    }
  }

  private describe(text: string): string | undefined {
    try {
      const d = this.opts.describeError(JSON.parse(text));
      return d ? redactSecrets(d) : undefined;
    } catch {
      return text ? redactSecrets(text.slice(0, 200)) : undefined;
    }
  }

  private async backoff(attempt: number, why: string, url: string, told?: number): Promise<void> {
    const wait = told !== undefined ? Math.min(told, this.opts.settings.maxWaitMs) : backoffMs(attempt, this.opts.settings);
    this.log.warn({ vendor: this.opts.vendor, attempt, waitMs: Math.round(wait), url: safeUrl(url) }, `${why}; retrying`);
    await sleep(wait, this.opts.signal);
  }
}

/** A vendor answer that is neither success nor retryable; `status` lets a source react (a stale cursor). */
export class HttpStatusError extends IdtrailError {
  constructor(
    readonly status: number,
    message: string,
    opts: { hint?: string } = {},
  ) {
    super('vendor_error', message, opts);
  }
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number, s: HttpSettings): number {
  const cap = Math.min(s.maxBackoffMs, s.backoffMs * 2 ** Math.max(0, attempt - 1));
  return cap / 2 + Math.random() * (cap / 2);
}

/** `Retry-After` as delta-seconds (Graph sends fractional values too) or an HTTP-date. */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const v = headers.get('retry-after');
  if (!v) return undefined;
  const secs = Number(v.trim());
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/** Policy for APIs that say how long to wait with Retry-After (Graph, Google). */
export const retryAfterPolicy: RateLimitPolicy = {
  after429: (res, now) => retryAfterMs(res.headers, now),
};

interface FetchFault {
  kind: 'connect' | 'timeout' | 'cut';
  message: string;
}

function describeFetchError(err: unknown, timeoutMs: number): FetchFault {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { kind: 'timeout', message: `no complete response within ${timeoutMs} ms` };
  const cause = e?.cause as { code?: string; message?: string; errors?: Array<{ code?: string }> } | undefined;
  const code = cause?.code ?? cause?.errors?.find((x) => x.code)?.code;
  if (cause?.message === 'bad port') return { kind: 'connect', message: 'cannot connect (the port is not allowed for HTTP)' };
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'].includes(code)) {
    return { kind: 'connect', message: `cannot connect (${code})` };
  }
  return { kind: 'cut', message: `connection failed while reading the response (${code ?? cause?.message ?? e?.message ?? 'unknown'})` };
}

/** A URL fit for logs: no credentials, no query values that could be tokens. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    for (const k of [...u.searchParams.keys()]) if (/token|secret|key|assertion|code/i.test(k)) u.searchParams.set(k, '…');
    return redactSecrets(u.toString());
  } catch {
    return '(invalid url)';
  }
}
