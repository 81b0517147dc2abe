import type { Analytic, Hit } from './types.js';
import { num } from './types.js';
import { USER, ts } from './sql.js';
import { PASSWORD_FAILURE } from './auth-failures.js';
import { fmtClock, fmtDuration, toDate, uniq } from '../engine/format.js';

/**
 * Repeated password failures against one account, and account lockouts. A user who mistypes the
 * password a few times and then gets it right never reaches the threshold; a lockout alone fires
 * low; a success right after a burst fires high.
 */
export const analytic: Analytic = {
  id: 'brute_force',
  title: 'Brute force or lockout of an account',
  severity: 'medium',
  tactics: ['credential-access'],
  techniques: ['T1110', 'T1110.001'],
  description: 'Many failed password attempts for one account within minutes, or a lockout caused from an address the user does not use.',
  triage:
    'Look at the source IPs. One unknown IP with a success at the end: compromise — reset, revoke, review. A lockout ' +
    'from the user\'s own device is usually a stale saved password on a phone or mail client.',
  falsePositives: ['Stale passwords saved in mail clients and phones after a password change', 'Scripts with an expired credential'],
  params: {
    // Microsoft Entra smart lockout: default lockout threshold 10 failed attempts; Okta's default
    // password policy locks after 10 attempts. Reaching the lockout threshold within 10 minutes.
    min_failures: { default: 10, description: 'failed attempts for one account', source: 'Entra smart lockout threshold 10; Okta default lockout 10' },
    window_minutes: { default: 10, description: 'sliding window', source: 'Splunk ESCU brute-force searches: 10-minute spans' },
    success_minutes: { default: 10, description: 'a success this soon after the burst escalates', source: 'Elastic: failures followed by success' },
  },
  contextMinutes: () => 24 * 60,
  async detect(db, win, p) {
    const rows = await db.all<{
      usr: string; tenant_id: string; first_uid: string; first_t: Date; last_t: Date; n: bigint; fails: bigint; locks: bigint; peak: bigint;
      uids: string[]; ips: string[]; top_ip: string | null; app: string | null; succ_uid: string | null; succ_t: Date | null; succ_ip: string | null;
    }>(
      `WITH f AS (
         SELECT e.event_uid AS uid, e.tenant_id, e.event_time AS t, ${USER} AS usr, e.src_ip AS ip, e.app_name AS app,
                coalesce(e.action = 'account_lock' OR e.status_code = '50053', false) AS is_lock
         FROM identity_events e
         -- a lockout is a lockout whatever outcome the IdP wrote (Okta logs user.account.lock as FAILURE LOCKED_OUT)
         WHERE (${PASSWORD_FAILURE} OR e.action = 'account_lock')
           AND e.event_time BETWEEN $ctx::TIMESTAMP AND $to::TIMESTAMP
       ),
       g AS (SELECT *, CASE WHEN t - lag(t) OVER (PARTITION BY usr ORDER BY t, uid) <= to_minutes(CAST($win_m AS INTEGER)) THEN 0 ELSE 1 END AS brk FROM f WHERE usr IS NOT NULL),
       c AS (
         SELECT *, sum(brk) OVER (PARTITION BY usr ORDER BY t, uid ROWS UNBOUNDED PRECEDING) AS cluster,
                count(*) FILTER (WHERE NOT is_lock) OVER (PARTITION BY usr ORDER BY t RANGE BETWEEN CURRENT ROW AND to_minutes(CAST($win_m AS INTEGER)) FOLLOWING) AS in_win
         FROM g
       ),
       bursts AS (
         SELECT usr, any_value(tenant_id) AS tenant_id, arg_min(uid, (t, uid)) AS first_uid, min(t) AS first_t, max(t) AS last_t, count(*) AS n,
                count(*) FILTER (WHERE NOT is_lock) AS fails, count(*) FILTER (WHERE is_lock) AS locks, max(in_win) AS peak,
                list(uid ORDER BY t, uid) AS uids, list(DISTINCT ip) FILTER (WHERE ip IS NOT NULL) AS ips, mode(ip) AS top_ip, mode(app) AS app
         FROM c GROUP BY usr, cluster
         HAVING max(in_win) >= $min_n OR count(*) FILTER (WHERE is_lock) > 0
       )
       SELECT b.*, s.uid AS succ_uid, s.t AS succ_t, s.ip AS succ_ip FROM bursts b
       LEFT JOIN LATERAL (
         SELECT e.event_uid AS uid, e.event_time AS t, e.src_ip AS ip FROM identity_events e
         WHERE e.action = 'logon' AND e.outcome = 'success' AND ${USER} = b.usr
           AND e.event_time > b.first_t AND e.event_time <= b.last_t + to_minutes(CAST($succ_m AS INTEGER)) AND e.event_time <= $to::TIMESTAMP
           AND list_contains(b.ips, e.src_ip) AND b.peak >= $min_n
         ORDER BY e.event_time LIMIT 1) s ON true
       WHERE greatest(b.last_t, coalesce(s.t, b.last_t)) >= $from::TIMESTAMP
         -- a lockout without a burst only matters from an address the user has not signed in from
         -- successfully in the last 30 days (a stale password on the user's own phone locks them out daily)
         AND (b.peak >= $min_n OR EXISTS (
           SELECT 1 FROM unnest(b.ips) AS u(x)
           WHERE NOT EXISTS (
             SELECT 1 FROM identity_events h
             WHERE h.action = 'logon' AND h.outcome = 'success' AND h.src_ip = u.x
               AND idt_user(h.event_class, h.actor_name, h.actor_type, h.target_user_name) = b.usr
               AND h.event_time < b.first_t AND h.event_time >= b.first_t - INTERVAL 30 DAY)))
       ORDER BY b.first_t`,
      { ctx: ts(win.contextFrom), from: ts(win.from), to: ts(win.to), win_m: num(p, 'window_minutes'), min_n: num(p, 'min_failures'), succ_m: num(p, 'success_minutes') },
    );
    return rows.map((r): Hit => {
      const first = toDate(r.first_t);
      const last = toDate(r.last_t);
      const fails = Number(r.fails);
      const locks = Number(r.locks);
      const burst = Number(r.peak) >= num(p, 'min_failures');
      const success = r.succ_uid !== null;
      return {
        groupKey: `${r.usr}|${r.first_uid}`,
        entity: { user: r.usr, ip: r.top_ip, app: r.app },
        tenantId: r.tenant_id,
        firstSeen: first,
        lastSeen: success ? toDate(r.succ_t) : last,
        count: Number(r.n) + (success ? 1 : 0),
        evidence: success ? [...r.uids, r.succ_uid as string] : r.uids,
        explanation:
          `${fails} failed password attempts${locks ? ` and ${locks} lockout(s)` : ''} for ${r.usr} between ${fmtClock(first, true)} and ${fmtClock(last)} UTC ` +
          `(${fmtDuration((last.getTime() - first.getTime()) / 60000)}; peak ${Number(r.peak)} in ${num(p, 'window_minutes')} min, threshold ${num(p, 'min_failures')})` +
          `${r.ips.length ? ` from ${r.ips.slice(0, 5).join(', ')}` : ''}` +
          (success ? `; then a SUCCESSFUL sign-in at ${fmtClock(toDate(r.succ_t))} from ${r.succ_ip}.` : '.'),
        severity: success ? 'high' : burst ? undefined : 'low',
        details: { failures: fails, lockouts: locks, peak: Number(r.peak), succeeded: success, ips: uniq(r.ips) },
      };
    });
  },
};
