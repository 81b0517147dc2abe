import type { Analytic, Hit } from './types.js';
import { list, num } from './types.js';
import { INTERACTIVE_SUCCESS, USER, ts } from './sql.js';
import { BORDERING_COUNTRIES, INFLIGHT_AND_RELAY_ASNS, MOBILE_CARRIER_ASNS, MOBILE_CARRIER_ORG_RE } from './network-lists.js';
import { asNumber, fmtClock, fmtDuration, fmtInt, fmtKm, place, toDate, uniq } from '../engine/format.js';

interface HopRow {
  usr: string;
  tenant_id: string;
  uid: string;
  t: Date;
  ip: string;
  asn: bigint | null;
  city: string | null;
  cc: string | null;
  p_uid: string;
  p_t: Date;
  p_ip: string;
  p_asn: bigint | null;
  p_city: string | null;
  p_cc: string | null;
  km: number;
  kmh: number;
  app: string | null;
}

/** The user signed in successfully from this IP or city in the familiar period before the hop began. */
const familiar = (ip: string, city: string, cc: string) => `EXISTS (
  SELECT 1 FROM identity_events h
  WHERE h.action = 'logon' AND h.outcome = 'success' AND coalesce(h.is_interactive, true)
    AND idt_user(h.event_class, h.actor_name, h.actor_type, h.target_user_name) = hops.usr
    AND h.event_time < hops.p_t AND h.event_time >= hops.p_t - to_days(CAST($familiar_days AS INTEGER))
    AND (h.src_ip = hops.${ip} OR (h.geo_city = hops.${city} AND upper(h.geo_country_iso2) = hops.${cc})))`;

/**
 * Consecutive successful interactive sign-ins of one user whose great-circle distance over elapsed
 * time exceeds what an airliner can do. Non-interactive sign-ins (token refreshes, service calls)
 * are left out: their IP is often the resource's, not the user's (Elastic's rule does the same).
 * Before pairing, sign-ins that carry no evidence of the user's location are dropped: missing or
 * private-range geo, anonymising proxies (the IdP's own flag), in-flight Wi-Fi, privacy relay and
 * cloud proxy ASNs, and shared egress IPs used by many users (corporate
 * VPN concentrators and proxies). Mobile carrier sign-ins stay, but a hop within one country onto or
 * off a carrier network is ignored.
 * A hop between two places the user already used in the preceding days (familiar locations) is
 * ignored too.
 */
