import type { Analytic, Hit } from './types.js';
import { list, num } from './types.js';
import { USER, ts } from './sql.js';
import { INFLIGHT_AND_RELAY_ASNS, MOBILE_CARRIER_ASNS } from './network-lists.js';
import { fmtClock, place, toDate, uniq } from '../engine/format.js';

/**
 * One IdP session (Okta `authenticationContext.externalSessionId`, Entra `sessionId`) used from a
 * second network: another country, or another ASN when neither is a mobile carrier. That is a stolen
 * session cookie or refresh token replayed elsewhere (Evilginx-style AiTM). A change of IP inside the
 * same ASN (DHCP, carrier NAT) does not fire.
 */
export const analytic: Analytic = {
  id: 'session_replay',
  title: 'Session used from a second network (session/token replay)',
  severity: 'high',
  tactics: ['credential-access', 'defense-evasion', 'lateral-movement'],
  techniques: ['T1550.004', 'T1539'],
  description: 'The same IdP session id appears from a different country or autonomous system than the one that created it.',
  triage:
    'Compare user agents and device ids of the two networks. A new network with a different browser and no new ' +
    'sign-in is a replayed cookie/token: revoke all sessions and refresh tokens, reset the password, look for AiTM phishing.',
  falsePositives: ['Users switching between home broadband and a corporate VPN mid-session (allowlist the VPN)', 'Split-tunnel VPNs'],
  params: {
    carrier_asns: { default: MOBILE_CARRIER_ASNS.map(String), description: 'ASN changes involving these do not count (handset roaming)', source: 'carrier NAT pools change ASN mid-session' },
    // A session that moves onto or off a corporate VPN / cloud proxy (Zscaler, Netskope) or a shared
    // egress IP is the user connecting the VPN, not a replay.
    proxy_asns: { default: INFLIGHT_AND_RELAY_ASNS.map(String), description: 'proxy/VPN/relay ASNs whose events are ignored', source: 'SSE/VPN egress changes ASN mid-session' },
    shared_egress_min_users: { default: 10, description: 'distinct users that make an IP a shared egress (ignored)', source: 'deployment heuristic' },
    max_session_hours: { default: 24, description: 'how far back a session\'s first network is looked for', source: 'Okta/Entra default max session lifetime order of magnitude' },
  },
  contextMinutes: (p) => num(p, 'max_session_hours') * 60,
  async detect(db, win, p) {
    const rows = await db.all<{
      sid: string; tenant_id: string; usr: string | null; first_uid: string; first_t: Date; first_ip: string; first_asn: bigint | null;
      first_cc: string | null; first_city: string | null; uid: string; t: Date; ip: string; asn: bigint | null; cc: string | null; city: string | null; app: string | null;
    }>(
      `WITH s AS (
         SELECT e.event_uid AS uid, e.tenant_id, e.event_time AS t, e.session_id AS sid, ${USER} AS usr, e.src_ip AS ip, e.src_asn AS asn,
                upper(e.geo_country_iso2) AS cc, e.geo_city AS city, e.app_name AS app
         FROM identity_events e
         -- Okta writes the placeholder "unknown" when an event has no session
        WHERE e.session_id IS NOT NULL AND lower(e.session_id) NOT IN ('', 'unknown', 'null', '-') AND e.src_ip IS NOT NULL AND e.outcome <> 'failure'
           AND NOT idt_is_private_ip(e.src_ip) AND NOT coalesce(e.src_is_proxy, false)
           AND NOT coalesce(list_contains(CAST($proxies::JSON AS BIGINT[]), e.src_asn), false)
           AND e.event_time BETWEEN $ctx::TIMESTAMP AND $to::TIMESTAMP
           AND e.src_ip NOT IN (
             SELECT x.src_ip FROM identity_events x
             WHERE x.action = 'logon' AND x.outcome = 'success' AND x.src_ip IS NOT NULL
               AND x.event_time BETWEEN $to::TIMESTAMP - INTERVAL 30 DAY AND $to::TIMESTAMP
             GROUP BY x.src_ip HAVING count(DISTINCT idt_user(x.event_class, x.actor_name, x.actor_type, x.target_user_name)) >= $shared_users)
       ),
       firsts AS (SELECT sid, arg_min(uid, (t, uid)) AS first_uid FROM s GROUP BY sid),
       f AS (SELECT s.* FROM s JOIN firsts USING (sid) WHERE s.uid = firsts.first_uid),
       moved AS (
         SELECT x.*, f.uid AS first_uid, f.t AS first_t, f.ip AS first_ip, f.asn AS first_asn, f.cc AS first_cc, f.city AS first_city
         FROM s x JOIN f USING (sid)
         WHERE x.uid <> f.uid AND (
           (x.cc IS NOT NULL AND f.cc IS NOT NULL AND x.cc <> f.cc)
           OR (x.asn IS NOT NULL AND f.asn IS NOT NULL AND x.asn <> f.asn
               AND NOT list_contains(CAST($carriers::JSON AS BIGINT[]), x.asn) AND NOT list_contains(CAST($carriers::JSON AS BIGINT[]), f.asn)))
       )
       SELECT * FROM moved WHERE sid IN (SELECT sid FROM moved WHERE t >= $from::TIMESTAMP) ORDER BY sid, t, uid`,
      {
        ctx: ts(win.contextFrom), from: ts(win.from), to: ts(win.to), carriers: JSON.stringify(list(p, 'carrier_asns').map(Number)),
        proxies: JSON.stringify(list(p, 'proxy_asns').map(Number)), shared_users: num(p, 'shared_egress_min_users'),
      },
    );
    const bySid = new Map<string, typeof rows>();
    for (const r of rows) bySid.set(r.sid, [...(bySid.get(r.sid) ?? []), r]);
    const hits: Hit[] = [];
    for (const [sid, g] of bySid) {
      const f = g[0];
      const second = g[0];
      const ips = uniq([f.first_ip, ...g.map((r) => r.ip)]);
      const asns = uniq([f.first_asn, ...g.map((r) => r.asn)].filter((a): a is bigint => a !== null).map(Number));
      const countries = uniq([f.first_cc, ...g.map((r) => r.cc)].filter((c): c is string => !!c));
      hits.push({
        groupKey: `${sid}`,
        entity: { user: f.usr, ip: second.ip, app: second.app },
        tenantId: f.tenant_id,
        firstSeen: toDate(f.first_t),
        lastSeen: toDate(g[g.length - 1].t),
        count: g.length + 1,
        evidence: [f.first_uid, ...g.map((r) => r.uid)],
        explanation:
          `Session ${sid.length > 16 ? `${sid.slice(0, 16)}…` : sid} of ${f.usr ?? 'unknown user'} started at ${fmtClock(toDate(f.first_t), true)} UTC from ` +
          `${f.first_ip} (${place(f.first_city, f.first_cc)}${f.first_asn !== null ? `, AS${f.first_asn}` : ''}) and was used at ${fmtClock(toDate(second.t))} from ` +
          `${second.ip} (${place(second.city, second.cc)}${second.asn !== null ? `, AS${second.asn}` : ''}): ${countries.length} countries, ${asns.length} ASNs, ` +
          `${g.length} event(s) from the second network.`,
        details: { session_id: sid, ips, asns, countries },
      });
    }
    return hits;
  },
};
