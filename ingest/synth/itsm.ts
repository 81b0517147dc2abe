/**
 * ServiceNow Table API exports (requested items, incidents, changes), the IGA certification
 * decisions export, the IT portal's self-service events, and the two exports the remaining KPIs
 * read: the stakeholder survey and the access audit findings register.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from './ctx.js';
import { csvLine } from './csv.js';
import { activeAt } from './activity.js';
import type { Person } from './population.js';
import type { Rng } from './prng.js';
import { DAY, HOUR, MINUTE, addBusinessDays, isoSec, snow } from './time.js';
import { oktaEvent, OKTA_SYSTEM_ACTOR, oktaUserActor, oktaUserTarget } from './vendors/okta.js';

const SNOW = 'https://acme.service-now.com/api/now/table';

function ref(rng: Rng, table: string, display: string) {
  const id = rng.hex(32);
  return { display_value: display, link: `${SNOW}/${table}/${id}`, value: id };
}

function groupRef(name: string) {
  const id = Buffer.from(name).toString('hex').padEnd(32, '0').slice(0, 32);
  return { display_value: name, link: `${SNOW}/sys_user_group/${id}`, value: id };
}

export const ACCESS_REVIEW_HEADER = ['Campaign_ID', 'Campaign_Name', 'Item_ID', 'Reviewer', 'Subject_User', 'Entitlement', 'Decision', 'Decided_At', 'Due_At', 'Remediated_At'];
export const SELF_SERVICE_HEADER = ['Event_ID', 'Occurred_At', 'User', 'Kind', 'Channel'];
export const CSAT_HEADER = ['Response_ID', 'Submitted_At', 'Respondent_Group', 'Score', 'Comment'];
export const FINDINGS_HEADER = ['Finding_ID', 'Audit_Name', 'Raised_At', 'Severity', 'Title', 'Status', 'Closed_At'];

function between(rng: Rng, a: number, b: number): number {
  return a + rng.next() * Math.max(0, b - a);
}

function weekdayTime(rng: Rng, a: number, b: number): number {
  for (let i = 0; i < 20; i++) {
    const t = between(rng, a, b);
    const dow = new Date(t).getUTCDay();
    const h = new Date(t).getUTCHours();
    if (dow !== 0 && dow !== 6 && h >= 7 && h <= 18) return t;
  }
  return between(rng, a, b);
}

/**
 * Access review campaigns, staggered so that decisions fall in every week of the window. Planned
 * before the day-by-day generation because each remediated revoke writes its removal event.
 */
export function planAccessReviews(ctx: Ctx, rng: Rng): { lines: string; count: number } {
  const { start, end } = ctx.win;
  const humans = ctx.pop.humans.filter((p) => activeAt(p, start + DAY) || activeAt(p, end - DAY));
  const days = ctx.win.days;
  const campaigns = [
    { id: `CMP-${rng.digits(5)}`, name: 'Salesforce quarterly access certification', ent: 'Salesforce.com: Standard User', share: 0.16, startAt: start - 10 * DAY, due: start + Math.round(days * 0.4) * DAY, app: ctx.oktaApps.salesforce },
    { id: `CMP-${rng.digits(5)}`, name: 'GitHub organisation membership review', ent: 'GitHub Enterprise Cloud: acme-eng member', share: 0.12, startAt: start + Math.round(days * 0.25) * DAY, due: start + Math.round(days * 0.85) * DAY, app: ctx.oktaApps.github },
    { id: `CMP-${rng.digits(5)}`, name: 'Box shared drive access review', ent: 'Box: Finance shared folders editor', share: 0.08, startAt: start + Math.round(days * 0.6) * DAY, due: end + 7 * DAY, app: ctx.oktaApps.box },
  ];
  let lines = csvLine(ACCESS_REVIEW_HEADER);
  let count = 0;
  for (const c of campaigns) {
    const subjects = rng.sample(humans.filter((p) => p.managerId), Math.max(12, Math.round(humans.length * c.share)));
    for (const s of subjects) {
      const reviewer = ctx.pop.humans.find((x) => x.employeeId === s.managerId) ?? ctx.pop.humans[0];
      const r = rng.next();
      let decided: number | null = between(rng, c.startAt + DAY, r < 0.9 ? c.due : c.due + 6 * DAY);
      if (decided >= end || rng.chance(0.03)) decided = null;
      const decision = decided === null ? '' : rng.chance(0.09) ? 'Revoke' : 'Approve';
      let remediated: number | null = null;
      if (decision === 'Revoke' && decided !== null) {
        remediated = addBusinessDays(decided, rng.chance(0.88) ? rng.int(1, 8) : rng.int(11, 16)) + rng.int(0, 6) * HOUR;
        if (remediated >= end) remediated = null;
        if (remediated !== null) removeAccess(ctx, rng, s, remediated, c.app);
      }
      lines += csvLine([c.id, c.name, `ITEM-${rng.digits(7)}`, reviewer.login, s.login, c.ent, decision, decided === null ? '' : isoSec(decided), isoSec(c.due), remediated === null ? '' : isoSec(remediated)]);
      count++;
    }
  }
  return { lines, count };
}