export const analytic: Analytic = {
  id: 'impossible_travel',
  title: 'Impossible travel between interactive sign-ins',
  severity: 'medium',
  tactics: ['initial-access', 'defense-evasion', 'persistence'],
  techniques: ['T1078', 'T1078.004'],
  description:
    'Two consecutive successful interactive sign-ins of the same user from places so far apart that the ' +
    'implied ground speed exceeds a commercial flight — typically a stolen password or session used from ' +
    "another country while the user works from home.",
  triage:
    'Check both sign-ins: app, device/user agent and MFA method. If the distant one used a new device or ' +
    'browser, a location never seen for this user, or a hosting ASN, treat the account as compromised: ' +
    'revoke sessions, reset credentials and MFA, and review what the distant session accessed. If the user ' +
    'confirms travel or a personal VPN, add a per-user travel exception with an expiry date.',
  falsePositives: [
    'Corporate or personal VPN and cloud proxy egress (add the egress ranges/ASNs to the allowlist)',
    'Mobile carrier gateways geolocating far from the handset',
    'In-flight Wi-Fi and privacy relays',
    'Stale or coarse IP geolocation (country-level only)',
  ],
  params: {
    // Panther's Standard Impossible Travel rule fires above 900 km/h; Okta's velocity check uses 805 km/h
    // and Elastic ≥ 800 km/h. 900 is the least noisy of the three and still below airliner-plus-jetlag
    // combinations that matter.
    speed_kmh: { default: 900, description: 'minimum implied speed', source: 'Panther Standard Impossible Travel: > 900 km/h' },
    // Elastic "Impossible travel" requires ≥ 500 km so that geolocation error between nearby cities
    // does not produce speeds.
    min_distance_km: { default: 500, description: 'minimum great-circle distance', source: 'Elastic: ≥ 500 km' },
    // Half the Earth's circumference (20,037 km) at 900 km/h is 22.3 h: sign-ins further apart in time
    // can never exceed the speed, so the previous sign-in is looked for at most this far back.
    max_gap_hours: { default: 24, description: 'longest gap between the two sign-ins', source: '20,037 km / 900 km/h ≈ 22.3 h' },
    // Microsoft's atypical travel ignores same- and bordering-country pairs; we only ignore them when the
    // hop is short enough to be gateway geolocation error.
    neighbour_max_km: {
      default: 1000,
      description: 'same or bordering-country hops up to this distance are ignored',
      source: 'Microsoft Entra ID Protection atypical travel (same/bordering countries)',
    },
    // An IP used by this many distinct users in the lookback is a shared egress (VPN concentrator,
    // proxy, office NAT), not a user's location.
    shared_egress_min_users: { default: 10, description: 'distinct users that make an IP a shared egress', source: 'deployment heuristic' },
    shared_egress_days: { default: 30, description: 'lookback for the shared-egress count', source: 'deployment heuristic' },
    // Microsoft's atypical-travel detection learns a user's familiar locations and ignores travel between
    // them: a hop whose both ends the user had already used (same IP, or same city) in the preceding
    // days is a user with two places (home and a trip hotel, two offices), not a stolen credential.
    familiar_days: { default: 30, description: 'a place used in this many days before the hop is familiar', source: 'Microsoft Entra ID Protection: familiar locations' },
    skip_asns: {
      default: INFLIGHT_AND_RELAY_ASNS.map(String),
      description: 'ASNs whose sign-ins carry no location evidence (in-flight Wi-Fi, privacy relays, cloud proxies)',
      source: 'Panther skips VPN/private relay/in-flight ASNs',
    },
    // A carrier's gateways geolocate anywhere inside its own country, so a hop onto or off a carrier
    // network within one country is no evidence; a hop to another country still is. (Carriers such as
    // Telefónica/O2 also run fixed-line broadband in the same ASN, so their sign-ins are not dropped.)
    carrier_asns: { default: MOBILE_CARRIER_ASNS.map(String), description: 'mobile carrier ASNs (domestic hops ignored)', source: 'carrier-grade NAT geolocation' },
    carrier_org_regex: { default: MOBILE_CARRIER_ORG_RE, description: 'AS organisation names treated as mobile carriers', source: 'deployment heuristic' },
    bordering_countries: { default: BORDERING_COUNTRIES, description: 'pairs of bordering countries (AA-BB)', source: 'ISO 3166 land borders' },
  },
  // A day bucket is rebuilt whole: read from the start of the run's first day, plus the gap.
  contextMinutes: (p) => num(p, 'max_gap_hours') * 60 + 24 * 60,
  async detect(db, win, p) {
    const rows = await db.all<HopRow>(
      `WITH ev AS (
         SELECT e.event_uid AS uid, e.tenant_id, ${USER} AS usr, e.event_time AS t, e.src_ip AS ip, e.src_asn AS asn,
                e.src_as_org AS org, e.src_is_proxy AS proxy, e.geo_city AS city, upper(e.geo_country_iso2) AS cc,
                e.geo_lat AS lat, e.geo_lon AS lon, e.app_name AS app,
                (coalesce(list_contains(CAST($carrier_asns::JSON AS BIGINT[]), e.src_asn), false)
                 OR regexp_matches(coalesce(e.src_as_org, ''), $carrier_re)) AS carrier
         FROM identity_events e
         WHERE ${INTERACTIVE_SUCCESS} AND e.event_time BETWEEN $ctx::TIMESTAMP AND $to::TIMESTAMP
       ),
       shared AS (
         SELECT e.src_ip AS ip FROM identity_events e
         WHERE ${INTERACTIVE_SUCCESS} AND e.src_ip IS NOT NULL
           AND e.event_time BETWEEN $to::TIMESTAMP - to_days(CAST($shared_days AS INTEGER)) AND $to::TIMESTAMP
         GROUP BY e.src_ip HAVING count(DISTINCT ${USER}) >= $shared_users
       ),
       located AS (
         SELECT * FROM ev
         WHERE usr IS NOT NULL AND lat IS NOT NULL AND lon IS NOT NULL AND NOT (lat = 0 AND lon = 0)
           AND ip IS NOT NULL AND NOT idt_is_private_ip(ip)
           AND NOT coalesce(proxy, false)
           AND NOT coalesce(list_contains(CAST($skip_asns::JSON AS BIGINT[]), asn), false)
           AND ip NOT IN (SELECT ip FROM shared)
       ),
       seq AS (
         SELECT *, lag(uid) OVER w AS p_uid, lag(t) OVER w AS p_t, lag(ip) OVER w AS p_ip, lag(asn) OVER w AS p_asn,
                lag(city) OVER w AS p_city, lag(cc) OVER w AS p_cc, lag(lat) OVER w AS p_lat, lag(lon) OVER w AS p_lon,
                lag(carrier) OVER w AS p_carrier
         FROM located WINDOW w AS (PARTITION BY usr ORDER BY t, uid)
       ),
       hops AS (
         SELECT *, idt_haversine_km(p_lat, p_lon, lat, lon) AS km,
                greatest(epoch(t) - epoch(p_t), 1) AS secs
         FROM seq WHERE p_uid IS NOT NULL AND t - p_t <= to_hours(CAST($gap_h AS INTEGER))
       )
       SELECT usr, tenant_id, uid, t, ip, asn, city, cc, p_uid, p_t, p_ip, p_asn, p_city, p_cc, km,
              km / (secs / 3600.0) AS kmh, app
       FROM hops
       WHERE t >= date_trunc('day', $from::TIMESTAMP) AND km >= $min_km AND km / (secs / 3600.0) > $speed
         AND NOT ((cc = p_cc OR list_contains(CAST($borders::JSON AS VARCHAR[]), least(cc, p_cc) || '-' || greatest(cc, p_cc)))
                  AND km <= $neighbour_km)
         AND NOT ((carrier OR p_carrier) AND cc = p_cc)
         AND NOT (${familiar('ip', 'city', 'cc')} AND ${familiar('p_ip', 'p_city', 'p_cc')})
       ORDER BY usr, t`,
      {
        ctx: ts(win.contextFrom),
        from: ts(win.from),
        to: ts(win.to),
        shared_days: num(p, 'shared_egress_days'),
        shared_users: num(p, 'shared_egress_min_users'),
        skip_asns: JSON.stringify(list(p, 'skip_asns').map(Number)),
        carrier_re: String(p.carrier_org_regex),
        carrier_asns: JSON.stringify(list(p, 'carrier_asns').map(Number)),
        gap_h: num(p, 'max_gap_hours'),
        min_km: num(p, 'min_distance_km'),
        speed: num(p, 'speed_kmh'),
        borders: JSON.stringify(list(p, 'bordering_countries')),
        neighbour_km: num(p, 'neighbour_max_km'),
        familiar_days: num(p, 'familiar_days'),
      },
    );
    // One alert per user per UTC day of arrival: repeated hops of one compromise group together.
    const groups = new Map<string, HopRow[]>();
    for (const r of rows) {
      const key = `${r.usr}|${toDate(r.t).toISOString().slice(0, 10)}`;
      const g = groups.get(key) ?? [];
      g.push(r);
      groups.set(key, g);
    }
    const hits: Hit[] = [];
    for (const [key, hops] of groups) {
      if (toDate(hops[hops.length - 1].t).getTime() < win.from.getTime()) continue;
      const first = hops[0];
      const last = hops[hops.length - 1];
      // The chain of distinct sign-ins, in time order.
      const points = new Map<string, { t: Date; city: string | null; cc: string | null; ip: string; asn: bigint | null }>();
      for (const h of hops) {
        points.set(h.p_uid, { t: toDate(h.p_t), city: h.p_city, cc: h.p_cc, ip: h.p_ip, asn: h.p_asn });
        points.set(h.uid, { t: toDate(h.t), city: h.city, cc: h.cc, ip: h.ip, asn: h.asn });
      }
      const ordered = [...points.entries()].sort((a, b) => a[1].t.getTime() - b[1].t.getTime());
      const multiDay = ordered[0][1].t.toISOString().slice(0, 10) !== ordered[ordered.length - 1][1].t.toISOString().slice(0, 10);
      const chain = ordered.map(([, pt]) => `${place(pt.city, pt.cc)} ${fmtClock(pt.t, multiDay)}`).join(' → ');
      const fastest = hops.reduce((a, b) => (b.kmh > a.kmh ? b : a));
      const minutes = (toDate(fastest.t).getTime() - toDate(fastest.p_t).getTime()) / 60000;
      const explanation =
        `${ordered.length} sign-ins of ${first.usr}: ${chain}; fastest hop ${place(fastest.p_city, fastest.p_cc)} → ` +
        `${place(fastest.city, fastest.cc)}, ${fmtKm(fastest.km)} in ${fmtDuration(minutes)} = ${fmtInt(fastest.kmh)} km/h ` +
        `(threshold ${fmtInt(num(p, 'speed_kmh'))} km/h over ≥ ${fmtKm(num(p, 'min_distance_km'))}).`;
      hits.push({
        groupKey: key,
        entity: { user: first.usr, ip: last.ip, app: last.app },
        tenantId: first.tenant_id,
        firstSeen: ordered[0][1].t,
        lastSeen: ordered[ordered.length - 1][1].t,
        count: ordered.length,
        evidence: ordered.map(([uid]) => uid),
        explanation,
        details: {
          hops: hops.map((h) => ({
            from: { event_uid: h.p_uid, time: toDate(h.p_t).toISOString(), ip: h.p_ip, city: h.p_city, country: h.p_cc },
            to: { event_uid: h.uid, time: toDate(h.t).toISOString(), ip: h.ip, city: h.city, country: h.cc },
            km: Math.round(h.km),
            kmh: Math.round(h.kmh),
          })),
          ips: uniq(ordered.map(([, pt]) => pt.ip)),
          asns: uniq(ordered.map(([, pt]) => pt.asn).filter((a): a is bigint => a !== null).map(asNumber)),
          countries: uniq(ordered.map(([, pt]) => pt.cc).filter((c): c is string => !!c)),
        },
      });
    }
    return hits;
  },
};
