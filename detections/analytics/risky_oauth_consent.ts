import type { Analytic, Hit } from './types.js';
import { list } from './types.js';
import { USER, ts } from './sql.js';
import { ident } from '../../store/duckdb/db.js';
import { fmtClock, toDate } from '../engine/format.js';

/**
 * OAuth consent that hands an unknown application durable access to a user's data or the tenant:
 * Entra "Consent to application" (ConsentAction.Permissions, ConsentContext.IsAdminConsent,
 * AllPrincipals for tenant-wide grants), Google Workspace `token` `authorize`, Okta
 * `app.oauth2.as.consent.grant`. Fires on the first consent of a user–app pair when the app is not
 * known and either the scopes are high-risk or the grant is tenant-wide.
 */

// Scopes that are high-risk on their own (tenant takeover, mailbox-wide, directory write), from
// Sentinel's "Suspicious application consent" hunting content and Microsoft's illicit consent grant
// playbook; Google equivalents from the Workspace "high-risk scopes" list.
const ALWAYS_RISKY = [
  'full_access_as_app', 'full_access_as_user', 'directory.readwrite.all', 'rolemanagement.readwrite.directory',
  'application.readwrite.all', 'approleassignment.readwrite.all', 'ews.accessasuser.all', 'mail.send',
  'mailboxsettings.readwrite', 'user.readwrite.all', 'group.readwrite.all', 'files.readwrite.all', 'sites.fullcontrol.all',
  'https://mail.google.com/', 'https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.send', 'https://www.googleapis.com/auth/drive', 'https://www.googleapis.com/auth/cloud-platform',
  'https://www.googleapis.com/auth/admin.directory.user', 'https://www.googleapis.com/auth/admin.directory.group',
];
// Sentinel: offline_access together with Mail/Files/Chat/Notes/Sites scopes for an unknown app.
const DATA_SCOPE_RE = /^(mail|files|chat|notes|sites|calendars|contacts|channelmessage)\./i;

/**
 * The application's client id as the raw record gives it. Entra's "Consent to application" names
 * the service principal object in its target; the application (client) id sits in key/value pairs
 * (`additionalDetails` AppId, `modifiedProperties` TargetId.ServicePrincipalNames), as does Google's
 * `client_id` parameter. The known-apps list is written in client ids, so they are read from there.
 */
const APP_ID_KEYS = new Set(['appid', 'targetid.serviceprincipalnames', 'client_id', 'clientid']);
function appIdsInRaw(raw: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
    const o = v as Record<string, unknown>;
    const key = [o.key, o.displayName, o.name].find((k): k is string => typeof k === 'string');
    if (key && APP_ID_KEYS.has(key.toLowerCase())) {
      for (const f of ['value', 'newValue']) {
        const val = o[f];
        if (typeof val !== 'string' || !val) continue;
        let text = val;
        try {
          const j = JSON.parse(val) as unknown;
          text = Array.isArray(j) ? j.join(';') : String(j);
        } catch {
          /* plain text */
        }
        for (const part of text.split(/[;,\s]+/)) if (part) out.add(part.toLowerCase());
      }
    }
    Object.values(o).forEach((x) => walk(x, depth + 1));
  };
  walk(raw, 0);
  return [...out];
}

function riskyScopes(scopes: string[], alwaysRisky: Set<string>): string[] {
  const low = scopes.map((s) => s.trim()).filter(Boolean);
  const hasOffline = low.some((s) => s.toLowerCase() === 'offline_access');
  // Google issues refresh tokens for every authorize: offline is implicit there.
  const googleLike = low.some((s) => s.startsWith('https://'));
  return low.filter((s) => alwaysRisky.has(s.toLowerCase()) || ((hasOffline || googleLike) && DATA_SCOPE_RE.test(s)));
}

