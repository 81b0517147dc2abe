import type { Analytic, Hit } from './types.js';
import { list, num } from './types.js';
import { USER, ts } from './sql.js';
import { fmtClock, toDate } from '../engine/format.js';

/**
 * Privileged accounts nobody uses are standing access waiting to be taken over. Two findings:
 * - posture (medium): a holder of a privileged role (latest inventory snapshot: permanent, active or
 *   eligible) with no successful sign-in for ≥ `dormant_days` — from the IdP's own last-sign-in
 *   attribute or our events, whichever is later. New accounts (created < dormant_days ago), disabled
 *   accounts, service accounts and break-glass accounts are excluded; break-glass accounts are
 *   covered by break_glass_signin instead.
 * - event (high): such an account signs in successfully or registers a new MFA method after ≥
 *   `dormant_days` without a successful sign-in (Sentinel's "dormant account → MFA registration →
 *   sign-in" takeover chain).
 * Both findings of one dormancy episode (keyed by the account and its last successful sign-in before
 * it) are one alert: the posture finding is raised first and escalated to high when the account wakes
 * up, whichever run sees which part.
 */
const BG = (loginExpr: string) => `(len(list_filter(CAST($bg::JSON AS VARCHAR[]), lambda pat: lower(${loginExpr}) LIKE pat)) > 0)`;