export function writeItsm(ctx: Ctx, rng: Rng, outDir: string, reviews: { lines: string; count: number }): { files: string[]; counts: Record<string, number> } {
  const { start, end } = ctx.win;
  const counts: Record<string, number> = {};
  const files: string[] = [];
  const humans = ctx.pop.humans.filter((p) => activeAt(p, start + DAY) || activeAt(p, end - DAY));
  const weeks = Math.max(1, ctx.win.days / 7);
  const dir = path.join(outDir, 'itsm');
  fs.mkdirSync(dir, { recursive: true });
  let ritm = 10_000 + rng.int(0, 999);

  // Requested items.
  const items: Record<string, unknown>[] = [];
  const item = (o: { opened: number; closed: number | null; goLive?: number | null; category: string; channel: string; short: string; cat: string; group: string; user: string; state?: string }) => {
    const updated = Math.min(end - MINUTE, o.closed ?? o.opened + HOUR);
    items.push({
      sys_id: rng.hex(32), number: `RITM00${ritm++}`, short_description: o.short, cat_item: ref(rng, 'sc_cat_item', o.cat), u_category: o.category,
      contact_type: o.channel, state: o.state ?? (o.closed !== null && o.closed < end ? 'Closed Complete' : 'Work in Progress'), stage: o.closed !== null && o.closed < end ? 'complete' : 'fulfillment',
      approval: 'approved', priority: '4 - Low', opened_at: snow(o.opened), closed_at: o.closed !== null && o.closed < end ? snow(o.closed) : '',
      u_go_live_at: o.goLive === undefined ? '' : o.goLive !== null && o.goLive < end ? snow(o.goLive) : '',
      requested_for: ref(rng, 'sys_user', o.user), assignment_group: groupRef(o.group), request: ref(rng, 'sc_request', `REQ00${ritm + 3000}`), sys_updated_on: snow(updated),
    });
  };
  const apps = ['Figma', 'Miro', 'Datadog', 'Snowflake', 'Gong', 'Greenhouse', 'Notion', 'Lucid', 'PagerDuty', 'Tableau', 'DocuSign', 'Coupa', 'Asana', 'Looker', 'HubSpot', 'Okta Workflows', 'Sentry', 'LaunchDarkly', 'Vanta', 'Rippling'];
  // SSO integrations: requested up to two months before the window so that go-lives fall in every week.
  const nSso = Math.max(6, Math.round(3.5 * (weeks + 8)));
  for (let i = 0; i < nSso; i++) {
    const opened = weekdayTime(rng, start - 56 * DAY, end - 3 * DAY);
    const lead = Math.max(2, Math.round(rng.chance(0.85) ? rng.normal(9, 3.5) : rng.float(18, 32)));
    const goLive = addBusinessDays(opened, lead) + rng.int(0, 5) * HOUR;
    if (goLive < start && rng.chance(0.7)) continue;
    const requester = rng.pick(humans);
    item({ opened, closed: goLive < end ? goLive + rng.int(2, 30) * HOUR : null, goLive: goLive < end ? goLive : null, category: 'sso_integration', channel: 'portal', short: `SSO integration: ${rng.pick(apps)} (SAML)`, cat: 'SSO Application Onboarding', group: 'IAM Engineering', user: requester.displayName });
  }
  for (const r of ctx.records.requests) item({ opened: r.t, closed: r.closed, category: r.category, channel: r.channel, short: r.short, cat: r.item, group: r.group, user: ctx.pop.byLogin.get(r.user)?.displayName ?? r.user });
  const nMisc = Math.round(humans.length * 0.0025 * ctx.win.days);
  for (let i = 0; i < nMisc; i++) {
    const opened = weekdayTime(rng, start, end - HOUR);
    const hw = rng.chance(0.5);
    item({ opened, closed: opened + rng.int(2, 96) * HOUR, category: hw ? 'hardware' : 'software', channel: rng.weighted([['portal', 6], ['self-service', 2], ['email', 2], ['phone', 1]]), short: hw ? rng.pick(['Replacement laptop charger', 'New monitor', 'Headset request', 'Docking station']) : rng.pick(['Adobe Acrobat licence', 'JetBrains licence', 'Visio install', 'Zoom webinar licence']), cat: hw ? 'Hardware Request' : 'Software Request', group: hw ? 'Workplace Services' : 'Software Asset Management', user: rng.pick(humans).displayName });
  }
  fs.writeFileSync(path.join(dir, 'sc_req_item.json'), `${JSON.stringify({ result: items }, null, 1)}\n`);
  files.push('itsm/sc_req_item.json');
  counts['itsm/sc_req_item.json'] = items.length;

  // Changes, then incidents (some caused by changes).
  const changes: Record<string, unknown>[] = [];
  const failedChanges: { id: string; at: number }[] = [];
  const nChg = Math.max(4, Math.round(5 * weeks));
  let chgNo = 30_000 + rng.int(0, 999);
  const chgTitles = ['Update Conditional Access policy CA001 exclusions', 'Rotate SAML signing certificate for Salesforce', 'Enable Okta FastPass for Engineering', 'Migrate SCIM connector for Slack', 'Add PIM approval for Global Administrator', 'Change Okta session lifetime policy', 'Deploy new Entra provisioning mapping for ServiceNow', 'Retire legacy LDAP interface', 'Update group rules for department groups', 'Enable number matching for Okta Verify'];
  for (let i = 0; i < nChg; i++) {
    const opened = weekdayTime(rng, start - 3 * DAY, end - 2 * DAY);
    const closed = opened + rng.int(24, 96) * HOUR;
    const r = rng.next();
    const code = r < 0.05 ? 'unsuccessful' : r < 0.12 ? 'successful_issues' : 'successful';
    const rolledBack = code === 'unsuccessful' ? rng.chance(0.8) : code === 'successful_issues' && rng.chance(0.2);
    const sysId = rng.hex(32);
    if (code !== 'successful') failedChanges.push({ id: sysId, at: closed - rng.int(4, 20) * HOUR });
    changes.push({
      sys_id: sysId, number: `CHG00${chgNo++}`, short_description: rng.pick(chgTitles), category: rng.chance(0.85) ? 'identity' : 'network', type: rng.weighted([['normal', 6], ['standard', 3], ['emergency', 1]]),
      state: closed < end ? 'Closed' : 'Implement', close_code: closed < end ? code : '', u_rolled_back: closed < end ? String(rolledBack) : 'false',
      risk: rng.pick(['Low', 'Moderate', 'High']), assignment_group: groupRef('IAM Engineering'), opened_at: snow(opened), start_date: snow(opened + 20 * HOUR), end_date: snow(closed - HOUR), closed_at: closed < end ? snow(closed) : '', sys_updated_on: snow(Math.min(end - MINUTE, closed)),
    });
  }
  fs.writeFileSync(path.join(dir, 'change_request.json'), `${JSON.stringify({ result: changes }, null, 1)}\n`);
  files.push('itsm/change_request.json');
  counts['itsm/change_request.json'] = changes.length;

  const incidents: Record<string, unknown>[] = [];
  let incNo = 40_000 + rng.int(0, 999);
  const nInc = Math.max(4, Math.round(7 * weeks));
  const incTitles: [string, string][] = [['Users cannot sign in to Salesforce via SSO', 'access'], ['Okta Verify push notifications delayed', 'identity'], ['Provisioning to Slack failing for new hires', 'identity'], ['Conditional Access blocks contractors', 'access'], ['MFA prompts looping in Outlook', 'identity'], ['Admin locked out of Okta admin console', 'identity'], ['GitHub SAML assertion rejected', 'access'], ['SCIM sync errors for ServiceNow', 'identity']];
  const mk = (opened: number, causedBy?: string) => {
    const sev = rng.weighted([[1, 1], [2, 3], [3, 6]]);
    const hours = sev === 1 ? rng.float(0.5, 2.8) : sev === 2 ? rng.float(1.5, 11) : rng.float(3, 70);
    const resolved = opened + hours * HOUR;
    const [title, category] = rng.pick(incTitles);
    incidents.push({
      sys_id: rng.hex(32), number: `INC00${incNo++}`, short_description: title, category, subcategory: 'authentication',
      priority: sev === 1 ? '1 - Critical' : sev === 2 ? rng.pick(['2 - High', '3 - Moderate']) : rng.pick(['3 - Moderate', '4 - Low']), severity: sev === 1 ? '1 - High' : sev === 2 ? '2 - Medium' : '3 - Low',
      impact: String(sev), urgency: String(sev), state: resolved < end ? (resolved + DAY < end ? 'Closed' : 'Resolved') : 'In Progress',
      opened_at: snow(opened), resolved_at: resolved < end ? snow(resolved) : '', closed_at: resolved + DAY < end ? snow(resolved + DAY) : '',
      caused_by: causedBy ? { display_value: '', link: `${SNOW}/change_request/${causedBy}`, value: causedBy } : '',
      close_code: resolved < end ? 'Solved (Permanently)' : '', assignment_group: groupRef('IAM Operations'), sys_updated_on: snow(Math.min(end - MINUTE, resolved < end ? resolved : opened + HOUR)),
    });
  };
  for (const f of failedChanges) if (rng.chance(0.6) && f.at < end - HOUR && f.at > start) mk(f.at, f.id);
  for (let i = 0; i < nInc; i++) mk(between(rng, start, end - 2 * HOUR));
  fs.writeFileSync(path.join(dir, 'incident.json'), `${JSON.stringify({ result: incidents }, null, 1)}\n`);
  files.push('itsm/incident.json');
  counts['itsm/incident.json'] = incidents.length;

  fs.writeFileSync(path.join(dir, 'access_reviews.csv'), reviews.lines);
  files.push('itsm/access_reviews.csv');
  counts['itsm/access_reviews.csv'] = reviews.count;

  const ss = ctx.records.selfService.filter((r) => r.t >= start && r.t < end).sort((a, b) => a.t - b.t);
  fs.writeFileSync(path.join(dir, 'self_service.csv'), csvLine(SELF_SERVICE_HEADER) + ss.map((r, i) => csvLine([`SS${String(100000 + i)}`, isoSec(r.t), r.user, r.kind, 'self-service'])).join(''));
  files.push('itsm/self_service.csv');
  counts['itsm/self_service.csv'] = ss.length;

  // The stakeholder survey and the audit findings register (stakeholder_csat, access_audit_findings).
  fs.mkdirSync(path.join(outDir, 'survey'), { recursive: true });
  let csat = csvLine(CSAT_HEADER);
  const nCsat = Math.max(6, Math.round(6 * weeks));
  const comments = ['Onboarding to SSO was quick', 'MFA reset took too long', 'Great help on the SCIM issue', 'Access review emails are confusing', '', '', 'Fast turnaround'];
  const csatRows: [number, string][] = [];
  for (let i = 0; i < nCsat; i++) {
    const t = weekdayTime(rng, start, end - HOUR);
    csatRows.push([t, csvLine([`SR-${rng.digits(6)}`, isoSec(t), rng.pick(['app_owner', 'it', 'helpdesk']), String(rng.weighted([[5, 45], [4, 35], [3, 13], [2, 5], [1, 2]])), rng.pick(comments)])]);
  }
  csat += csatRows.sort((a, b) => a[0] - b[0]).map((r) => r[1]).join('');
  fs.writeFileSync(path.join(outDir, 'survey', 'stakeholder_csat.csv'), csat);
  files.push('survey/stakeholder_csat.csv');
  counts['survey/stakeholder_csat.csv'] = nCsat;

  fs.mkdirSync(path.join(outDir, 'audit'), { recursive: true });
  const findings: [string, string, string][] = [
    ['Medium', 'Leaver accounts disabled after the 24 h policy window', 'Open'],
    ['Low', 'Access review evidence missing reviewer comments', 'Closed'],
    ['Medium', 'Standing Global Administrator assignments without justification', 'Open'],
    ['Low', 'Service account owners not recorded for two accounts', 'Open'],
    ['High', 'Terminated worker account remained enabled', 'Open'],
  ];
  let fl = csvLine(FINDINGS_HEADER);
  findings.forEach(([sev, title, status], i) => {
    const raised = start + Math.round(((i + 0.5) / findings.length) * ctx.win.days) * DAY + 10 * HOUR;
    fl += csvLine([`AF-2026-${String(i + 11).padStart(3, '0')}`, 'SOX ITGC 2026 access controls', isoSec(raised), sev, title, status, status === 'Closed' ? isoSec(Math.min(end - HOUR, raised + 4 * DAY)) : '']);
  });
  fs.writeFileSync(path.join(outDir, 'audit', 'access_findings.csv'), fl);
  files.push('audit/access_findings.csv');
  counts['audit/access_findings.csv'] = findings.length;
  return { files, counts };
}

/** The removal that remediates a review's revoke decision (by IGA automation or an admin). */
function removeAccess(ctx: Ctx, rng: Rng, p: Person, t: number, app: { id: string; label: string }): void {
  const automated = rng.chance(0.7);
  const admin = ctx.pop.people.find((x) => x.oktaRoles.includes('APP_ADMIN')) ?? ctx.pop.humans[1];
  ctx.sink.add('okta', t, oktaEvent(rng, {
    t, eventType: 'application.user_membership.remove', displayMessage: 'Remove user from application membership', legacyEventType: 'app.generic.unprovision.unassign_user_from_app',
    actor: automated ? OKTA_SYSTEM_ACTOR : oktaUserActor(admin), ip: automated ? null : admin.officeIp ?? admin.homeIp, result: 'SUCCESS', transactionType: automated ? 'JOB' : 'WEB', session: automated ? null : { external: `idx${rng.base62(22)}` },
    target: [{ id: `0ua${rng.base62(17)}`, type: 'AppUser', alternateId: p.login, displayName: p.displayName, detailEntry: null }, { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: null }, oktaUserTarget(p)],
  }));
}
