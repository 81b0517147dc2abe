import type { Analytic, Hit } from './types.js';
import { num } from './types.js';
import { USER, ts } from './sql.js';
import { fmtClock, fmtDuration, toDate, uniq } from '../engine/format.js';

/**
 * A denied or timed-out MFA prompt, whatever the vendor calls it:
 * - Okta Classic `user.mfa.okta_verify.deny_push` (normalized `mfa_deny`);
 * - Okta Identity Engine `user.authentication.auth_via_mfa` with outcome FAILURE, and Okta Verify
 *   push timeouts (`mfa_verify`/`mfa_challenge` failures);
 * - Entra sign-ins failing with 500121 (strong authentication failed: the user denied the request,
 *   did not respond, or reported fraud);
 * - Google Workspace `login_failure`/`login_challenge` with a failed Google Prompt.
 * Okta can write a `deny_push` and an `auth_via_mfa` FAILURE for the same tap: a denial of another
 * event type within a few seconds of an earlier one for the same user is the same attempt and is not
 * counted twice.
 */
const DENIAL = `(
  e.action = 'mfa_deny'
  OR (e.action IN ('mfa_verify', 'mfa_challenge') AND e.outcome = 'failure')
  OR (e.action = 'logon' AND e.outcome = 'failure' AND (
        e.status_code = '500121'
        OR regexp_matches(lower(coalesce(e.outcome_reason, '')), '(mfa denied|declined|denied the|push.*(reject|deni|timeout|timed out)|fraud|no response|timed out)')))
)`;