export const analytic: Analytic = {
  id: 'dormant_privileged_account',
  title: 'Dormant privileged account',
  severity: 'medium',
  tactics: ['persistence', 'privilege-escalation', 'initial-access'],
  techniques: ['T1078', 'T1078.004'],
  description:
    'A privileged role holder has not signed in for a long time (posture finding), or such a dormant account suddenly signs in ' +
    'or registers a new MFA method (high).',
  triage:
    'Posture: remove the role or convert it to an eligible (PIM) assignment; disable the account if its owner left. Event: ' +
    'contact the owner out of band; if they did not sign in, disable the account, remove the new MFA method and review the session.',
  falsePositives: ['Seasonal admins (year-end, audits) — convert them to eligible assignments', 'Accounts whose sign-ins happen in an IdP we do not ingest'],
  params: {
    // CIS Controls v8 safeguard 5.3: disable dormant accounts after 45 days of inactivity. Entra PIM's
    // "stale accounts in a privileged role" access review lets you pick 1–365 days; AWS IAM Access
    // Analyzer flags unused access after 90 days by default.
    dormant_days: { default: 45, description: 'days without a successful sign-in', source: 'CIS Controls v8 5.3: 45 days' },
    // Microsoft's "privileged" flag leaves out roles such as Exchange Administrator that can read every
    // mailbox; an idle holder of any administrator role is worth the posture finding.
    admin_role_regex: { default: '(?i)(administrator|admin\\b|_admin$|owner)', description: 'role names treated as privileged in addition to the inventory flag', source: 'deployment heuristic' },
    break_glass_patterns: {
      default: ['breakglass%', 'break-glass%', 'break_glass%', 'emergency-access%', 'emergencyaccess%'],
      description: 'LIKE patterns of break-glass logins, excluded (break_glass_signin covers them)',
      source: 'Microsoft Entra: emergency access accounts',
    },
  },
  contextMinutes: () => 0,
  async detect(db, win, p) {
    const days = num(p, 'dormant_days');
    const bg = JSON.stringify(list(p, 'break_glass_patterns').map((s) => s.toLowerCase()));
    const holders = `
      latest_ra AS (
        SELECT ra.* FROM role_assignments ra
        WHERE (ra.is_privileged OR regexp_matches(ra.role, $admin_re)) AND ra.snapshot_at = (SELECT max(r2.snapshot_at) FROM role_assignments r2 WHERE r2.source = ra.source AND r2.tenant_id = ra.tenant_id)
          AND (ra.end_at IS NULL OR ra.end_at > ra.snapshot_at)
      ),
      latest_acc AS (
        SELECT a.* FROM accounts a
        WHERE a.snapshot_at = (SELECT max(a2.snapshot_at) FROM accounts a2 WHERE a2.source = a.source AND a2.tenant_id = a.tenant_id)
      ),
      holders AS (
        SELECT a.source, a.tenant_id, a.account_id, lower(coalesce(a.login, a.email)) AS login, lower(a.email) AS email, a.created_at,
               a.last_success_signin_at AS idp_last, max(r.snapshot_at) AS snap, list(DISTINCT r.role ORDER BY r.role) AS roles
        FROM latest_ra r JOIN latest_acc a ON a.source = r.source AND a.tenant_id = r.tenant_id AND a.account_id = r.account_id
        WHERE coalesce(a.enabled, true) AND NOT coalesce(a.is_service, false) AND NOT coalesce(a.is_break_glass, false)
          AND NOT ${BG('coalesce(a.login, a.email, \'\')')}
        GROUP BY ALL
      )`;
    // Posture findings come from inventory snapshots taken in the window (none in most runs).
    const snapInWindow = await db.one(
      'SELECT 1 AS x FROM role_assignments WHERE snapshot_at BETWEEN $from::TIMESTAMP AND $to::TIMESTAMP LIMIT 1',
      { from: ts(win.from), to: ts(win.to) },
    );
    const posture = !snapInWindow ? [] : await db.all<{
      source: string; tenant_id: string; login: string; snap: Date; roles: string[]; last: Date | null; created_at: Date | null; idp_last: Date | null;
    }>(
      `WITH ${holders},
       withlast AS (
         SELECT h.*, greatest(h.idp_last, (SELECT max(e.event_time) FROM identity_events e
                    WHERE e.action = 'logon' AND e.outcome = 'success' AND e.event_time <= h.snap AND ${USER} IN (h.login, h.email))) AS last
         FROM holders h
       )
       SELECT * FROM withlast
       WHERE snap BETWEEN $from::TIMESTAMP AND $to::TIMESTAMP
         AND coalesce(last, created_at, TIMESTAMP '1970-01-01') < snap - to_days(CAST($days AS INTEGER))
         AND (created_at IS NULL OR created_at < snap - to_days(CAST($days AS INTEGER)))
       ORDER BY login`,
      { from: ts(win.from), to: ts(win.to), days, bg, admin_re: String(p.admin_role_regex) },
    );
    const CAND = `((e.action = 'logon' AND e.outcome = 'success' AND coalesce(e.is_interactive, true)) OR (e.action = 'factor_enroll' AND e.outcome = 'success'))`;
    // The activity finding needs a holder's sign-in or enrolment in the window: looked for first, in
    // the window alone, before the holder's whole sign-in history is read.
    const anyCand = await db.one(
      `WITH ${holders}
       SELECT 1 AS x FROM identity_events e JOIN holders h ON ${USER} IN (h.login, h.email)
       WHERE ${CAND} AND e.event_time BETWEEN $from::TIMESTAMP AND $to::TIMESTAMP LIMIT 1`,
      { from: ts(win.from), to: ts(win.to), bg, admin_re: String(p.admin_role_regex) },
    );
    const signins = !anyCand ? [] : await db.all<{
      uid: string; tenant_id: string; t: Date; usr: string; action: string; ip: string | null; cc: string | null; app: string | null; roles: string[];
      prev_event: Date | null; idp_last: Date | null; coverage_from: Date | null;
    }>(
      // prev_event: the holder's latest successful sign-in strictly before the event, as a running
      // maximum over the holder's own history (one pass, not a lookup per event)
      `WITH ${holders},
       keys AS (SELECT login AS k FROM holders UNION SELECT email FROM holders WHERE email IS NOT NULL),
       hist AS (
         SELECT e.event_uid AS uid, e.tenant_id, e.event_time AS t, ${USER} AS usr, e.action, e.src_ip AS ip, upper(e.geo_country_iso2) AS cc,
                e.app_name AS app, e.source, ${CAND} AS is_cand, (e.action = 'logon' AND e.outcome = 'success') AS is_success
         FROM identity_events e
         WHERE ((e.action = 'logon' AND e.outcome = 'success') OR ${CAND}) AND e.event_time <= $to::TIMESTAMP
           AND ${USER} IN (SELECT k FROM keys)
       ),
       prev AS (
         SELECT *, max(CASE WHEN is_success THEN t END) OVER (PARTITION BY usr ORDER BY t RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL 1 MICROSECOND PRECEDING) AS prev_event
         FROM hist
       ),
       coverage AS (SELECT x.source, min(x.event_time) AS coverage_from FROM identity_events x GROUP BY x.source),
       cand AS (
         SELECT p.uid, p.tenant_id, p.t, p.usr, p.action, p.ip, p.cc, p.app, h.roles, h.idp_last, h.created_at, p.source, p.prev_event
         FROM prev p JOIN holders h ON p.usr IN (h.login, h.email)
         WHERE p.is_cand AND p.t BETWEEN $from::TIMESTAMP AND $to::TIMESTAMP
       )
       SELECT c.uid, c.tenant_id, c.t, c.usr, c.action, c.ip, c.cc, c.app, c.roles, c.idp_last, c.created_at, c.source, c.prev_event, cv.coverage_from
       FROM cand c LEFT JOIN coverage cv ON cv.source = c.source
       WHERE (c.created_at IS NULL OR c.created_at < c.t - to_days(CAST($days AS INTEGER)))
       ORDER BY c.t, c.uid`,
      { from: ts(win.from), to: ts(win.to), days, bg, admin_re: String(p.admin_role_regex) },
    );
    const hits: Hit[] = [];
    for (const r of posture) {
      const last = r.last ? toDate(r.last) : null;
      const snap = toDate(r.snap);
      const idle = last ? Math.floor((snap.getTime() - last.getTime()) / 86400000) : null;
      hits.push({
        groupKey: `${r.login}|${last ? last.toISOString() : 'never'}`,
        entity: { user: r.login, ip: null, app: null },
        tenantId: r.tenant_id,
        firstSeen: snap,
        lastSeen: snap,
        count: 1,
        evidence: [],
        explanation:
          `${r.login} holds ${r.roles.join(', ')} (${r.source}) and has ${last ? `not signed in successfully since ${last.toISOString().slice(0, 10)} (${idle} days)` : 'never signed in successfully'} ` +
          `as of the ${snap.toISOString().slice(0, 10)} inventory snapshot; threshold ${days} days.`,
        details: { finding: 'posture', roles: r.roles, last_success_signin_at: last?.toISOString() ?? null, idle_days: idle, snapshot_at: snap.toISOString() },
      });
    }
    const dayMs = 86400000;
    const seen = new Set<string>();
    for (const r of signins) {
      const t = toDate(r.t);
      const prevEvent = r.prev_event ? toDate(r.prev_event) : null;
      const idpLast = r.idp_last ? toDate(r.idp_last) : null;
      // The IdP's last-sign-in attribute is only evidence when it predates this event (a snapshot taken
      // after the event reports the event itself).
      const candidates = [prevEvent, idpLast && idpLast.getTime() < t.getTime() - 60000 ? idpLast : null].filter((d): d is Date => !!d);
      const prev = candidates.length ? new Date(Math.max(...candidates.map((d) => d.getTime()))) : null;
      const coverage = r.coverage_from ? toDate(r.coverage_from) : t;
      let dormant: boolean;
      if (prev) dormant = t.getTime() - prev.getTime() >= days * dayMs;
      // No earlier sign-in anywhere: dormant only if our events reach back far enough to know.
      else dormant = t.getTime() - coverage.getTime() >= days * dayMs;
      if (!dormant) continue;
      const key = `${r.usr}|${prev ? prev.toISOString() : 'never'}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const idle = prev ? Math.floor((t.getTime() - prev.getTime()) / dayMs) : null;
      hits.push({
        groupKey: key,
        entity: { user: r.usr, ip: r.ip, app: r.app },
        tenantId: r.tenant_id,
        firstSeen: t,
        lastSeen: t,
        count: 1,
        evidence: [r.uid],
        explanation:
          `Dormant privileged account ${r.usr} (${r.roles.join(', ')}) ${r.action === 'factor_enroll' ? 'registered a new MFA method' : 'signed in successfully'} at ` +
          `${fmtClock(t, true)} UTC from ${r.ip ?? 'unknown IP'}${r.cc ? ` (${r.cc})` : ''} after ` +
          `${idle !== null ? `${idle} days without a successful sign-in (last ${prev!.toISOString().slice(0, 10)})` : `no successful sign-in since at least ${coverage.toISOString().slice(0, 10)}`}; threshold ${days} days.`,
        severity: 'high',
        details: { finding: 'activity', roles: r.roles, previous_success: prev?.toISOString() ?? null, idle_days: idle, ips: r.ip ? [r.ip] : [], countries: r.cc ? [r.cc] : [] },
      });
    }
    return hits;
  },
};
