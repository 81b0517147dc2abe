import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * One HTTP request with a timeout and an optional CA bundle, for the HTTP sinks. Network failures
 * come back as `{ status: 0, error }` values; the caller decides whether to retry.
 */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  error?: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  caFile?: string;
}

const caCache = new Map<string, Buffer>();

export function send(req: HttpRequest): Promise<HttpResponse> {
  const u = new URL(req.url);
  const isHttps = u.protocol === 'https:';
  const fn = isHttps ? httpsRequest : httpRequest;
  let ca: Buffer | undefined;
  if (isHttps && req.caFile) {
    ca = caCache.get(req.caFile) ?? readFileSync(req.caFile);
    caCache.set(req.caFile, ca);
  }
  const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: HttpResponse) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const r = fn(
      u,
      {
        method: req.method,
        headers: { ...(req.headers ?? {}), ...(body ? { 'content-length': String(body.length) } : {}) },
        ...(ca ? { ca } : {}),
        timeout: req.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => done({ status: 0, headers: {}, body: '', error: describe(e) }));
      },
    );
    r.on('timeout', () => r.destroy(Object.assign(new Error(`no response within ${req.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    r.on('error', (e) => done({ status: 0, headers: {}, body: '', error: describe(e) }));
    r.end(body);
  });
}

function describe(e: Error & { code?: string }): string {
  return e.code ? `${e.code}: ${e.message}` : e.message;
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
