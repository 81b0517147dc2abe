import { hostname } from 'node:os';
import type { Alert } from '../alerts/model.js';
import { tactics, techniques } from './attack.js';
import { formatCef } from './cef.js';
import { scale } from './severity.js';

/**
 * The syslog protocol, RFC 5424:
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG]
 * Header fields are printable US-ASCII without spaces (NILVALUE `-` when empty) with length limits
 * (§6.2); a PARAM-VALUE escapes `"`, `\` and `]` with a backslash (§6.3.3); a UTF-8 MSG starts with the
 * BOM (§6.4). Our SD-ID uses the private enterprise number 32473, which RFC 5612 reserves for
 * documentation and examples; set another with the sink's `sd_id` option.
 */
export interface SyslogMessage {
  facility: number;
  severity: number;
  timestamp: string | null;
  hostname: string | null;
  appName: string | null;
  procId: string | null;
  msgId: string | null;
  structuredData: { id: string; params: [string, string][] }[];
  msg: string | null;
}

export const DEFAULT_SD_ID = 'idtrail@32473';
const BOM = '\uFEFF';

/** RFC 5424 §6.2.1 facility codes by name. */
export const FACILITIES: Record<string, number> = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9, authpriv: 10,
  ftp: 11, ntp: 12, audit: 13, alert: 14, clock: 15, local0: 16, local1: 17, local2: 18, local3: 19, local4: 20,
  local5: 21, local6: 22, local7: 23,
};

function headerField(v: string | null, max: number): string {
  if (!v) return '-';
  const clean = v.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean || '-';
}

export function escapeParamValue(v: string): string {
  return v.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

function sdName(v: string): string {
  return v.replace(/[^\x21-\x7e]|[= \]"]/g, '_').slice(0, 32);
}

export function formatRfc5424(m: SyslogMessage, opts: { bom?: boolean } = {}): string {
  const pri = m.facility * 8 + m.severity;
  const sd = m.structuredData.length
    ? m.structuredData.map((e) => `[${sdName(e.id)}${e.params.map(([k, v]) => ` ${sdName(k)}="${escapeParamValue(v)}"`).join('')}]`).join('')
    : '-';
  const head = `<${pri}>1 ${m.timestamp ?? '-'} ${headerField(m.hostname, 255)} ${headerField(m.appName, 48)} ${headerField(m.procId, 128)} ${headerField(m.msgId, 32)} ${sd}`;
  return m.msg === null ? head : `${head} ${opts.bom ? BOM : ''}${m.msg}`;
}

export interface AlertSyslogOptions {
  format: 'cef' | 'rfc5424';
  facility?: number;
  host?: string;
  appName?: string;
  sdId?: string;
}

/** One alert as one syslog message: CEF in MSG (format cef), or structured data plus text (format rfc5424). */
export function alertToSyslog(a: Alert, o: AlertSyslogOptions): string {
  const host = o.host ?? hostname();
  const base = {
    facility: o.facility ?? FACILITIES.auth,
    severity: scale(a.severity).syslog,
    timestamp: a.created_at,
    hostname: host,
    appName: o.appName ?? 'idtrail',
    procId: String(process.pid),
    msgId: 'alert',
  };
  if (o.format === 'cef') {
    // CEF collectors read the record right after the header: no structured data, no BOM.
    return formatRfc5424({ ...base, structuredData: [], msg: formatCef(a, { host }) });
  }
  const params: [string, string][] = [
    ['alert_id', a.alert_id],
    ['rule_id', a.rule_id],
    ['severity', a.severity],
    ['status', a.status],
    ['first_seen', a.first_seen],
    ['last_seen', a.last_seen],
    ['count', String(a.event_count)],
  ];
  if (a.entity.user) params.push(['user', a.entity.user]);
  if (a.entity.ip) params.push(['ip', a.entity.ip]);
  if (a.entity.app) params.push(['app', a.entity.app]);
  const tech = techniques(a.techniques).map((t) => t.id);
  if (tech.length) params.push(['techniques', tech.join(',')]);
  const tac = tactics(a.tactics).map((t) => t.id);
  if (tac.length) params.push(['tactics', tac.join(',')]);
  return formatRfc5424(
    { ...base, structuredData: [{ id: o.sdId ?? DEFAULT_SD_ID, params }], msg: `${a.rule_title}: ${a.explanation}` },
    { bom: true },
  );
}

/** Parses one RFC 5424 message (without transport framing). Throws on a malformed header. */
export function parseRfc5424(text: string): SyslogMessage {
  const m = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(text);
  if (!m) throw new Error(`not an RFC 5424 message: ${JSON.stringify(text.slice(0, 80))}`);
  const pri = Number(m[1]);
  const nil = (v: string) => (v === '-' ? null : v);
  let i = m[0].length;
  const structuredData: SyslogMessage['structuredData'] = [];
  if (text[i] === '-') {
    i++;
  } else {
    while (text[i] === '[') {
      i++;
      let id = '';
      while (i < text.length && text[i] !== ' ' && text[i] !== ']') id += text[i++];
      const params: [string, string][] = [];
      while (text[i] === ' ') {
        i++;
        let name = '';
        while (i < text.length && text[i] !== '=') name += text[i++];
        if (text[i + 1] !== '"') throw new Error(`bad SD-PARAM ${name} in ${id}`);
        i += 2;
        let value = '';
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\' || text[i + 1] === ']')) i++;
          value += text[i++];
        }
        i++;
        params.push([name, value]);
      }
      if (text[i] !== ']') throw new Error(`unterminated SD-ELEMENT ${id}`);
      i++;
      structuredData.push({ id, params });
    }
  }
  let msg: string | null = null;
  if (text[i] === ' ') {
    msg = text.slice(i + 1);
    if (msg.startsWith(BOM)) msg = msg.slice(1);
  }
  return {
    facility: pri >> 3,
    severity: pri & 7,
    timestamp: nil(m[2]),
    hostname: nil(m[3]),
    appName: nil(m[4]),
    procId: nil(m[5]),
    msgId: nil(m[6]),
    structuredData,
    msg,
  };
}
