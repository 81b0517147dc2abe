import type { Analytic, Hit } from './types.js';
import { num } from './types.js';
import { USER, ts } from './sql.js';
import { PASSWORD_FAILURE } from './auth-failures.js';
import { fmtClock, fmtDuration, toDate, uniq } from '../engine/format.js';

/**
 * Many different accounts failing their password from one IP: one or two passwords tried against
 * the whole directory, slowly enough to stay under each account's lockout. Counted over a sliding
 * window of event time; successes from the same IP during or after the spray escalate to high.
 */
export const analytic: Analytic = {
  id: 'password_spray',
  title: 'Password spray from one IP',
  severity: 'medium',
  tactics: ['credential-access'],
  techniques: ['T1110.003'],
  description: 'Failed password sign-ins for many distinct accounts from a single source IP within a short window.',
  triage:
    'Block the IP (or its ASN if hosting) at the IdP network zone. Check every account with a success from that IP ' +
    'in or after the window — those passwords are known: reset them and revoke sessions.',
  falsePositives: ['Shared egress with many users whose saved passwords just expired', 'Misconfigured SSO connectors retrying a service credential for many users'],
  params: {
    // Splunk ESCU "Okta Multiple Users Failing To Authenticate From Ip": > 9 unique accounts from one IP
    // (5-minute buckets). We slide a 60-minute window so a low-and-slow spray is still seen.
    min_users: { default: 10, description: 'distinct accounts failing from one IP', source: 'Splunk ESCU: > 9 unique accounts per IP' },
    window_minutes: { default: 60, description: 'sliding window', source: 'Splunk ESCU 5-min buckets, widened for low-and-slow sprays' },
    success_minutes: { default: 60, description: 'a success from the IP this soon after the spray escalates', source: 'deployment heuristic' },
  },
  contextMinutes: () => 24 * 60,
  async detect(db, win, p) {
    const rows = await db.all<{
      ip: string; tenant_id: string; first_uid: string; first_t: Date; last_t: Date; n: bigint; users: string[]; uids: string[];
      peak: bigint; succ_users: string[] | null; succ_uids: string[] | null; cc: string | null; asn: bigint | null;
    }>(
      `WITH f AS (
         SELECT e.event_uid AS uid, e.tenant_id, e.event_time AS t, e.src_ip AS ip, ${USER} AS usr, upper(e.geo_country_iso2) AS cc, e.src_asn AS asn
         FROM identity_events e
         WHERE ${PASSWORD_FAILURE} AND e.src_ip IS NOT NULL AND e.event_time BETWEEN $ctx::TIMESTAMP AND $to::TIMESTAMP
       ),
       g AS (
         SELECT *, CASE WHEN t - lag(t) OVER (PARTITION BY ip ORDER BY t, uid) <= to_minutes(CAST($win_m AS INTEGER)) THEN 0 ELSE 1 END AS brk FROM f
       ),
       c AS (SELECT *, sum(brk) OVER (PARTITION BY ip ORDER BY t, uid ROWS UNBOUNDED PRECEDING) AS cluster FROM g),
       peaks AS (
         SELECT a.ip, a.cluster, max(n_users) AS peak FROM (
           SELECT a.ip, a.cluster, a.uid, count(DISTINCT b.usr) AS n_users
           FROM c a JOIN c b ON b.ip = a.ip AND b.cluster = a.cluster AND b.t >= a.t AND b.t <= a.t + to_minutes(CAST($win_m AS INTEGER))
           GROUP BY a.ip, a.cluster, a.uid) a
         GROUP BY a.ip, a.cluster HAVING max(n_users) >= $min_users
       ),
       sprays AS (
         SELECT c.ip, c.cluster, any_value(c.tenant_id) AS tenant_id, arg_min(c.uid, (c.t, c.uid)) AS first_uid, min(c.t) AS first_t, max(c.t) AS last_t,
                count(*) AS n, list(DISTINCT c.usr) AS users, list(c.uid ORDER BY c.t, c.uid) AS uids, any_value(p.peak) AS peak,
                mode(c.cc) AS cc, mode(c.asn) AS asn
         FROM c JOIN peaks p USING (ip, cluster) GROUP BY c.ip, c.cluster
       )
       SELECT s.*, (SELECT list(DISTINCT ${USER}) FROM identity_events e WHERE e.action = 'logon' AND e.outcome = 'success' AND e.src_ip = s.ip
                      AND e.event_time BETWEEN s.first_t AND s.last_t + to_minutes(CAST($succ_m AS INTEGER)) AND e.event_time <= $to::TIMESTAMP) AS succ_users,
                   (SELECT list(e.event_uid ORDER BY e.event_time) FROM identity_events e WHERE e.action = 'logon' AND e.outcome = 'success' AND e.src_ip = s.ip
                      AND e.event_time BETWEEN s.first_t AND s.last_t + to_minutes(CAST($succ_m AS INTEGER)) AND e.event_time <= $to::TIMESTAMP) AS succ_uids
       FROM sprays s WHERE s.last_t >= $from::TIMESTAMP ORDER BY s.first_t`,
      {
        ctx: ts(win.contextFrom), from: ts(win.from), to: ts(win.to),
        win_m: num(p, 'window_minutes'), min_users: num(p, 'min_users'), succ_m: num(p, 'success_minutes'),
      },
    );
    return rows.map((r): Hit => {
      const users = (r.users ?? []).filter(Boolean);
      const succ = uniq((r.succ_users ?? []).filter(Boolean));
      const first = toDate(r.first_t);
      const last = toDate(r.last_t);
      return {
        groupKey: `${r.ip}|${r.first_uid}`,
        entity: { user: succ.length === 1 ? succ[0] : null, ip: r.ip, app: null },
        tenantId: r.tenant_id,
        firstSeen: first,
        lastSeen: last,
        count: Number(r.n),
        evidence: [...r.uids, ...(r.succ_uids ?? [])],
        explanation:
          `${Number(r.n)} failed password sign-ins for ${users.length} distinct accounts from ${r.ip}${r.cc ? ` (${r.cc}` + (r.asn !== null ? `, AS${r.asn})` : ')') : ''} ` +
          `between ${fmtClock(first, true)} and ${fmtClock(last)} UTC (${fmtDuration((last.getTime() - first.getTime()) / 60000)}; peak ${Number(r.peak)} accounts ` +
          `in ${num(p, 'window_minutes')} min, threshold ${num(p, 'min_users')})` +
          (succ.length ? `; ${succ.length} account(s) then signed in successfully from the same IP: ${succ.slice(0, 5).join(', ')}.` : '; no success from this IP.'),
        severity: succ.length ? 'high' : undefined,
        details: { accounts: users.slice(0, 200), distinct_accounts: users.length, peak: Number(r.peak), compromised: succ, ips: [r.ip], asns: r.asn !== null ? [Number(r.asn)] : [] },
      };
    });
  },
};
