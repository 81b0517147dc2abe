/**
 * Okta System Log LogEvent objects (GET /api/v1/logs items), whole: actor, client with
 * userAgent/geographicalContext, device, authenticationContext, displayMessage, eventType, outcome,
 * published, securityContext, severity, debugContext.debugData, legacyEventType, transaction,
 * uuid, version, request.ipChain and target[]. Okta writes absent values as JSON null, and an IP
 * outside every network zone as the string "null" in client.zone.
 */
import type { IpInfo } from '../geo.js';
import type { Device } from '../devices.js';
import type { Rng } from '../prng.js';
import { isoMs } from '../time.js';

export interface OktaActor {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  detailEntry?: Record<string, unknown> | null;
}

export interface OktaTarget {
  id: string;
  type: string;
  alternateId: string;
  displayName: string;
  detailEntry?: Record<string, unknown> | null;
  changeDetails?: Record<string, unknown> | null;
}

export interface OktaEventInput {
  t: number;
  eventType: string;
  displayMessage: string;
  legacyEventType?: string | null;
  actor: OktaActor;
  ip?: IpInfo | null;
  ua?: { raw: string; os: string; browser: string } | null;
  device?: string;
  result: 'SUCCESS' | 'FAILURE' | 'SKIPPED' | 'ALLOW' | 'DENY' | 'CHALLENGE' | 'UNKNOWN';
  reason?: string | null;
  severity?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  target?: OktaTarget[] | null;
  session?: { external: string; root?: string } | null;
  authProvider?: string | null;
  credentialProvider?: string | null;
  credentialType?: string | null;
  interface?: string | null;
  authStep?: number;
  debug?: Record<string, string>;
  transactionType?: 'WEB' | 'JOB';
  transactionId?: string;
  requestUri?: string;
  clientId?: string | null;
  risk?: { level: 'LOW' | 'MEDIUM' | 'HIGH'; newGeo?: boolean; velocity?: boolean; newDevice?: boolean; newIp?: boolean };
}

export function oktaUserActor(p: { oktaId: string; login: string; displayName: string }): OktaActor {
  return { id: p.oktaId, type: 'User', alternateId: p.login, displayName: p.displayName, detailEntry: null };
}

export function oktaUserTarget(p: { oktaId: string; login: string; displayName: string }): OktaTarget {
  return { id: p.oktaId, type: 'User', alternateId: p.login, displayName: p.displayName, detailEntry: null };
}

export function oktaAppTarget(app: { id: string; label: string; name: string }): OktaTarget {
  return { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: { signOnModeType: 'SAML_2_0' } };
}

/** The system principal Okta names as the actor of its own automated work (imports, provisioning). */
export const OKTA_SYSTEM_ACTOR: OktaActor = { id: '0oa1okta0system0actr', type: 'PublicClientApp', alternateId: 'Okta System', displayName: 'Okta System', detailEntry: null };

export function deviceUa(d: Device): { raw: string; os: string; browser: string } {
  return { raw: d.ua, os: d.oktaOs, browser: d.oktaBrowser };
}

function geo(ip: IpInfo) {
  return { city: ip.city, state: ip.state, country: ip.country, postalCode: null, geolocation: { lat: ip.lat, lon: ip.lon } };
}

function behaviors(r: NonNullable<OktaEventInput['risk']>): string {
  const v = (b?: boolean) => (b ? 'POSITIVE' : 'NEGATIVE');
  return `{New Geo-Location=${v(r.newGeo)}, New Device=${v(r.newDevice)}, New IP=${v(r.newIp)}, New State=${v(r.newGeo)}, New Country=${v(r.newGeo)}, Velocity=${v(r.velocity)}, New City=${v(r.newGeo)}}`;
}

export function oktaEvent(rng: Rng, e: OktaEventInput): Record<string, unknown> {
  const requestId = rng.base62(27);
  const ip = e.ip ?? null;
  const debugData: Record<string, string> = { requestId, requestUri: e.requestUri ?? '/api/v1/authn', url: `${e.requestUri ?? '/api/v1/authn'}?`, ...(e.debug ?? {}) };
  if (e.risk) {
    debugData.behaviors = behaviors(e.risk);
    debugData.risk = `{level=${e.risk.level}}`;
    debugData.threatSuspected = 'false';
    debugData.logOnlySecurityData = JSON.stringify({ risk: { level: e.risk.level }, behaviors: { 'New Geo-Location': e.risk.newGeo ? 'POSITIVE' : 'NEGATIVE', 'New Device': e.risk.newDevice ? 'POSITIVE' : 'NEGATIVE', 'New IP': e.risk.newIp ? 'POSITIVE' : 'NEGATIVE', 'New State': e.risk.newGeo ? 'POSITIVE' : 'NEGATIVE', 'New Country': e.risk.newGeo ? 'POSITIVE' : 'NEGATIVE', Velocity: e.risk.velocity ? 'POSITIVE' : 'NEGATIVE', 'New City': e.risk.newGeo ? 'POSITIVE' : 'NEGATIVE' } });
    debugData.dtHash = rng.hex(64);
  }
  return {
    actor: { ...e.actor, detailEntry: e.actor.detailEntry ?? null },
    client: ip
      ? {
          userAgent: e.ua ? { rawUserAgent: e.ua.raw, os: e.ua.os, browser: e.ua.browser } : { rawUserAgent: 'UNKNOWN', os: 'Unknown', browser: 'UNKNOWN' },
          zone: ip.zone,
          device: e.device ?? 'Computer',
          id: e.clientId ?? null,
          ipAddress: ip.ip,
          geographicalContext: geo(ip),
        }
      : { userAgent: null, zone: null, device: null, id: e.clientId ?? null, ipAddress: null, geographicalContext: null },
    device: null,
    authenticationContext: {
      authenticationProvider: e.authProvider ?? null,
      credentialProvider: e.credentialProvider ?? null,
      credentialType: e.credentialType ?? null,
      issuer: null,
      interface: e.interface ?? null,
      authenticationStep: e.authStep ?? 0,
      rootSessionId: e.session?.root ?? e.session?.external ?? 'unknown',
      externalSessionId: e.session?.external ?? 'unknown',
    },
    displayMessage: e.displayMessage,
    eventType: e.eventType,
    outcome: { result: e.result, reason: e.reason ?? null },
    published: isoMs(e.t),
    securityContext: ip
      ? { asNumber: ip.asn, asOrg: ip.org.toLowerCase(), isp: ip.org.toLowerCase(), domain: null, isProxy: false }
      : { asNumber: null, asOrg: null, isp: null, domain: null, isProxy: null },
    severity: e.severity ?? (e.result === 'FAILURE' || e.result === 'DENY' ? 'WARN' : 'INFO'),
    debugContext: { debugData },
    legacyEventType: e.legacyEventType ?? null,
    transaction: { type: e.transactionType ?? 'WEB', id: e.transactionId ?? rng.base62(27), detail: {} },
    uuid: rng.uuid(),
    version: '0',
    request: { ipChain: ip ? [{ ip: ip.ip, geographicalContext: geo(ip), version: 'V4', source: null }] : [] },
    target: e.target ?? null,
  };
}

export function oktaSessionId(rng: Rng): string {
  return `idx${rng.base62(22)}`;
}