export const analytic: Analytic = {
  id: 'mfa_fatigue',
  title: 'MFA fatigue (push bombing)',
  severity: 'medium',
  tactics: ['credential-access'],
  techniques: ['T1621'],
  description:
    'A burst of denied or unanswered MFA prompts for one user: someone who has the password is ' +
    'sending push after push hoping the user accepts one. Escalated to high when a prompt is then accepted.',
  triage:
    'Ask the user (out of band) whether they were signing in. If not — and above all if a push was accepted — ' +
    'the password is known to an attacker: reset it, revoke sessions, move the user to number matching or a ' +
    'phishing-resistant factor, and review sign-ins from the burst IP. A single mis-tap never reaches the threshold.',
  falsePositives: [
    'A user whose device keeps re-sending prompts because of a broken app or clock',
    'A helpdesk test of push delivery',
  ],
  params: {
    // Elastic "Potential MFA push bombing" (Okta): 5 push denials then success within 10 minutes.
    // Sentinel uses > 10 denials in 5 min and Splunk ≥ 10 per 5 min; 5 in 10 catches slower bombers.
    min_denials: { default: 5, description: 'denied/timed-out prompts that make a burst', source: 'Elastic: 5 push denials in 10 min' },
    window_minutes: { default: 10, description: 'sliding window for the count', source: 'Elastic: 10 min' },
    accept_minutes: { default: 10, description: 'an accepted prompt this soon after the burst escalates to high', source: 'Elastic: success within the 10 min window' },
    duplicate_seconds: { default: 5, description: 'denials of different event types this close together are one tap', source: 'Okta logs deny_push and auth_via_mfa FAILURE for one denial' },
  },
  contextMinutes: () => 24 * 60,
  async detect(db, win, p) {
    const windowMin = num(p, 'window_minutes');
    const rows = await db.all<{
      usr: string;
      tenant_id: string;
      first_uid: string;
      first_t: Date;
      last_t: Date;
      n: bigint;
      peak: bigint;
      uids: string[];
      ips: string[];
      top_ip: string | null;
      app: string | null;
      acc_uid: string | null;
      acc_t: Date | null;
      acc_ip: string | null;
    }>(
      `WITH d0 AS (
         SELECT e.event_uid AS uid, e.tenant_id, ${USER} AS usr, e.event_time AS t, e.src_ip AS ip, e.app_name AS app,
                e.action, coalesce(e.native_type, e.action) AS kind
         FROM identity_events e
         WHERE ${DENIAL} AND e.event_time BETWEEN $ctx::TIMESTAMP AND $to::TIMESTAMP
       ),
       d AS (
         SELECT * FROM d0 x
         WHERE x.usr IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM d0 y WHERE y.usr = x.usr AND y.kind <> x.kind
             AND (y.t, y.uid) < (x.t, x.uid) AND epoch(x.t) - epoch(y.t) <= $dup_s)
       ),
       g AS (
         SELECT *, CASE WHEN lag(t) OVER (PARTITION BY usr ORDER BY t, uid) IS NULL
                         OR t - lag(t) OVER (PARTITION BY usr ORDER BY t, uid) > to_minutes(CAST($win_m AS INTEGER))
                   THEN 1 ELSE 0 END AS brk
         FROM d
       ),
       c AS (
         SELECT *, sum(brk) OVER (PARTITION BY usr ORDER BY t, uid ROWS UNBOUNDED PRECEDING) AS cluster,
                count(*) OVER (PARTITION BY usr ORDER BY t RANGE BETWEEN CURRENT ROW AND to_minutes(CAST($win_m AS INTEGER)) FOLLOWING) AS in_win
         FROM g
       ),
       bursts AS (
         SELECT usr, any_value(tenant_id) AS tenant_id, arg_min(uid, (t, uid)) AS first_uid, min(t) AS first_t, max(t) AS last_t,
                count(*) AS n, max(in_win) AS peak, list(uid ORDER BY t, uid) AS uids, list(DISTINCT ip) FILTER (WHERE ip IS NOT NULL) AS ips,
                mode(ip) AS top_ip, mode(app) AS app
         FROM c GROUP BY usr, cluster
         HAVING max(in_win) >= $min_n
       )
       SELECT b.*, a.uid AS acc_uid, a.t AS acc_t, a.ip AS acc_ip
       FROM bursts b
       LEFT JOIN LATERAL (
         SELECT e.event_uid AS uid, e.event_time AS t, e.src_ip AS ip FROM identity_events e
         WHERE ${USER} = b.usr
           AND ((e.action = 'mfa_verify' AND e.outcome = 'success') OR (e.action = 'logon' AND e.outcome = 'success' AND e.mfa_satisfied))
           AND e.event_time > b.first_t AND e.event_time <= b.last_t + to_minutes(CAST($acc_m AS INTEGER))
           AND e.event_time <= $to::TIMESTAMP
         ORDER BY e.event_time, e.event_uid LIMIT 1
       ) a ON true
       WHERE greatest(b.last_t, coalesce(a.t, b.last_t)) >= $from::TIMESTAMP
       ORDER BY b.usr, b.first_t`,
      {
        ctx: ts(win.contextFrom),
        from: ts(win.from),
        to: ts(win.to),
        dup_s: num(p, 'duplicate_seconds'),
        win_m: windowMin,
        min_n: num(p, 'min_denials'),
        acc_m: num(p, 'accept_minutes'),
      },
    );
    return rows.map((r): Hit => {
      const first = toDate(r.first_t);
      const last = toDate(r.last_t);
      const n = Number(r.n);
      const accepted = r.acc_uid !== null;
      const span = (last.getTime() - first.getTime()) / 60000;
      const explanation =
        `${n} denied or unanswered MFA prompts for ${r.usr} between ${fmtClock(first, true)} and ${fmtClock(last)} UTC ` +
        `(${fmtDuration(span)}; peak ${Number(r.peak)} within ${windowMin} min, threshold ${num(p, 'min_denials')})` +
        (r.ips.length ? ` from ${r.ips.slice(0, 5).join(', ')}` : '') +
        (accepted ? `; a prompt was then ACCEPTED at ${fmtClock(toDate(r.acc_t))}${r.acc_ip ? ` from ${r.acc_ip}` : ''}.` : '; no prompt accepted.');
      return {
        groupKey: `${r.usr}|${r.first_uid}`,
        entity: { user: r.usr, ip: r.top_ip, app: r.app },
        tenantId: r.tenant_id,
        firstSeen: first,
        lastSeen: accepted ? toDate(r.acc_t) : last,
        count: n + (accepted ? 1 : 0),
        evidence: accepted ? [...r.uids, r.acc_uid as string] : r.uids,
        explanation,
        severity: accepted ? 'high' : undefined,
        details: { denials: n, peak_in_window: Number(r.peak), accepted, accepted_event_uid: r.acc_uid, ips: uniq(r.ips) },
      };
    });
  },
};
