/**
 * Every labelled scenario and look-alike is visible in the raw vendor data with its defining
 * property (generated once at a small size: 150 people over 14 days).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from './index.js';
import { LOOKALIKE_KINDS, SCENARIO_KINDS, type Label } from './labels.js';
import { MOBILE_OPERATOR_ASNS } from './geo.js';
import { type DemoData, type Json, km, loadDemo, signInPoint } from '../../test/synth/load.js';

let dir: string;
let d: DemoData;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idtrail-synth-'));
  await generateDemo({ outDir: dir, users: 150, days: 14, seed: 7 });
  d = loadDemo(dir);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const MINUTE = 60_000;
const DAY = 86_400_000;

function of(kind: string): Label[] {
  const ls = d.labels.scenarios.filter((l) => l.kind === kind);
  expect(ls.length, `labels of kind ${kind}`).toBeGreaterThan(0);
  return ls;
}

function events(l: Label): { source: string; event: Json }[] {
  return l.native_ids.map((id) => {
    const e = d.byId.get(id);
    expect(e, `${l.id}: native id ${id} is in the raw data`).toBeDefined();
    return e!;
  });
}

function signInsOf(l: Label) {
  return events(l).filter((e) => e.source === 'okta' ? e.event.eventType === 'user.session.start' || e.event.eventType === 'user.authentication.sso' : e.source === 'entra_signin').map((e) => ({ ...signInPoint(e.source, e.event), e }));
}

function kmh(a: { t: number; lat: number; lon: number }, b: { t: number; lat: number; lon: number }): { dist: number; speed: number } {
  const dist = km(a.lat, a.lon, b.lat, b.lon);
  return { dist, speed: dist / (Math.abs(b.t - a.t) / 3_600_000) };
}

const LEGACY = new Set(['IMAP4', 'POP3', 'Authenticated SMTP', 'Exchange ActiveSync', 'MAPI Over HTTP', 'Other clients', 'Exchange Web Services', 'AutoDiscover', 'Exchange Online PowerShell', 'Offline Address Book', 'Outlook Anywhere (RPC over HTTP)']);

describe('labels', () => {
  it('list every scenario kind and every look-alike kind, each with its detection', () => {
    const kinds = new Set(d.labels.scenarios.map((l) => l.kind));
    for (const k of [...SCENARIO_KINDS, ...LOOKALIKE_KINDS]) expect(kinds.has(k), k).toBe(true);
    for (const l of d.labels.scenarios) {
      if (!l.benign) expect(l.detection).toBe(l.kind);
      expect(['impossible_travel', 'mfa_fatigue', 'password_spray', 'risky_oauth_consent', 'dormant_privileged_account', 'terminated_user_signin', 'legacy_auth_success', 'admin_role_outside_pim', 'break_glass_signin', 'session_replay', 'brute_force']).toContain(l.detection);
    }
    expect(new Set(d.labels.scenarios.map((l) => l.id)).size).toBe(d.labels.scenarios.length);
  });

  it('attacks exist in both Okta and Entra where the attack applies to both', () => {
    for (const k of ['impossible_travel', 'mfa_fatigue', 'password_spray', 'admin_role_outside_pim', 'session_replay', 'terminated_user_signin', 'dormant_privileged_account']) {
      const sources = new Set(of(k).map((l) => l.source));
      expect(sources.has('okta') && sources.has('entra'), k).toBe(true);
    }
  });

  it('every native id is in the raw data and inside the window', () => {
    const start = Date.parse(d.labels.window.start);
    const end = Date.parse(d.labels.window.end);
    for (const l of d.labels.scenarios) {
      expect(l.native_ids.length, l.id).toBeGreaterThan(0);
      expect(Date.parse(l.window.start)).toBeGreaterThanOrEqual(start);
      expect(Date.parse(l.window.end)).toBeLessThan(end);
      if (l.details?.posture) continue;
      events(l);
    }
  });
});

describe('attack scenarios are visible in the raw data', () => {
  it('impossible travel: two successful interactive sign-ins faster than 900 km/h over more than 500 km, not via VPN or carrier', () => {
    for (const l of of('impossible_travel')) {
      const s = signInsOf(l).sort((a, b) => a.t - b.t);
      expect(s).toHaveLength(2);
      for (const x of s) {
        expect(x.success && x.interactive, l.id).toBe(true);
        expect(x.user).toBe(l.entity.user);
      }
      const { dist, speed } = kmh(s[0], s[1]);
      expect(dist).toBeGreaterThan(500);
      expect(speed).toBeGreaterThan(900);
      expect(s[1].t - s[0].t).toBeLessThan(2 * 60 * MINUTE);
      expect(d.labels.org.vpn_egress_ips).not.toContain(s[1].ip);
      expect(d.labels.org.carrier_asns).not.toContain(s[1].asn);
      expect(MOBILE_OPERATOR_ASNS.has(s[1].asn), `${l.id}: AS${s[1].asn} also runs a mobile network`).toBe(false);
      expect(MOBILE_OPERATOR_ASNS.has(s[0].asn), `${l.id}: AS${s[0].asn} also runs a mobile network`).toBe(false);
    }
  });

  it('MFA fatigue: at least 5 denied pushes within 10 minutes, then an approval; one burst straddles the hour', () => {
    let straddles = false;
    for (const l of of('mfa_fatigue')) {
      const ev = events(l).map((x) => x.event);
      const denial = (e: Json) => e.eventType === 'user.mfa.okta_verify.deny_push' || (e.eventType === 'user.authentication.auth_via_mfa' && e.outcome.result === 'FAILURE' && e.debugContext.debugData.factor === 'OKTA_VERIFY_PUSH') || e.status?.errorCode === 500121;
      const success = (e: Json) => (e.eventType === 'user.authentication.auth_via_mfa' && e.outcome.result === 'SUCCESS') || e.status?.errorCode === 0;
      const time = (e: Json) => Date.parse(e.published ?? e.createdDateTime);
      const denials = ev.filter(denial).map(time).sort((a, b) => a - b);
      const ok = ev.filter(success).map(time);
      expect(denials.length, l.id).toBeGreaterThanOrEqual(6);
      expect(denials.length, l.id).toBeLessThanOrEqual(12);
      expect(denials[denials.length - 1] - denials[0], l.id).toBeLessThanOrEqual(10 * MINUTE);
      expect(ok.length).toBeGreaterThan(0);
      const last = denials[denials.length - 1];
      expect(ok.some((t) => t >= last && t - last <= 10 * MINUTE)).toBe(true);
      for (const e of ev) expect(e.actor?.alternateId ?? e.userPrincipalName).toBe(l.entity.user);
      if (new Date(denials[0]).getUTCHours() !== new Date(last).getUTCHours()) straddles = true;
    }
    expect(straddles).toBe(true);
  });

  it('password spray: failures for at least 20 distinct users from one IP within an hour', () => {
    for (const l of of('password_spray')) {
      const s = events(l).map((x) => ({ ...signInPoint(x.source, x.event), e: x.event }));
      const fails = s.filter((x) => !x.success);
      for (const f of fails) {
        expect(f.ip).toBe(l.entity.ip);
        expect(f.e.outcome?.reason === 'INVALID_CREDENTIALS' || f.e.status?.errorCode === 50126).toBe(true);
      }
      expect(new Set(fails.map((f) => f.user)).size).toBeGreaterThanOrEqual(20);
      const ts = s.map((x) => x.t);
      expect(Math.max(...ts) - Math.min(...ts)).toBeLessThan(60 * MINUTE);
    }
  });

  it('risky OAuth consent: a non-admin consents offline_access + Mail.ReadWrite to an unknown multi-tenant app; Workspace grants Gmail scopes', () => {
    const admins = new Set<string>([...d.inventory.roleAssignments.value, ...d.inventory.eligibility.value].map((r: Json) => r.principalId));
    for (const l of of('risky_oauth_consent')) {
      const ev = events(l);
      if (l.source === 'entra') {
        const c = ev.find((x) => x.event.activityDisplayName === 'Consent to application')!.event;
        const props = Object.fromEntries(c.targetResources[0].modifiedProperties.map((p: Json) => [p.displayName, JSON.parse(p.newValue)]));
        expect(props['ConsentContext.IsAdminConsent']).toBe('False');
        expect(props['ConsentAction.Permissions']).toMatch(/offline_access/);
        expect(props['ConsentAction.Permissions']).toMatch(/Mail\.ReadWrite/);
        expect(d.labels.org.known_app_ids).not.toContain(l.entity.app);
        expect(c.initiatedBy.user.userPrincipalName).toBe(l.entity.user);
        expect(admins.has(c.initiatedBy.user.id)).toBe(false);
        const sp = ev.find((x) => x.event.activityDisplayName === 'Add service principal')!.event;
        const owner = sp.targetResources[0].modifiedProperties.find((p: Json) => p.displayName === 'AppOwnerOrganizationId');
        expect(JSON.parse(owner.newValue)[0]).not.toBe(d.labels.org.entra_tenant_id);
      } else {
        const e = ev[0].event;
        expect(e.id.applicationName).toBe('token');
        expect(e.events[0].name).toBe('authorize');
        const scope = e.events[0].parameters.find((p: Json) => p.name === 'scope').multiValue;
        expect(scope).toContain('https://mail.google.com/');
      }
    }
  });

  it('dormant privileged account: privileged, no successful sign-in for 45+ days at the snapshot; registers a method and signs in after it', () => {
    const snap = Date.parse(d.inventory.snapshot.snapshot_at);
    const graphByUpn = new Map(d.inventory.graphUsers.value.map((u: Json) => [u.userPrincipalName, u]));
    const oktaByLogin = new Map(d.inventory.oktaUsers.map((u: Json) => [u.profile.login, u]));
    const privileged = new Set<string>([...d.inventory.roleAssignments.value, ...d.inventory.eligibility.value].map((r: Json) => r.principalId));
    const oktaAdmins = new Set<string>(d.inventory.oktaRoles.map((r: Json) => r.userId));
    for (const l of of('dormant_privileged_account')) {
      const g = graphByUpn.get(l.entity.user!) as Json;
      const o = oktaByLogin.get(l.entity.user!) as Json;
      if (l.source === 'entra') {
        expect(privileged.has(g.id), l.id).toBe(true);
        expect(snap - Date.parse(g.signInActivity.lastSuccessfulSignInDateTime)).toBeGreaterThanOrEqual(45 * DAY);
      } else {
        expect(oktaAdmins.has(o.id), l.id).toBe(true);
        expect(snap - Date.parse(o.lastLogin)).toBeGreaterThanOrEqual(45 * DAY);
      }
      if (l.details?.posture) {
        expect(l.native_ids).toEqual([g.id]);
        continue;
      }
      const ev = events(l).map((x) => x.event);
      const reg = ev.find((e) => e.activityDisplayName === 'User registered security info' || e.eventType === 'user.mfa.factor.activate');
      const sign = ev.find((e) => (e.eventType === 'user.session.start' && e.outcome.result === 'SUCCESS') || e.status?.errorCode === 0);
      expect(reg).toBeDefined();
      expect(sign).toBeDefined();
      expect(Date.parse(sign!.published ?? sign!.createdDateTime)).toBeGreaterThan(snap);
    }
  });

  it('terminated worker signs in days after the HRIS termination date; the account was never disabled', () => {
    for (const l of of('terminated_user_signin')) {
      const rows = d.hris.filter((r) => r.Work_Email === l.entity.user);
      const term = rows.find((r) => r.Worker_Status === 'Terminated');
      expect(term, l.id).toBeDefined();
      const s = signInsOf(l)[0];
      expect(s.success).toBe(true);
      expect(s.t - Date.parse(`${term!.Termination_Date}T00:00:00Z`)).toBeGreaterThan(DAY);
      const okta = d.inventory.oktaUsers.find((u: Json) => u.profile.login === l.entity.user);
      expect(okta.status).toBe('ACTIVE');
      const graph = d.inventory.graphUsers.value.find((u: Json) => u.userPrincipalName === l.entity.user);
      expect(graph.accountEnabled).toBe(true);
      const disables = [...d.okta.filter((e) => e.eventType === 'user.lifecycle.deactivate' && e.target?.[0]?.alternateId === l.entity.user), ...d.audits.filter((e) => e.activityDisplayName === 'Disable account' && e.targetResources[0].userPrincipalName === l.entity.user)];
      expect(disables).toHaveLength(0);
    }
  });

  it('legacy authentication succeeded (status 0) over IMAP4 / Authenticated SMTP', () => {
    for (const l of of('legacy_auth_success')) {
      const ev = events(l).map((x) => x.event);
      expect(ev.length).toBeGreaterThan(0);
      for (const e of ev) {
        expect(LEGACY.has(e.clientAppUsed)).toBe(true);
        expect(e.status.errorCode).toBe(0);
        expect(e.userPrincipalName).toBe(l.entity.user);
      }
      expect(ev.map((e) => e.clientAppUsed)).toContain('IMAP4');
    }
  });

  it('admin role granted outside PIM: a user (not MS-PIM) adds Global Administrator; Okta privilege grant', () => {
    for (const l of of('admin_role_outside_pim')) {
      const e = events(l)[0].event;
      if (l.source === 'entra') {
        expect(e.activityDisplayName).toBe('Add member to role');
        expect(e.loggedByService).toBe('Core Directory');
        expect(e.initiatedBy.app).toBeNull();
        expect(e.initiatedBy.user.userPrincipalName).not.toBe(l.entity.user);
        const user = e.targetResources.find((t: Json) => t.type === 'User');
        expect(user.userPrincipalName).toBe(l.entity.user);
        const role = user.modifiedProperties.find((p: Json) => p.displayName === 'Role.DisplayName');
        expect(JSON.parse(role.newValue)).toBe('Global Administrator');
        expect(d.audits.some((a) => a.loggedByService === 'PIM' && a.correlationId === e.correlationId)).toBe(false);
      } else {
        expect(e.eventType).toBe('user.account.privilege.grant');
        expect(e.outcome.result).toBe('SUCCESS');
        expect(e.target[0].alternateId).toBe(l.entity.user);
      }
    }
    // Routine role membership comes only from PIM.
    const direct = d.audits.filter((a) => a.activityDisplayName === 'Add member to role' && a.initiatedBy.user);
    expect(direct.length).toBe(of('admin_role_outside_pim').filter((l) => l.source === 'entra').length);
  });

  it('break-glass account signs in', () => {
    for (const l of of('break_glass_signin')) {
      expect(d.labels.org.break_glass_accounts).toContain(l.entity.user);
      const s = signInsOf(l);
      expect(s.length).toBeGreaterThan(0);
      expect(s.every((x) => x.success && x.user === l.entity.user)).toBe(true);
    }
    const others = d.signIns.filter((e) => d.labels.org.break_glass_accounts.includes(e.userPrincipalName));
    expect(others.length).toBe(of('break_glass_signin').reduce((n, l) => n + l.native_ids.length, 0));
  });

  it('session replay: the same session id from a second IP in another country and ASN within minutes', () => {
    for (const l of of('session_replay')) {
      const ev = events(l);
      const sessions = new Set(ev.map((x) => (x.source === 'okta' ? x.event.authenticationContext.externalSessionId : x.event.sessionId)));
      expect(sessions.size, l.id).toBe(1);
      const pts = ev.map((x) => signInPoint(x.source, x.event)).sort((a, b) => a.t - b.t);
      const first = pts[0];
      const replay = pts.filter((p) => p.ip !== first.ip);
      expect(replay.length).toBeGreaterThan(0);
      for (const r of replay) {
        expect(r.country).not.toBe(first.country);
        expect(r.asn).not.toBe(first.asn);
        expect(r.ip).toBe(l.entity.ip);
      }
      expect(replay[0].t - first.t).toBeLessThan(15 * MINUTE);
    }
  });
});

describe('benign look-alikes are what they claim', () => {
  it('VPN hop: home, then the corporate VPN egress (one ASN) in another country minutes later', () => {
    for (const l of of('vpn_hop')) {
      const s = signInsOf(l).sort((a, b) => a.t - b.t);
      expect(s).toHaveLength(2);
      expect(d.labels.org.vpn_egress_ips).toContain(s[1].ip);
      expect(s[1].asn).toBe(d.labels.org.vpn_asn);
      expect(s[1].country).not.toBe(s[0].country);
      expect(s[1].t - s[0].t).toBeLessThan(30 * MINUTE);
      expect(kmh(s[0], s[1]).speed).toBeGreaterThan(900);
    }
  });

  it('carrier hop: a mobile-carrier IP that geolocates far away', () => {
    for (const l of of('carrier_hop')) {
      const s = signInsOf(l).sort((a, b) => a.t - b.t);
      expect(s).toHaveLength(2);
      expect(d.labels.org.carrier_asns).toContain(s[1].asn);
      const { dist, speed } = kmh(s[0], s[1]);
      expect(dist).toBeGreaterThan(500);
      expect(speed).toBeGreaterThan(900);
      expect(s.every((x) => x.success)).toBe(true);
    }
  });

  it('genuine trips: far apart, at a plausible speed', () => {
    for (const l of of('genuine_trip')) {
      const s = signInsOf(l).sort((a, b) => a.t - b.t);
      expect(s).toHaveLength(4);
      for (const [a, b] of [[s[0], s[1]], [s[2], s[3]]]) {
        const { dist, speed } = kmh(a, b);
        expect(dist).toBeGreaterThan(500);
        expect(speed).toBeLessThan(800);
      }
    }
  });

  it('admin consent to a known app', () => {
    for (const l of of('admin_consent_known_app')) {
      const e = events(l)[0].event;
      expect(e.activityDisplayName).toBe('Consent to application');
      const props = Object.fromEntries(e.targetResources[0].modifiedProperties.map((p: Json) => [p.displayName, JSON.parse(p.newValue)]));
      expect(props['ConsentContext.IsAdminConsent']).toBe('True');
      expect(d.labels.org.known_app_ids).toContain(l.entity.app);
    }
  });

  it('password typos: three failures then a success, same user and IP, within minutes', () => {
    for (const l of of('password_typos')) {
      const s = events(l).map((x) => signInPoint(x.source, x.event)).sort((a, b) => a.t - b.t);
      expect(s.filter((x) => !x.success)).toHaveLength(3);
      expect(s[s.length - 1].success).toBe(true);
      expect(new Set(s.map((x) => x.ip)).size).toBe(1);
      expect(s[s.length - 1].t - s[0].t).toBeLessThan(5 * MINUTE);
    }
  });
});
