import { hostname } from 'node:os';
import { isIP } from 'node:net';
import type { Alert } from '../alerts/model.js';
import { tactics, techniques } from './attack.js';
import { PRODUCT_VERSION } from './ecs.js';
import { scale } from './severity.js';

/**
 * ArcSight Common Event Format (CEF:0), per "Implementing ArcSight CEF":
 *   CEF:Version|Device Vendor|Device Product|Device Version|Device Event Class ID|Name|Severity|Extension
 * Header fields escape `\` as `\\` and `|` as `\|`. Extension values escape `\` as `\\` and `=` as `\=`,
 * and carry line breaks as the two characters `\n` (or `\r`); a pipe needs no escape there. A header
 * field cannot hold a line break, so one becomes a space. Keys follow the CEF dictionary: `externalId`
 * is the stable alert id (≤ 40 characters), `rt`/`start`/`end` are epoch milliseconds, `src` is an IPv4
 * address and `c6a2` an IPv6 one.
 */
export interface CefEvent {
  version: number;
  deviceVendor: string;
  deviceProduct: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  extensions: Record<string, string>;
}

export function escapeHeader(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, ' ');
}

export function escapeExtension(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r\n/g, '\\r\\n').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const KEY_RE = /^[A-Za-z0-9_]+$/;

export function formatCefEvent(e: CefEvent): string {
  const header = [
    `CEF:${e.version}`,
    escapeHeader(e.deviceVendor),
    escapeHeader(e.deviceProduct),
    escapeHeader(e.deviceVersion),
    escapeHeader(e.signatureId),
    escapeHeader(e.name),
    escapeHeader(e.severity),
  ].join('|');
  const ext = Object.entries(e.extensions)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => {
      if (!KEY_RE.test(k)) throw new Error(`CEF extension key ${JSON.stringify(k)} is not alphanumeric`);
      return `${k}=${escapeExtension(v)}`;
    })
    .join(' ');
  return `${header}|${ext}`;
}

/** The CEF extension of an alert; custom string fields carry what the dictionary has no key for. */
export function alertToCefEvent(a: Alert, opts: { host?: string } = {}): CefEvent {
  const ext: Record<string, string> = {
    externalId: a.alert_id,
    rt: String(Date.parse(a.created_at)),
    start: String(Date.parse(a.first_seen)),
    end: String(Date.parse(a.last_seen)),
    cnt: String(a.event_count),
    msg: a.explanation,
    cat: tactics(a.tactics).map((t) => t.name).join(', '),
    dvchost: opts.host ?? hostname(),
  };
  if (a.entity.user) ext.suser = a.entity.user;
  const ip = a.entity.ip ?? '';
  if (isIP(ip) === 4) ext.src = ip;
  else if (isIP(ip) === 6) Object.assign(ext, { c6a2: ip, c6a2Label: 'Source IPv6 Address' });
  const custom: [string, string][] = [
    ['attackTechniques', techniques(a.techniques).map((t) => t.id).join(',')],
    ['attackTactics', tactics(a.tactics).map((t) => t.id).join(',')],
    ['entityApp', a.entity.app ?? ''],
    ['tenantId', a.tenant_id ?? ''],
    ['evidenceEventIds', a.evidence_event_ids.join(',')],
    ['alertStatus', a.status],
  ];
  custom.forEach(([label, value], i) => {
    if (value) Object.assign(ext, { [`cs${i + 1}`]: value, [`cs${i + 1}Label`]: label });
  });
  return {
    version: 0,
    deviceVendor: 'idtrail',
    deviceProduct: 'idtrail',
    deviceVersion: PRODUCT_VERSION,
    signatureId: a.rule_id,
    name: a.rule_title,
    severity: String(scale(a.severity).cef),
    extensions: ext,
  };
}

export function formatCef(a: Alert, opts: { host?: string } = {}): string {
  return formatCefEvent(alertToCefEvent(a, opts));
}

function unescapeExtension(v: string): string {
  return v.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/**
 * Parses a CEF record (anything before `CEF:` — a syslog header — is skipped). Returns null when the
 * text holds no CEF record. Extension values end where the next unescaped ` key=` begins.
 */
export function parseCef(text: string): CefEvent | null {
  const start = text.indexOf('CEF:');
  if (start < 0) return null;
  const s = text.slice(start).replace(/\r?\n$/, '');
  const header: string[] = [];
  let cur = '';
  let i = 0;
  for (; i < s.length && header.length < 7; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length && (s[i + 1] === '|' || s[i + 1] === '\\')) {
      cur += s[++i];
    } else if (c === '|') {
      header.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  if (header.length < 7) return null;
  const ext = s.slice(i);
  const extensions: Record<string, string> = {};
  const keyRe = /(?:^|\s)([A-Za-z0-9_.[\]-]+)=/g;
  const keys: { key: string; start: number; valueStart: number }[] = [];
  for (let m = keyRe.exec(ext); m; m = keyRe.exec(ext)) {
    // an `=` preceded by a backslash is part of a value, never a key separator
    const eq = m.index + m[0].length - 1;
    if (eq > 0 && ext[eq - 1] === '\\') continue;
    keys.push({ key: m[1], start: m.index, valueStart: m.index + m[0].length });
  }
  keys.forEach((k, n) => {
    const end = n + 1 < keys.length ? keys[n + 1].start : ext.length;
    extensions[k.key] = unescapeExtension(ext.slice(k.valueStart, end));
  });
  return {
    version: Number(header[0].replace(/^CEF:/, '')),
    deviceVendor: header[1],
    deviceProduct: header[2],
    deviceVersion: header[3],
    signatureId: header[4],
    name: header[5],
    severity: header[6],
    extensions,
  };
}

/** Pairs `csN`/`csNLabel` back into label → value. */
export function cefCustomStrings(e: CefEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; i <= 6; i++) {
    const label = e.extensions[`cs${i}Label`];
    if (label !== undefined && e.extensions[`cs${i}`] !== undefined) out[label] = e.extensions[`cs${i}`];
  }
  return out;
}
