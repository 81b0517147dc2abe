import type { Analytic, Hit } from './types.js';
import { num } from './types.js';
import { USER, ts } from './sql.js';
import { fmtClock, fmtDuration, place, toDate } from '../engine/format.js';

/**
 * An MFA factor removed or reset (by the helpdesk or the user), then a new factor enrolled or a
 * successful sign-in from a place the user has not used in the previous weeks — the help-desk social
 * engineering pattern (Okta's August 2023 advisory on super-admin takeovers; Scattered Spider).
 * "New place" = an IP whose country and ASN both never appear in the user's successful sign-ins of
 * the lookback before the reset.
 */
export const analytic: Analytic = {
  id: 'mfa_method_reset_then_used_from_new_place',
  title: 'MFA reset followed by use from a new place',
  severity: 'high',
  tactics: ['persistence', 'credential-access'],
  techniques: ['T1556.006', 'T1098.005'],
  description: 'After an MFA factor was removed or reset, a new factor was enrolled or a sign-in succeeded from a country/network new for the user.',
  triage:
    'Call the user back on a number from the HR record (not the ticket). If they did not request the reset, revoke the new ' +
    'factor and sessions, reset the password, and review the help-desk ticket that led to the reset.',
  falsePositives: ['A user who lost their phone while travelling'],
  params: {
    // Okta's Aug 2023 advisory: factor reset then enrolment/sign-in by the attacker within hours.
    follow_hours: { default: 24, description: 'how long after the reset the use is looked for', source: 'Okta security advisory (Aug 2023) on help-desk MFA resets' },
    // Sentinel "dormant account … then MFA registration" uses 14-day baselines; 30 days covers normal travel patterns.
    history_days: { default: 30, description: 'baseline of places the user signed in from', source: 'Sentinel baseline 14 days, widened to 30' },
  },
  contextMinutes: (p) => num(p, 'follow_hours') * 60,
  async detect(db, win, p) {
    const rows = await db.all<{
      usr: string; tenant_id: string; reset_uid: string; reset_t: Date; reset_action: string; actor: string | null;
      use_uid: string; use_t: Date; use_action: string; ip: string | null; cc: string | null; city: string | null; asn: bigint | null; app: string | null;
    }>(
      `WITH resets AS (
         SELECT e.event_uid AS uid, e.tenant_id, e.event_time AS t, lower(coalesce(e.target_user_name, e.actor_name)) AS usr, e.action, e.actor_name AS actor
         FROM identity_events e
         WHERE e.action IN ('factor_reset', 'factor_remove') AND e.outcome = 'success'
           AND e.event_time BETWEEN $ctx::TIMESTAMP AND $to::TIMESTAMP
       ),
       uses AS (
         SELECT r.usr, r.tenant_id, r.uid AS reset_uid, r.t AS reset_t, r.action AS reset_action, r.actor,
                e.event_uid AS use_uid, e.event_time AS use_t, e.action AS use_action, e.src_ip AS ip, upper(e.geo_country_iso2) AS cc,
                e.geo_city AS city, e.src_asn AS asn, e.app_name AS app,
                row_number() OVER (PARTITION BY r.uid ORDER BY e.event_time, e.event_uid) AS nth
         FROM resets r JOIN identity_events e
           ON ${USER} = r.usr AND e.event_time > r.t AND e.event_time <= r.t + to_hours(CAST($follow_h AS INTEGER))
          AND e.event_time <= $to::TIMESTAMP
          AND ((e.action = 'logon' AND e.outcome = 'success' AND coalesce(e.is_interactive, true)) OR (e.action = 'factor_enroll' AND e.outcome = 'success'))
          AND e.src_ip IS NOT NULL
         WHERE NOT EXISTS (
           SELECT 1 FROM identity_events h
           WHERE h.action = 'logon' AND h.outcome = 'success'
             AND idt_user(h.event_class, h.actor_name, h.actor_type, h.target_user_name) = r.usr
             AND h.event_time < r.t AND h.event_time >= r.t - to_days(CAST($hist_d AS INTEGER))
             AND (h.src_ip = e.src_ip OR upper(h.geo_country_iso2) = upper(e.geo_country_iso2) OR h.src_asn = e.src_asn))
           AND EXISTS (
             SELECT 1 FROM identity_events h
             WHERE h.action = 'logon' AND h.outcome = 'success'
               AND idt_user(h.event_class, h.actor_name, h.actor_type, h.target_user_name) = r.usr
               AND h.event_time < r.t AND h.event_time >= r.t - to_days(CAST($hist_d AS INTEGER)))
       )
       SELECT * EXCLUDE (nth) FROM uses WHERE nth = 1 AND use_t >= $from::TIMESTAMP ORDER BY reset_t`,
      { ctx: ts(win.contextFrom), from: ts(win.from), to: ts(win.to), follow_h: num(p, 'follow_hours'), hist_d: num(p, 'history_days') },
    );
    return rows.map((r): Hit => ({
      groupKey: `${r.usr}|${r.reset_uid}`,
      entity: { user: r.usr, ip: r.ip, app: r.app },
      tenantId: r.tenant_id,
      firstSeen: toDate(r.reset_t),
      lastSeen: toDate(r.use_t),
      count: 2,
      evidence: [r.reset_uid, r.use_uid],
      explanation:
        `${r.reset_action === 'factor_reset' ? 'MFA reset' : 'MFA factor removed'} for ${r.usr} by ${r.actor ?? 'unknown'} at ${fmtClock(toDate(r.reset_t), true)} UTC, ` +
        `then ${r.use_action === 'factor_enroll' ? 'a new factor enrolled' : 'a successful sign-in'} ${fmtDuration((toDate(r.use_t).getTime() - toDate(r.reset_t).getTime()) / 60000)} later ` +
        `from ${r.ip} (${place(r.city, r.cc)}${r.asn !== null ? `, AS${r.asn}` : ''}) — a country and network not seen for this user in the previous ${num(p, 'history_days')} days.`,
      details: { reset_by: r.actor, ips: r.ip ? [r.ip] : [], countries: r.cc ? [r.cc] : [], asns: r.asn !== null ? [Number(r.asn)] : [] },
    }));
  },
};
