import { describe, expect, it } from 'vitest';
import { retryAfterMs, safeUrl } from './http.js';
import { parseLinks, queryString } from './link.js';
import { oktaRateLimitPolicy } from './okta.js';

describe('Link headers', () => {
  it('reads Okta self and next links joined by fetch into one value', () => {
    const h =
      '<https://acme.okta.com/api/v1/logs?since=2026-11-20T00%3A00%3A00.000Z&limit=1000>; rel="self", <https://acme.okta.com/api/v1/logs?since=2026-11-20T00%3A00%3A00.000Z&limit=1000&after=1732060800000_1>; rel="next"';
    expect(parseLinks(h)).toEqual({
      self: 'https://acme.okta.com/api/v1/logs?since=2026-11-20T00%3A00%3A00.000Z&limit=1000',
      next: 'https://acme.okta.com/api/v1/logs?since=2026-11-20T00%3A00%3A00.000Z&limit=1000&after=1732060800000_1',
    });
    expect(parseLinks(null)).toEqual({});
    expect(parseLinks('<https://x/a,b>; rel=next')).toEqual({ next: 'https://x/a,b' });
  });

  it('encodes query values with %20, never +', () => {
    expect(queryString({ $filter: "createdDateTime ge 2026-11-20T00:00:00.000Z and signInEventTypes/any(t: t eq 'servicePrincipal')", $top: 999, skip: undefined })).toBe(
      "$filter=createdDateTime%20ge%202026-11-20T00%3A00%3A00.000Z%20and%20signInEventTypes%2Fany(t%3A%20t%20eq%20'servicePrincipal')&$top=999",
    );
  });
});

describe('rate-limit headers', () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  it('Retry-After: delta seconds (fractional too) or an HTTP date', () => {
    expect(retryAfterMs(headers({ 'retry-after': '2' }), 0)).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': '0.25' }), 0)).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': 'Wed, 26 Nov 2026 00:00:10 GMT' }), Date.parse('2026-11-26T00:00:00Z'))).toBe(10_000);
    expect(retryAfterMs(headers({}), 0)).toBeUndefined();
  });

  it('Okta: waits until X-Rate-Limit-Reset after a 429, and before the next call when Remaining is 0', () => {
    const now = Date.parse('2026-11-26T00:00:00Z');
    const reset = String(now / 1000 + 30);
    expect(oktaRateLimitPolicy.after429({ status: 429, headers: headers({ 'x-rate-limit-reset': reset }) }, now)).toBe(30_250);
    expect(oktaRateLimitPolicy.beforeNext!({ status: 200, headers: headers({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset }) }, now)).toBe(30_250);
    expect(oktaRateLimitPolicy.beforeNext!({ status: 200, headers: headers({ 'x-rate-limit-remaining': '12', 'x-rate-limit-reset': reset }) }, now)).toBe(0);
  });

  it('URLs in logs carry no credentials or token-like query values', () => {
    expect(safeUrl('https://user:pw@h/p?pageToken=abc&$top=5')).toMatch(/^https:\/\/h\/p\?pageToken=(%E2%80%A6|\[REDACTED\])&%24top=5$/);
  });
});
