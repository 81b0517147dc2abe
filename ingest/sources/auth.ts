import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { IdtrailError } from '../../lib/errors.js';
import { registerSecret, redactSecrets } from '../../lib/log.js';
import { sleep } from './wait.js';

/** Supplies the Authorization header value for API calls. */
export interface AuthProvider {
  header(signal?: AbortSignal): Promise<string>;
  /** True when a rejected token can be replaced by asking again (OAuth), false for a static API token. */
  readonly refreshable: boolean;
  invalidate(): void;
}

/** A static credential: Okta `SSWS <api token>` or a pre-issued bearer token. */
export class StaticAuth implements AuthProvider {
  readonly refreshable = false;
  constructor(private readonly value: string) {
    registerSecret(value);
  }
  async header(): Promise<string> {
    return this.value;
  }
  invalidate(): void {}
}

export interface TokenEndpointOptions {
  vendor: string;
  tokenUrl: string;
  /** Form fields of one token request (a fresh client assertion each time). */
  form(): Promise<Record<string, string>>;
  authHint: string;
  timeoutMs: number;
  /** Extra attempts when the token endpoint is down (5xx / network); auth errors are never retried. */
  retries?: number;
}

/**
 * OAuth 2.0 token endpoint client (client credentials, private_key_jwt, JWT bearer grant). Caches the
 * access token until a minute before `expires_in`, and forgets it when the API answers 401.
 */
export class TokenEndpointAuth implements AuthProvider {
  readonly refreshable = true;
  private token?: { value: string; expiresAt: number };

  constructor(private readonly opts: TokenEndpointOptions) {}

  invalidate(): void {
    this.token = undefined;
  }

  async header(signal?: AbortSignal): Promise<string> {
    if (!this.token || Date.now() >= this.token.expiresAt) this.token = await this.fetchToken(signal);
    return `Bearer ${this.token.value}`;
  }

  private async fetchToken(signal?: AbortSignal): Promise<{ value: string; expiresAt: number }> {
    const retries = this.opts.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      let text: string;
      try {
        const form = await this.opts.form();
        for (const [k, v] of Object.entries(form)) if (/secret|assertion/.test(k)) registerSecret(v);
        res = await fetch(this.opts.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams(form).toString(),
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        text = await res.text();
      } catch (err) {
        if (err instanceof IdtrailError) throw err;
        const code = (err as { cause?: { code?: string } }).cause?.code;
        if (attempt < retries) {
          await sleep(250 * 2 ** attempt, signal);
          continue;
        }
        throw new IdtrailError('unreachable', `${this.opts.vendor}: cannot reach the token endpoint ${this.opts.tokenUrl} (${code ?? (err as Error).message})`, {
          hint: 'check the login URL in the config or environment, and the network',
        });
      }
      if (res.status >= 500 && attempt < retries) {
        await sleep(250 * 2 ** attempt, signal);
        continue;
      }
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* described below */
      }
      if (!res.ok || typeof body.access_token !== 'string') {
        // Entra's error_description spans lines (AADSTS text, Trace ID, Correlation ID): keep it on one line.
        const why = [body.error, body.error_description].filter((x) => typeof x === 'string').join(': ').replace(/\s*\r?\n\s*/g, ' ') || `HTTP ${res.status}`;
        throw new IdtrailError('auth_failed', `${this.opts.vendor}: the token endpoint refused the credentials (${redactSecrets(why)})`, {
          hint: this.opts.authHint,
        });
      }
      registerSecret(body.access_token);
      const ttl = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3600);
      return { value: body.access_token, expiresAt: Date.now() + Math.max(30, ttl - 60) * 1000 };
    }
  }
}

/** Reads a PEM private key (PKCS#8) for RS256 signing; names the file, never the key, on failure. */
export async function importRsaKey(pem: string, what: string) {
  registerSecret(pem);
  try {
    return await importPKCS8(pem, 'RS256');
  } catch (err) {
    throw new IdtrailError('config_invalid', `${what} is not a PKCS#8 PEM private key (${(err as Error).message})`, {
      hint: 'convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem',
    });
  }
}

/**
 * A client assertion (RFC 7523) for private_key_jwt client authentication: iss = sub = client id,
 * aud = the token endpoint, short-lived, unique jti. Okta service apps and Entra certificate
 * credentials both use this shape; Entra also wants the certificate thumbprint in the header.
 */
export async function clientAssertion(opts: {
  clientId: string;
  audience: string;
  privateKeyPem: string;
  keyId?: string;
  certificatePem?: string;
}): Promise<string> {
  const key = await importRsaKey(opts.privateKeyPem, 'the private key');
  const header: Record<string, string> = { alg: 'RS256', typ: 'JWT' };
  if (opts.keyId) header.kid = opts.keyId;
  if (opts.certificatePem) {
    const der = new X509Certificate(opts.certificatePem).raw;
    header['x5t#S256'] = createHash('sha256').update(der).digest('base64url');
    header.x5t = createHash('sha1').update(der).digest('base64url');
  }
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader(header as { alg: string })
    .setIssuer(opts.clientId)
    .setSubject(opts.clientId)
    .setAudience(opts.audience)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 300)
    .setJti(randomUUID())
    .sign(key);
}