export const analytic: Analytic = {
  id: 'risky_oauth_consent',
  title: 'Risky OAuth consent to an unknown application',
  severity: 'high',
  tactics: ['credential-access', 'persistence'],
  techniques: ['T1528'],
  description:
    'A user (or admin, tenant-wide) consented to an application that is not on the known-apps list, granting high-risk ' +
    'scopes such as offline_access with Mail/Files/Chat, full_access_as_app or Directory.ReadWrite.All — the illicit ' +
    'consent grant used to keep access without a password.',
  triage:
    'Look up the app (publisher, verified status, reply URLs, creation date). If unknown: revoke the grant and the ' +
    'service principal\'s tokens, disable the app, and review mail/file access by it. If sanctioned, add it to the known apps.',
  falsePositives: ['New SaaS tools adopted by a team before IT lists them (add to known_apps or the app allowlist)'],
  params: {
    // Microsoft first-party and common sanctioned apps; extend per tenant.
    // Microsoft first-party application ids (they appear as "Microsoft Services" apps in every tenant).
    // Third-party apps the organisation has sanctioned are tenant configuration: add them here or as an
    // allowlist entry of kind app.
    known_apps: {
      default: [
        '00000003-0000-0000-c000-000000000000', // Microsoft Graph
        '14d82eec-204b-4c2f-b7e8-296a70dab67e', // Microsoft Graph Command Line Tools
        'de8bc8b5-d9f9-48b1-a8ad-b748da725064', // Graph Explorer
        '04b07795-8ddb-461a-bbee-02f9e1bf7b46', // Microsoft Azure CLI
        '1950a258-227b-4e31-a9cf-717495945fc2', // Microsoft Azure PowerShell
        '1fec8e78-bce4-4aaf-ab1b-5451cc387264', // Microsoft Teams
        'd3590ed6-52b3-4102-aeff-aad2292ab01c', // Microsoft Office
        '4765445b-32c6-49b0-83e6-1d93765276ca', // OfficeHome
        '00000002-0000-0ff1-ce00-000000000000', // Office 365 Exchange Online
        '00000003-0000-0ff1-ce00-000000000000', // Office 365 SharePoint Online
        'ab9b8c07-8f02-4f72-87fa-80105867a763', // OneDrive SyncEngine
        'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', // Azure Portal
        '29d9ed98-a469-4536-ade2-f981bc1d605e', // Microsoft Authentication Broker
        '38aa3b87-a06d-4817-b275-7a316988d93b', // Windows Sign In
        '2793995e-0a7d-40d7-bd35-6968ba142197', // My Apps
        '27922004-5251-4030-b22d-91ecd9a37ea4', // Outlook Mobile
      ],
      description: 'application ids (or exact names) that never alert',
      source: 'Microsoft first-party application ids (learn.microsoft.com: verify first-party Microsoft applications in sign-in reports)',
    },
    always_risky_scopes: { default: ALWAYS_RISKY, description: 'scopes risky on their own', source: 'Sentinel "Suspicious application consent"; Microsoft illicit consent grant playbook' },
  },
  contextMinutes: () => 0,
  async detect(db, win, p) {
    const rows = await db.all<{
      uid: string; tenant_id: string; t: Date; usr: string | null; ip: string | null; app: string | null; app_id: string | null;
      scopes: string[] | null; is_admin: boolean | null; all_users: boolean | null; native_type: string | null; raw_table: string; raw_uid: string;
    }>(
      `WITH c AS (
         SELECT e.event_uid AS uid, e.tenant_id, e.event_time AS t, lower(coalesce(e.actor_name, ${USER})) AS usr, e.src_ip AS ip,
                coalesce(e.app_name, e.target_resource_name) AS app, coalesce(e.app_id, e.target_resource_id) AS app_id,
                e.consent_scopes AS scopes, e.consent_is_admin AS is_admin, e.consent_all_users AS all_users, e.native_type,
                e.correlation_id, e.raw_table, e.raw_uid
         FROM identity_events e
         WHERE e.action = 'consent_grant' AND e.outcome = 'success'
       ),
       -- One consent writes several audit events (Entra: "Consent to application", "Add delegated
       -- permission grant", "Add app role assignment grant to user") under one correlation id.
       ops AS (
         SELECT * EXCLUDE (op_nth) FROM (
           SELECT *, row_number() OVER (PARTITION BY coalesce(correlation_id, uid)
                                        ORDER BY (native_type = 'Consent to application') DESC, t, uid) AS op_nth FROM c)
         WHERE op_nth = 1
       ),
       firsts AS (
         SELECT *, row_number() OVER (PARTITION BY usr, lower(coalesce(app, app_id)) ORDER BY t, uid) AS nth FROM ops
       )
       SELECT * EXCLUDE (nth, correlation_id) FROM firsts
       WHERE nth = 1 AND t BETWEEN $from::TIMESTAMP AND $to::TIMESTAMP
         AND NOT list_contains(CAST($known::JSON AS VARCHAR[]), lower(coalesce(app, '')))
         AND NOT list_contains(CAST($known::JSON AS VARCHAR[]), lower(coalesce(app_id, '')))
       ORDER BY t, uid`,
      { from: ts(win.from), to: ts(win.to), known: JSON.stringify(list(p, 'known_apps').map((s) => s.toLowerCase())) },
    );
    const always = new Set(list(p, 'always_risky_scopes').map((s) => s.toLowerCase()));
    const known = new Set(list(p, 'known_apps').map((s) => s.toLowerCase()));
    const hits: Hit[] = [];
    for (const r of rows) {
      let clientIds: string[] = [];
      // raw_table comes from our own stream registry (raw_<stream>); checked before use as an identifier
      if (/^raw_[a-z0-9_]+$/.test(r.raw_table)) {
        const raw = await db.one<{ j: string }>(`SELECT CAST(_json AS VARCHAR) AS j FROM ${ident(r.raw_table)} WHERE _uid = $1`, [r.raw_uid]).catch(() => undefined);
        if (raw?.j) clientIds = appIdsInRaw(JSON.parse(raw.j));
      }
      if (clientIds.some((id) => known.has(id))) continue;
      const scopes = r.scopes ?? [];
      const risky = riskyScopes(scopes, always);
      const tenantWide = r.all_users === true;
      const severe = risky.some((x) => always.has(x.toLowerCase()));
      // A user's own consent with risky scopes; an admin's only when tenant-wide or with scopes that are
      // risky on their own (application permissions such as full_access_as_app are tenant-wide by nature).
      if (!tenantWide && !(risky.length > 0 && (r.is_admin !== true || severe))) continue;
      const who = r.usr ?? 'unknown user';
      const why = [
        risky.length ? `high-risk scopes ${risky.join(', ')}` : null,
        tenantWide ? 'a tenant-wide (all users) grant' : null,
      ].filter(Boolean).join(' and ');
      hits.push({
        groupKey: `${who}|${(r.app ?? r.app_id ?? 'unknown').toLowerCase()}`,
        entity: { user: r.usr, ip: r.ip, app: r.app ?? r.app_id },
        tenantId: r.tenant_id,
        firstSeen: toDate(r.t),
        lastSeen: toDate(r.t),
        count: 1,
        evidence: [r.uid],
        explanation:
          `${who} ${r.is_admin ? 'gave admin consent' : 'consented'} to ${r.app ?? r.app_id ?? 'an unknown app'} at ${fmtClock(toDate(r.t), true)} UTC: ` +
          `${why}; first consent of this user to this app, and the app is not on the known-apps list (${scopes.length} scopes granted).`,
        severity: tenantWide || severe ? 'high' : 'medium',
        details: { scopes, risky_scopes: risky, tenant_wide: tenantWide, admin_consent: r.is_admin, app_id: r.app_id, client_ids: clientIds, apps: [r.app, r.app_id, ...clientIds].filter(Boolean) as string[], ips: r.ip ? [r.ip] : [] },
      });
    }
    return hits;
  },
};
