/**
 * Injected attack scenarios and benign look-alikes. Each writes whole vendor events through the
 * same flows as routine activity and returns its label: the detection that must (or must not)
 * fire, the entity, the time window and the vendor ids of the events that make it up.
 *
 * Attack times and attacker networks are chosen so that each scenario is what it says and nothing
 * else: e.g. a password-spray success comes from a network close enough to the victim's home, at
 * night, that it is not also an impossible-travel pair.
 */
import { type Ctx, spId } from './ctx.js';
import { activeAt, type Trip } from './activity.js';
import { entraSignIn, oktaLogin, oktaMfaTarget, oktaSso } from './flows.js';
import { farCarrierIp, haversineKm, type IpInfo, MOBILE_OPERATOR_ASNS, networkIp, residentialIp, VPN_EGRESS } from './geo.js';
import { ENTRA_APPS, ENTRA_ROLES, KNOWN_THIRD_PARTY_APPS, type EntraRoleKey } from './org.js';
import type { LifecyclePlan } from './lifecycle.js';
import { registerFactor } from './lifecycle.js';
import { LOOKALIKE_DETECTION, type Label, type LookalikeKind, type ScenarioKind } from './labels.js';
import type { Person } from './population.js';
import type { Rng } from './prng.js';
import { roleTargets } from './privileged.js';
import { DAY, HOUR, MINUTE, isoMs, localTime } from './time.js';
import { directoryAudit, jstr } from './vendors/entra.js';
import { oktaEvent, oktaUserActor, oktaUserTarget } from './vendors/okta.js';
import { wsActivity } from './vendors/workspace.js';

const ATTACKER_UA = { raw: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36', os: 'Windows 10', browser: 'CHROME' };

interface Planner {
  ctx: Ctx;
  rng: Rng;
  labels: Label[];
  seq: number;
}

function label(pl: Planner, kind: ScenarioKind | LookalikeKind, benign: boolean, source: Label['source'], entity: Label['entity'], times: number[], ids: string[], details?: Record<string, unknown>): void {
  pl.seq++;
  const detection = benign ? LOOKALIKE_DETECTION[kind as LookalikeKind] : kind;
  pl.labels.push({
    id: `${benign ? 'benign' : 'attack'}-${String(pl.seq).padStart(2, '0')}-${kind}-${source}`,
    kind, benign, detection, source, entity,
    window: { start: isoMs(Math.min(...times)), end: isoMs(Math.max(...times)) },
    native_ids: ids, details,
  });
}

/** A scenario day: a fraction of the way through the window, moved to a weekday when asked. */
function day(ctx: Ctx, f: number, weekday = true): number {
  let d = Math.min(ctx.win.days - 2, Math.max(1, Math.round(f * (ctx.win.days - 1))));
  let t = ctx.win.start + d * DAY;
  for (let i = 0; i < 7 && weekday; i++) {
    const dow = new Date(t).getUTCDay();
    if (dow !== 0 && dow !== 6) break;
    d = d + 1 > ctx.win.days - 2 ? d - 3 : d + 1;
    t = ctx.win.start + d * DAY;
  }
  return t;
}

function victim(pl: Planner, reason: string, prefer: (p: Person) => boolean, extra: (p: Person) => boolean = () => true): Person {
  const { ctx } = pl;
  const ok = (p: Person) =>
    (p.kind === 'employee' || p.kind === 'contractor') && !p.reservedFor && !p.quiet && p.idx !== 0 && p.inOkta && p.inEntra && p.inGoogle &&
    !p.joiner && !p.termination && !p.mover && !p.rehireOf && p.hire < ctx.win.start && p.entraRoles.length === 0 && p.oktaRoles.length === 0 && extra(p);
  const pool = ctx.pop.humans.filter(ok);
  const preferred = pool.filter(prefer);
  const p = pl.rng.pick(preferred.length ? preferred : pool);
  p.reservedFor = reason;
  return p;
}

/** The person's home line is not run by a mobile operator (so a location change reads as one). */
function fixedHome(p: Person): boolean {
  return !MOBILE_OPERATOR_ASNS.has(p.homeIp.asn);
}

function blackoutDay(p: Person, dayStart: number): void {
  (p.blackout ??= []).push([dayStart - 14 * HOUR, dayStart + 38 * HOUR]);
}

function audit(ctx: Ctx, rng: Rng, t: number, a: Omit<Parameters<typeof directoryAudit>[1], 't' | 'homeTenantId'>): Record<string, unknown> {
  const e = directoryAudit(rng, { ...a, t, homeTenantId: ctx.tenants.entra });
  ctx.sink.add('entra_audits', t, e);
  return e;
}

const EUROPE_NEAR_NL = ['london', 'paris', 'berlin', 'hamburg', 'amsterdam', 'dublin', 'manchester', 'copenhagen', 'zurich', 'munich', 'milan', 'prague', 'vienna'];

function speedKmh(a: IpInfo, ta: number, b: IpInfo, tb: number): { km: number; minutes: number; kmh: number } {
  const km = haversineKm(a.lat, a.lon, b.lat, b.lon);
  const minutes = (tb - ta) / MINUTE;
  return { km: Math.round(km), minutes: Math.round(minutes), kmh: Math.round(km / (minutes / 60)) };
}

// ---------------------------------------------------------------- attacks

function impossibleTravel(pl: Planner): void {
  const { ctx, rng } = pl;
  {
    const v = victim(pl, 'impossible_travel', (p) => p.city.key === 'berlin' && !p.carrier, fixedHome);
    const d = day(ctx, 0.3);
    blackoutDay(v, d);
    const t1 = localTime(d, v.city.tz, 9 + rng.int(0, 10) / 60);
    const a = oktaLogin(ctx, rng, v, t1, v.homeIp, v.desktop);
    entraSignIn(ctx, rng, v, t1 + 2 * MINUTE, v.homeIp, v.desktop);
    const far = residentialIp(rng, v.city.iso2 === 'SG' ? 'sao_paulo' : 'singapore', true);
    const t2 = t1 + rng.int(66, 74) * MINUTE;
    const b = oktaLogin(ctx, rng, v, t2, far, v.desktop, { uaOverride: ATTACKER_UA, risk: { level: 'HIGH', newGeo: true, velocity: true, newDevice: true, newIp: true } });
    label(pl, 'impossible_travel', false, 'okta', { user: v.login, ip: far.ip }, [a.end, b.end], [a.sessionStartId!, b.sessionStartId!], { from: v.homeIp.city, to: far.city, ...speedKmh(v.homeIp, a.end, far, b.end) });
  }
  {
    const v = victim(pl, 'impossible_travel', (p) => p.city.key === 'london' && !p.carrier, fixedHome);
    const d = day(ctx, 0.62);
    blackoutDay(v, d);
    const t1 = localTime(d, v.city.tz, 9 + rng.int(5, 20) / 60);
    const a = entraSignIn(ctx, rng, v, t1, v.homeIp, v.desktop);
    const far = residentialIp(rng, v.city.iso2 === 'JP' ? 'sydney' : 'tokyo', true);
    const t2 = t1 + rng.int(75, 85) * MINUTE;
    const b = entraSignIn(ctx, rng, v, t2, far, { ...v.desktop, ua: ATTACKER_UA.raw, deviceId: '', deviceName: '', managed: false, compliant: false, trustType: '' }, { riskLevel: 'high', riskEventTypes: ['unlikelyTravel'] });
    label(pl, 'impossible_travel', false, 'entra', { user: v.login, ip: far.ip }, [t1, t2], [a.id, b.id], { from: v.homeIp.city, to: far.city, ...speedKmh(v.homeIp, t1, far, t2) });
  }
}

function mfaFatigue(pl: Planner): void {
  const { ctx, rng } = pl;
  // Okta Classic-style denials (user.mfa.okta_verify.deny_push), a burst straddling hh:55–hh:05.
  {
    const v = victim(pl, 'mfa_fatigue', (p) => p.city.iso2 === 'DE', (p) => p.mfa === 'push' || p.mfa === 'fastpass' || p.mfa === 'totp');
    v.mfa = 'push';
    const d = day(ctx, 0.45);
    const hourUtc = Math.floor((localTime(d, v.city.tz, 21) - d) / HOUR);
    const t0 = d + hourUtc * HOUR + 55 * MINUTE + rng.int(0, 40) * 1000;
    const attackerIp = v.city.iso2 === 'DE' ? networkIp(rng, 'hosting_de', 'hosting') : residentialIp(rng, v.city.key);
    const session = `idx${rng.base62(22)}`;
    const ids: string[] = [];
    const n = rng.int(8, 10);
    let t = t0;
    for (let i = 0; i < n; i++) {
      ctx.sink.add('okta', t, oktaEvent(rng, { t, eventType: 'system.push.send_factor_verify_push', displayMessage: 'A push was sent to a user for verification', actor: oktaUserActor(v), ip: attackerIp, ua: ATTACKER_UA, result: 'SUCCESS', session: { external: session }, requestUri: '/api/v1/authn/factors/push/verify', target: [oktaUserTarget(v), oktaMfaTarget(ctx, v, 'push')] }));
      const td = t + rng.int(6, 14) * 1000;
      const deny = oktaEvent(rng, { t: td, eventType: 'user.mfa.okta_verify.deny_push', displayMessage: 'User rejected Okta push verify', legacyEventType: 'core.user.factor.attempt_fail', actor: oktaUserActor(v), ip: attackerIp, ua: ATTACKER_UA, result: 'FAILURE', reason: 'User rejected Okta push verify', session: { external: session }, requestUri: '/api/v1/authn/factors/push/verify', debug: { factor: 'OKTA_VERIFY_PUSH', pushOnlyResponseType: 'REJECT', pushWithNumberChallengeResponseType: 'null' }, target: [oktaUserTarget(v), oktaMfaTarget(ctx, v, 'push')] });
      ctx.sink.add('okta', td, deny);
      ids.push(deny.uuid as string);
      t = td + rng.int(22, 32) * 1000;
    }
    const ok = oktaEvent(rng, { t, eventType: 'user.authentication.auth_via_mfa', displayMessage: 'Authentication of user via MFA', legacyEventType: 'core.user.factor.attempt_success', actor: oktaUserActor(v), ip: attackerIp, ua: ATTACKER_UA, result: 'SUCCESS', session: { external: session }, authProvider: 'FACTOR_PROVIDER', credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'ASSERTION', debug: { factor: 'OKTA_VERIFY_PUSH', factorIntent: 'AUTHENTICATION' }, target: [oktaUserTarget(v), oktaMfaTarget(ctx, v, 'push')] });
    ctx.sink.add('okta', t, ok);
    const tS = t + 2000;
    const s = oktaEvent(rng, { t: tS, eventType: 'user.session.start', displayMessage: 'User login to Okta', legacyEventType: 'core.user_auth.login_success', actor: oktaUserActor(v), ip: attackerIp, ua: ATTACKER_UA, result: 'SUCCESS', session: { external: session }, authProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD', risk: { level: 'MEDIUM', newDevice: true, newIp: true } });
    ctx.sink.add('okta', tS, s);
    ids.push(ok.uuid as string, s.uuid as string);
    label(pl, 'mfa_fatigue', false, 'okta', { user: v.login, ip: attackerIp.ip }, [t0, tS], ids, { denials: n, style: 'classic deny_push', straddles: `${new Date(t0).toISOString().slice(11, 16)}–${new Date(t).toISOString().slice(11, 16)} UTC` });
  }
  // Okta Identity Engine: push rejections surface as auth_via_mfa FAILURE.
  {
    const v = victim(pl, 'mfa_fatigue', (p) => p.mfa === 'push');
    v.mfa = 'push';
    const d = day(ctx, 0.7);
    const t0 = localTime(d, v.city.tz, 22.3);
    const attackerIp = residentialIp(rng, v.city.key);
    const session = `idx${rng.base62(22)}`;
    const ids: string[] = [];
    const n = rng.int(9, 12);
    let t = t0;
    for (let i = 0; i < n; i++) {
      const e = oktaEvent(rng, { t, eventType: 'user.authentication.auth_via_mfa', displayMessage: 'Authentication of user via MFA', legacyEventType: 'core.user.factor.attempt_fail', actor: oktaUserActor(v), ip: attackerIp, ua: ATTACKER_UA, result: 'FAILURE', reason: 'INVALID_CREDENTIALS', session: { external: session }, authProvider: 'FACTOR_PROVIDER', credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'ASSERTION', requestUri: '/idp/idx/authenticators/poll', debug: { factor: 'OKTA_VERIFY_PUSH', factorIntent: 'AUTHENTICATION' }, target: [oktaUserTarget(v), oktaMfaTarget(ctx, v, 'push'), { id: ctx.oktaApps.dashboard.id, type: 'AppInstance', alternateId: 'Okta Dashboard', displayName: 'Okta Dashboard', detailEntry: null }] });
      ctx.sink.add('okta', t, e);
      ids.push(e.uuid as string);
      t += rng.int(28, 40) * 1000;
    }
    const ok = oktaEvent(rng, { t, eventType: 'user.authentication.auth_via_mfa', displayMessage: 'Authentication of user via MFA', legacyEventType: 'core.user.factor.attempt_success', actor: oktaUserActor(v), ip: attackerIp, ua: ATTACKER_UA, result: 'SUCCESS', session: { external: session }, authProvider: 'FACTOR_PROVIDER', credentialProvider: 'OKTA_CREDENTIAL_PROVIDER', credentialType: 'ASSERTION', requestUri: '/idp/idx/authenticators/poll', debug: { factor: 'OKTA_VERIFY_PUSH', factorIntent: 'AUTHENTICATION' }, target: [oktaUserTarget(v), oktaMfaTarget(ctx, v, 'push'), { id: ctx.oktaApps.dashboard.id, type: 'AppInstance', alternateId: 'Okta Dashboard', displayName: 'Okta Dashboard', detailEntry: null }] });
    ctx.sink.add('okta', t, ok);
    const s = oktaEvent(rng, { t: t + 1500, eventType: 'user.session.start', displayMessage: 'User login to Okta', legacyEventType: 'core.user_auth.login_success', actor: oktaUserActor(v), ip: attackerIp, ua: ATTACKER_UA, result: 'SUCCESS', session: { external: session }, authProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD' });
    ctx.sink.add('okta', t + 1500, s);
    ids.push(ok.uuid as string, s.uuid as string);
    label(pl, 'mfa_fatigue', false, 'okta', { user: v.login, ip: attackerIp.ip }, [t0, t + 1500], ids, { denials: n, style: 'identity engine auth_via_mfa FAILURE' });
  }
  // Entra: 500121 "MFA denied; user declined the authentication", then an approval.
  {
    const v = victim(pl, 'mfa_fatigue', (p) => p.mfa === 'push' && p.city.iso2 !== 'DE');
    v.mfa = 'push';
    const d = day(ctx, 0.2);
    const t0 = localTime(d, v.city.tz, 21.6);
    const attackerIp = residentialIp(rng, v.city.key);
    const dev = { ...v.desktop, ua: ATTACKER_UA.raw, deviceId: '', deviceName: '', managed: false, compliant: false, trustType: '' };
    const ids: string[] = [];
    const n = rng.int(7, 9);
    let t = t0;
    const corr = rng.uuid();
    for (let i = 0; i < n; i++) {
      ids.push(entraSignIn(ctx, rng, v, t, attackerIp, dev, { errorCode: 500121, failureReason: 'Authentication failed during strong authentication request.', additionalDetails: 'MFA denied; user declined the authentication', mfa: 'push', correlationId: corr }).id);
      t += rng.int(40, 60) * 1000;
    }
    ids.push(entraSignIn(ctx, rng, v, t, attackerIp, dev, { mfa: 'push', correlationId: corr }).id);
    label(pl, 'mfa_fatigue', false, 'entra', { user: v.login, ip: attackerIp.ip }, [t0, t], ids, { denials: n });
  }
}

function passwordSpray(pl: Planner): void {
  const { ctx, rng } = pl;
  {
    const d = day(ctx, 0.52, false);
    const ip = networkIp(rng, 'hosting_nl', 'hosting');
    const t0 = d + 2 * HOUR + rng.int(0, 20) * MINUTE;
    const pool = ctx.pop.humans.filter((p) => p.inOkta && !p.reservedFor && !p.quiet && activeAt(p, t0) && p.hire < ctx.win.start && !p.termination);
    const targets = rng.sample(pool, Math.min(32, pool.length));
    const ids: string[] = [];
    let t = t0;
    const ua = { raw: 'python-requests/2.32.3', os: 'Unknown', browser: 'UNKNOWN' };
    for (const p of targets) {
      const r = oktaLogin(ctx, rng, p, t, ip, p.desktop, { typos: 1, failOnly: true, uaOverride: ua, risk: { level: 'LOW', newGeo: true, newDevice: true, newIp: true } });
      ids.push(...r.typoIds);
      t += rng.int(40, 90) * 1000;
    }
    // One guess works: a European user without MFA enrolled, close enough to the spray network.
    const v = victim(pl, 'password_spray', (p) => EUROPE_NEAR_NL.includes(p.city.key), (p) => EUROPE_NEAR_NL.includes(p.city.key) || true);
    const near = EUROPE_NEAR_NL.includes(v.city.key);
    const s = oktaLogin(ctx, rng, v, t, near ? ip : residentialIp(rng, v.city.key), v.desktop, { mfa: 'none', uaOverride: ua, risk: { level: 'HIGH', newDevice: true, newIp: true } });
    ids.push(s.sessionStartId!);
    label(pl, 'password_spray', false, 'okta', { ip: ip.ip }, [t0, s.end], ids, { distinct_users: targets.length + 1, failures: targets.length, successes: 1, success_user: v.login });
  }
  {
    const d = day(ctx, 0.78, false);
    const ip = networkIp(rng, 'residential_ru', 'residential');
    const t0 = d + 3 * HOUR + rng.int(0, 20) * MINUTE;
    const pool = ctx.pop.humans.filter((p) => p.inEntra && !p.reservedFor && !p.quiet && activeAt(p, t0) && p.hire < ctx.win.start && !p.termination);
    const targets = rng.sample(pool, Math.min(26, pool.length));
    const ids: string[] = [];
    let t = t0;
    const dev = { ...pool[0].desktop, ua: 'Mozilla/5.0 (compatible; MSAL 1.0) PKeyAuth/1.0', deviceId: '', deviceName: '', managed: false, compliant: false, trustType: '', entraOs: '', entraBrowser: 'Rich Client 4.61.0.0' };
    for (const p of targets) {
      ids.push(entraSignIn(ctx, rng, p, t, ip, dev, { app: ENTRA_APPS.authBroker, errorCode: 50126, failureReason: 'Error validating credentials due to invalid username or password.', clientAppUsed: 'Mobile Apps and Desktop clients', protocol: 'ropc', userAgent: dev.ua }).id);
      t += rng.int(30, 80) * 1000;
    }
    label(pl, 'password_spray', false, 'entra', { ip: ip.ip }, [t0, t], ids, { distinct_users: targets.length, failures: targets.length, successes: 0 });
  }
}

const RISKY_APP = { appId: '7e2c4b1a-93f5-4d6e-a8c2-5b1f0e9d3a64', name: 'MailSort Pro', ownerTenant: '3f9b2c71-4a6d-4e8f-b1c5-92d7e0a4f6b3' };

function consentAudit(ctx: Ctx, rng: Rng, t: number, by: Person, app: { appId: string; name: string }, scopes: string, admin: boolean): Record<string, unknown> {
  const sp = spId(ctx, app.appId);
  const graphSp = spId(ctx, '00000003-0000-0000-c000-000000000000');
  const grantId = rng.base62(43);
  return audit(ctx, rng, t, {
    category: 'ApplicationManagement', activity: 'Consent to application', service: 'Core Directory', operationType: 'Assign',
    by: { user: { entraId: by.entraId, login: by.login, displayName: by.displayName, ip: null } },
    targets: [{
      id: sp, displayName: app.name, type: 'ServicePrincipal',
      modifiedProperties: [
        { displayName: 'ConsentContext.IsAdminConsent', oldValue: null, newValue: jstr(admin ? 'True' : 'False') },
        { displayName: 'ConsentContext.IsAppOnly', oldValue: null, newValue: jstr('False') },
        { displayName: 'ConsentContext.OnBehalfOfAll', oldValue: null, newValue: jstr(admin ? 'True' : 'False') },
        { displayName: 'ConsentContext.Tags', oldValue: null, newValue: jstr('WindowsAzureActiveDirectoryIntegratedApp') },
        { displayName: 'ConsentAction.Permissions', oldValue: null, newValue: jstr(`[] => [[Id: ${grantId}, ClientId: ${sp}, PrincipalId: ${admin ? '' : by.entraId}, ResourceId: ${graphSp}, ConsentType: ${admin ? 'AllPrincipals' : 'Principal'}, Scope: ${scopes}, CreatedDateTime: , LastModifiedDateTime: ]]; `) },
        { displayName: 'ConsentAction.Reason', oldValue: null, newValue: jstr('') },
        { displayName: 'TargetId.ServicePrincipalNames', oldValue: null, newValue: jstr(`${app.appId}`) },
      ],
    }],
    additionalDetails: [{ key: 'User-Agent', value: by.desktop.ua }, { key: 'AppId', value: app.appId }],
  });
}

function riskyConsent(pl: Planner): void {
  const { ctx, rng } = pl;
  {
    const v = victim(pl, 'risky_oauth_consent', () => true);
    const d = day(ctx, 0.55);
    const t = localTime(d, v.city.tz, 14.3);
    const sp = spId(ctx, RISKY_APP.appId);
    const addSp = audit(ctx, rng, t - 3000, {
      category: 'ApplicationManagement', activity: 'Add service principal', service: 'Core Directory', operationType: 'Add',
      by: { user: { entraId: v.entraId, login: v.login, displayName: v.displayName, ip: null } },
      targets: [{ id: sp, displayName: RISKY_APP.name, type: 'ServicePrincipal', modifiedProperties: [
        { displayName: 'AccountEnabled', oldValue: '[]', newValue: '[true]' },
        { displayName: 'AppPrincipalId', oldValue: '[]', newValue: jstr([RISKY_APP.appId]) },
        { displayName: 'DisplayName', oldValue: '[]', newValue: jstr([RISKY_APP.name]) },
        { displayName: 'ServicePrincipalName', oldValue: '[]', newValue: jstr([RISKY_APP.appId]) },
        { displayName: 'AppOwnerOrganizationId', oldValue: '[]', newValue: jstr([RISKY_APP.ownerTenant]) },
        { displayName: 'Included Updated Properties', oldValue: null, newValue: jstr('AccountEnabled, AppPrincipalId, DisplayName, ServicePrincipalName, AppOwnerOrganizationId') },
      ] }],
      additionalDetails: [{ key: 'AppId', value: RISKY_APP.appId }],
    });
    const scopes = ' openid profile offline_access User.Read Mail.ReadWrite Mail.Send';
    const grant = audit(ctx, rng, t - 1000, {
      category: 'ApplicationManagement', activity: 'Add delegated permission grant', service: 'Core Directory', operationType: 'Assign',
      by: { user: { entraId: v.entraId, login: v.login, displayName: v.displayName, ip: null } },
      targets: [{ id: spId(ctx, '00000003-0000-0000-c000-000000000000'), displayName: 'Microsoft Graph', type: 'ServicePrincipal', modifiedProperties: [{ displayName: 'DelegatedPermissionGrant.Scope', oldValue: null, newValue: jstr(scopes) }, { displayName: 'DelegatedPermissionGrant.ConsentType', oldValue: null, newValue: jstr('Principal') }, { displayName: 'ServicePrincipal.ObjectID', oldValue: null, newValue: jstr(sp) }] }],
    });
    const consent = consentAudit(ctx, rng, t, v, RISKY_APP, scopes, false);
    label(pl, 'risky_oauth_consent', false, 'entra', { user: v.login, app: RISKY_APP.appId }, [t - 3000, t], [consent.id as string, addSp.id as string, grant.id as string], { app_name: RISKY_APP.name, scopes: scopes.trim().split(/\s+/), admin_consent: false, verified_publisher: false, multi_tenant: true });
  }
  {
    const v = victim(pl, 'risky_oauth_consent', () => true);
    const d = day(ctx, 0.38);
    const t = localTime(d, v.city.tz, 11.2);
    const clientId = `${rng.digits(12)}-${rng.base62(32).toLowerCase()}.apps.googleusercontent.com`;
    const scopes = ['https://mail.google.com/', 'https://www.googleapis.com/auth/gmail.modify', 'https://www.googleapis.com/auth/userinfo.email', 'openid'];
    const e = wsActivity(rng, {
      t, app: 'token', customerId: ctx.tenants.googleCustomerId, actor: { email: v.login, profileId: v.googleId }, ip: v.homeIp.ip,
      events: [{ type: 'auth', name: 'authorize', parameters: [
        { name: 'client_id', value: clientId },
        { name: 'app_name', value: 'InboxZero Assistant' },
        { name: 'client_type', value: 'WEB' },
        { name: 'scope_data', multiMessageValue: scopes.map((s) => ({ parameter: [{ name: 'scope_name', value: s }, { name: 'product_bucket', multiValue: [s.includes('mail') || s.includes('gmail') ? 'GMAIL' : 'IDENTITY'] }] })) },
        { name: 'scope', multiValue: scopes },
      ] }],
    });
    ctx.sink.add('workspace', t, e);
    const uq = (e.id as { uniqueQualifier: string }).uniqueQualifier;
    label(pl, 'risky_oauth_consent', false, 'google_workspace', { user: v.login, app: clientId, ip: v.homeIp.ip }, [t], [uq], { app_name: 'InboxZero Assistant', scopes });
  }
}

function makeDormantAdmin(pl: Planner, role: EntraRoleKey | null, oktaRole: 'ORG_ADMIN' | 'SUPER_ADMIN' | null, daysDormant: number, reason: string): Person {
  const { ctx, rng } = pl;
  const p = victim(pl, reason, (x) => x.dept === 'IT' || x.dept === 'Engineering');
  p.quiet = true;
  p.dormant = true;
  p.lastSignInBefore = ctx.win.snapshotAt - daysDormant * DAY;
  p.created = Math.min(p.created, p.lastSignInBefore - 200 * DAY);
  p.hire = Math.min(p.hire, p.created + DAY);
  p.factorRegisteredAt = p.created + 3 * DAY;
  if (role) p.entraRoles.push({ role, kind: 'permanent', since: p.created + 30 * DAY, assignmentId: rng.base62(43), scheduleId: rng.uuid() });
  if (oktaRole) p.oktaRoles.push(oktaRole);
  return p;
}

function dormant(pl: Planner): void {
  const { ctx, rng } = pl;
  // Events after the inventory snapshot, on the window's last day: the snapshot still shows the
  // account as not signed in for months.
  const t0 = ctx.win.snapshotAt + rng.int(2, 6) * HOUR;
  {
    const p = makeDormantAdmin(pl, 'exchangeAdmin', null, 140, 'dormant_privileged_account');
    const ip = networkIp(rng, 'hosting_fr', 'hosting');
    const reg = registerFactor(ctx, rng, p, t0, 'push', ip);
    const s = entraSignIn(ctx, rng, p, t0 + 7 * MINUTE, ip, { ...p.desktop, ua: ATTACKER_UA.raw, deviceId: '', deviceName: '', managed: false, compliant: false, trustType: '' }, { mfa: 'push', app: ENTRA_APPS.azurePortal });
    label(pl, 'dormant_privileged_account', false, 'entra', { user: p.login, ip: ip.ip }, [t0, t0 + 7 * MINUTE], [reg.entra!, s.id], { role: ENTRA_ROLES.exchangeAdmin.name, days_since_last_signin: 140, registered: 'Microsoft Authenticator' });
  }
  {
    const p = makeDormantAdmin(pl, null, 'ORG_ADMIN', 95, 'dormant_privileged_account');
    const ip = networkIp(rng, 'hosting_fr', 'hosting');
    const t = t0 + rng.int(1, 3) * HOUR;
    const reg = registerFactor(ctx, rng, p, t, 'totp', ip);
    const s = oktaLogin(ctx, rng, p, t + 5 * MINUTE, ip, p.desktop, { mfa: 'totp', uaOverride: ATTACKER_UA, risk: { level: 'HIGH', newGeo: true, newDevice: true, newIp: true } });
    label(pl, 'dormant_privileged_account', false, 'okta', { user: p.login, ip: ip.ip }, [t, s.end], [reg.okta!, s.sessionStartId!], { role: 'Organizational Administrator', days_since_last_signin: 95, registered: 'Okta Verify TOTP' });
  }
  // Standing posture: privileged accounts that have not signed in for 45+ days (no event).
  const nPosture = ctx.pop.humans.length >= 500 ? 2 : 1;
  for (let i = 0; i < nPosture; i++) {
    const p = makeDormantAdmin(pl, i === 0 ? 'securityAdmin' : 'appAdmin', null, 60 + 50 * i, 'dormant_privileged_account');
    if (i === 1) p.hrStatus = 'Leave of Absence';
    label(pl, 'dormant_privileged_account', false, 'entra', { user: p.login }, [ctx.win.snapshotAt], [p.entraId], { posture: true, role: ENTRA_ROLES[i === 0 ? 'securityAdmin' : 'appAdmin'].name, days_since_last_signin: 60 + 50 * i });
  }
}

function terminatedSignin(pl: Planner, plan: LifecyclePlan): void {
  const { ctx, rng } = pl;
  const p = plan.leavers.find((x) => x.termination?.timing === 'never');
  if (!p) throw new Error('no never-disabled leaver planned');
  p.reservedFor = 'terminated_user_signin';
  let t = localTime(p.termination!.date + rng.int(3, 5) * DAY, p.city.tz, 10.2);
  if (t > ctx.win.end - 6 * HOUR) {
    // Keep the whole story inside the window: terminate earlier.
    const shift = t - (ctx.win.end - 6 * HOUR) + DAY;
    p.termination!.date = Math.floor((p.termination!.date - shift) / DAY) * DAY;
    p.termination!.enteredAt = p.termination!.date - 3 * DAY + 10 * HOUR;
    t = localTime(p.termination!.date + 3 * DAY, p.city.tz, 10.2);
  }
  const a = oktaLogin(ctx, rng, p, t, p.homeIp, p.desktop);
  const b = entraSignIn(ctx, rng, p, t + 3 * MINUTE, p.homeIp, p.desktop);
  label(pl, 'terminated_user_signin', false, 'okta', { user: p.login, ip: p.homeIp.ip }, [a.end], [a.sessionStartId!], { employee_id: p.employeeId, termination_date: new Date(p.termination!.date).toISOString().slice(0, 10), days_after: Math.floor((t - p.termination!.date) / DAY) });
  label(pl, 'terminated_user_signin', false, 'entra', { user: p.login, ip: p.homeIp.ip }, [t + 3 * MINUTE], [b.id], { employee_id: p.employeeId, termination_date: new Date(p.termination!.date).toISOString().slice(0, 10) });
}

function legacyAuth(pl: Planner): void {
  const { ctx, rng } = pl;
  const v = victim(pl, 'legacy_auth_success', (p) => EUROPE_NEAR_NL.includes(p.city.key), (p) => !p.carrier && !p.legacyClient);
  const near = EUROPE_NEAR_NL.includes(v.city.key);
  const ip = near ? networkIp(rng, 'hosting_nl', 'hosting') : residentialIp(rng, v.city.key);
  const d = day(ctx, 0.68, false);
  const t = localTime(d, v.city.tz, 3 + rng.int(0, 40) / 60);
  const dev = { ...v.desktop, ua: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.5452; Pro)', deviceId: '', deviceName: '', managed: false, compliant: false, trustType: '', entraOs: '', entraBrowser: '' };
  const common = { app: ENTRA_APPS.exchange, requirement: 'singleFactorAuthentication' as const, steps: [{ method: 'Password', detail: 'Password Hash Sync', succeeded: true, result: 'Correct password', requirement: 'Primary authentication' }], caPolicies: [{ displayName: 'CA002: Block legacy authentication', id: '1b6e0d4c-8f2a-47c3-b9e5-3a7d2c9f0e84', result: 'notApplied', grant: ['Block'] }] };
  const a = entraSignIn(ctx, rng, v, t, ip, dev, { ...common, clientAppUsed: 'IMAP4', userAgent: 'python-imaplib/3.12' });
  const b = entraSignIn(ctx, rng, v, t + rng.int(15, 25) * MINUTE, ip, dev, { ...common, clientAppUsed: 'Authenticated SMTP', userAgent: 'BAV2ROPC' });
  label(pl, 'legacy_auth_success', false, 'entra', { user: v.login, ip: ip.ip }, [t, t + 25 * MINUTE], [a.id, b.id], { protocols: ['IMAP4', 'Authenticated SMTP'], status: 0 });
}

function adminOutsidePim(pl: Planner): void {
  const { ctx, rng } = pl;
  {
    const actor = ctx.pop.people.find((p) => p.kind === 'employee' && p.entraRoles.some((g) => g.role === 'privRoleAdmin' || g.role === 'globalAdmin') && !p.reservedFor && !p.quiet)!;
    const target = victim(pl, 'admin_role_outside_pim', () => true);
    const d = day(ctx, 0.35);
    const t = localTime(d, actor.city.tz, 19.6);
    const e = audit(ctx, rng, t, {
      category: 'RoleManagement', activity: 'Add member to role', service: 'Core Directory', operationType: 'Assign',
      by: { user: { entraId: actor.entraId, login: actor.login, displayName: actor.displayName, ip: actor.homeIp.ip } },
      targets: roleTargets(target, { role: 'globalAdmin' }),
      additionalDetails: [{ key: 'User-Agent', value: actor.desktop.ua }],
    });
    ctx.directGrants.push({ login: target.login, role: 'globalAdmin', at: t, id: e.id as string });
    label(pl, 'admin_role_outside_pim', false, 'entra', { user: target.login, ip: actor.homeIp.ip }, [t], [e.id as string], { role: 'Global Administrator', granted_by: actor.login, via_pim: false });
  }
  {
    const actor = ctx.pop.people.find((p) => p.kind === 'employee' && p.oktaRoles.includes('SUPER_ADMIN') && !p.reservedFor && !p.quiet)!;
    const target = victim(pl, 'admin_role_outside_pim', () => true);
    const d = day(ctx, 0.58);
    const t = localTime(d, actor.city.tz, 18.9);
    const e = oktaEvent(rng, {
      t, eventType: 'user.account.privilege.grant', displayMessage: 'Grant user privilege', legacyEventType: 'core.user.admin_privilege.granted',
      actor: oktaUserActor(actor), ip: actor.homeIp, ua: { raw: actor.desktop.ua, os: actor.desktop.oktaOs, browser: actor.desktop.oktaBrowser }, result: 'SUCCESS', session: { external: `idx${rng.base62(22)}` },
      debug: { privilegeGranted: 'Super administrator' }, requestUri: `/api/v1/users/${target.oktaId}/roles`,
      target: [oktaUserTarget(target)],
    });
    ctx.sink.add('okta', t, e);
    ctx.oktaDirectGrants.push({ login: target.login, role: 'SUPER_ADMIN', at: t });
    label(pl, 'admin_role_outside_pim', false, 'okta', { user: target.login, ip: actor.homeIp.ip }, [t], [e.uuid as string], { role: 'Super Administrator', granted_by: actor.login });
  }
}

function breakGlass(pl: Planner): void {
  const { ctx, rng } = pl;
  const bg = ctx.pop.byLogin.get('breakglass-01@acme.example')!;
  const d = day(ctx, 0.82, false);
  const t = d + 2 * HOUR + rng.int(5, 50) * MINUTE;
  const ip = bg.officeIp ?? bg.homeIp;
  const a = entraSignIn(ctx, rng, bg, t, ip, bg.desktop, { app: ENTRA_APPS.azurePortal, mfa: 'fido2' });
  const b = entraSignIn(ctx, rng, bg, t + 4 * MINUTE, ip, bg.desktop, { app: ENTRA_APPS.graphCli, mfa: 'fido2', previouslySatisfied: true });
  label(pl, 'break_glass_signin', false, 'entra', { user: bg.login, ip: ip.ip }, [t, t + 4 * MINUTE], [a.id, b.id], { account: 'breakglass-01', scheduled_test: false });
}

function sessionReplay(pl: Planner): void {
  const { ctx, rng } = pl;
  {
    const v = victim(pl, 'session_replay', (p) => p.city.key === 'london' && !p.carrier, fixedHome);
    const d = day(ctx, 0.22);
    blackoutDay(v, d);
    const t = localTime(d, v.city.tz, 9.25);
    const home = v.homeIp;
    const login = oktaLogin(ctx, rng, v, t, home, v.desktop);
    const s1 = oktaSso(ctx, rng, v, t + 2 * MINUTE, home, v.desktop, login.session, ctx.oktaApps.slack);
    // The stolen session cookie replayed from another country and network (within 500 km).
    const evil = near(v.city.key) ? networkIp(rng, 'hosting_nl', 'hosting') : networkIp(rng, 'hosting_fr', 'hosting');
    const evilDev = { ...v.desktop, ua: ATTACKER_UA.raw, oktaOs: 'Windows 10', oktaBrowser: 'CHROME' };
    const ids = [login.sessionStartId!, s1];
    let tr = t + rng.int(6, 9) * MINUTE;
    const t0r = tr;
    for (const app of [ctx.oktaApps.office365, ctx.oktaApps.salesforce, ctx.oktaApps.box]) {
      ids.push(oktaSso(ctx, rng, v, tr, evil, evilDev, login.session, app));
      tr += rng.int(40, 120) * 1000;
    }
    label(pl, 'session_replay', false, 'okta', { user: v.login, ip: evil.ip }, [t, tr], ids, { session: login.session, first_ip: home.ip, first_country: home.iso2, replay_ip: evil.ip, replay_country: evil.iso2, replay_asn: evil.asn, minutes_to_replay: Math.round((t0r - t) / MINUTE) });
  }
  {
    const v = victim(pl, 'session_replay', (p) => p.city.key === 'london' && !p.carrier, fixedHome);
    const d = day(ctx, 0.66);
    blackoutDay(v, d);
    const t = localTime(d, v.city.tz, 10);
    const first = entraSignIn(ctx, rng, v, t, v.homeIp, v.desktop);
    const evil = v.city.iso2 === 'FR' ? networkIp(rng, 'hosting_nl', 'hosting') : networkIp(rng, 'hosting_fr', 'hosting');
    const dev = { ...v.desktop, ua: ATTACKER_UA.raw, deviceId: '', deviceName: '', managed: false, compliant: false, trustType: '' };
    const ids = [first.id];
    let tr = t + rng.int(7, 11) * MINUTE;
    for (const app of [ENTRA_APPS.outlook, ENTRA_APPS.oneDrive, ENTRA_APPS.teams]) {
      ids.push(entraSignIn(ctx, rng, v, tr, evil, dev, { interactive: false, app, sessionId: first.sessionId, correlationId: first.correlationId }).id);
      tr += rng.int(30, 90) * 1000;
    }
    label(pl, 'session_replay', false, 'entra', { user: v.login, ip: evil.ip }, [t, tr], ids, { session: first.sessionId, first_ip: v.homeIp.ip, first_country: v.homeIp.iso2, replay_ip: evil.ip, replay_country: evil.iso2, replay_asn: evil.asn });
  }
}

function near(city: string): boolean {
  return ['london', 'manchester', 'paris', 'hamburg', 'berlin', 'copenhagen', 'zurich', 'munich', 'dublin'].includes(city) && city !== 'amsterdam';
}

// ---------------------------------------------------------------- benign look-alikes

function vpnHop(pl: Planner): void {
  const { ctx, rng } = pl;
  {
    const v = victim(pl, 'vpn_hop', (p) => ['madrid', 'barcelona', 'lisbon', 'new_york', 'toronto', 'warsaw'].includes(p.city.key) && !p.carrier, fixedHome);
    const d = day(ctx, 0.4);
    blackoutDay(v, d);
    const t = localTime(d, v.city.tz, 9.1);
    const a = oktaLogin(ctx, rng, v, t, v.homeIp, v.desktop);
    const vpn = VPN_EGRESS.reduce((best, x) => (haversineKm(v.homeIp.lat, v.homeIp.lon, x.lat, x.lon) > haversineKm(v.homeIp.lat, v.homeIp.lon, best.lat, best.lon) ? x : best));
    const t2 = t + rng.int(8, 14) * MINUTE;
    const b = oktaLogin(ctx, rng, v, t2, vpn, v.desktop);
    label(pl, 'vpn_hop', true, 'okta', { user: v.login, ip: vpn.ip }, [a.end, b.end], [a.sessionStartId!, b.sessionStartId!], { vpn_asn: vpn.asn, ...speedKmh(v.homeIp, a.end, vpn, b.end) });
  }
  {
    const v = victim(pl, 'vpn_hop', (p) => ['san_francisco', 'seattle', 'austin', 'chicago', 'bangalore', 'sydney'].includes(p.city.key) && !p.carrier, fixedHome);
    const d = day(ctx, 0.74);
    blackoutDay(v, d);
    const t = localTime(d, v.city.tz, 9.4);
    const a = entraSignIn(ctx, rng, v, t, v.homeIp, v.desktop);
    const vpn = VPN_EGRESS[2];
    const t2 = t + rng.int(10, 16) * MINUTE;
    const b = entraSignIn(ctx, rng, v, t2, vpn, v.desktop);
    label(pl, 'vpn_hop', true, 'entra', { user: v.login, ip: vpn.ip }, [t, t2], [a.id, b.id], { vpn_asn: vpn.asn, ...speedKmh(v.homeIp, t, vpn, t2) });
  }
}

function carrierHop(pl: Planner): void {
  const { ctx, rng } = pl;
  const candidates: [string, number][] = [['US', 1500], ['AU', 700], ['IN', 700], ['DE', 500]];
  let done = 0;
  for (const [iso2, minKm] of candidates) {
    if (done >= 2) break;
    let v: Person;
    try {
      v = victim(pl, 'carrier_hop', (p) => p.city.iso2 === iso2, (p) => p.city.iso2 === iso2 && fixedHome(p));
    } catch {
      continue;
    }
    if (v.city.iso2 !== iso2) { v.reservedFor = undefined; continue; }
    const ip = farCarrierIp(rng, iso2, v.homeIp.lat, v.homeIp.lon, minKm);
    if (!ip) { v.reservedFor = undefined; continue; }
    const d = day(ctx, done === 0 ? 0.5 : 0.86);
    blackoutDay(v, d);
    const t = localTime(d, v.city.tz, 8.9);
    const t2 = t + rng.int(15, 25) * MINUTE;
    if (done === 0) {
      const a = entraSignIn(ctx, rng, v, t, v.homeIp, v.desktop);
      const b = entraSignIn(ctx, rng, v, t2, ip, v.mobile, { app: ENTRA_APPS.teams, clientAppUsed: 'Mobile Apps and Desktop clients' });
      label(pl, 'carrier_hop', true, 'entra', { user: v.login, ip: ip.ip }, [t, t2], [a.id, b.id], { carrier_asn: ip.asn, carrier: ip.org, ...speedKmh(v.homeIp, t, ip, t2) });
    } else {
      const a = oktaLogin(ctx, rng, v, t, v.homeIp, v.desktop);
      const b = oktaLogin(ctx, rng, v, t2, ip, v.mobile, { uaOverride: { raw: v.mobile.ua, os: v.mobile.oktaOs, browser: v.mobile.oktaBrowser } });
      label(pl, 'carrier_hop', true, 'okta', { user: v.login, ip: ip.ip }, [a.end, b.end], [a.sessionStartId!, b.sessionStartId!], { carrier_asn: ip.asn, carrier: ip.org, ...speedKmh(v.homeIp, a.end, ip, b.end) });
    }
    done++;
  }
  if (done === 0) throw new Error('no carrier-hop look-alike could be placed');
}

function adminConsentKnown(pl: Planner): void {
  const { ctx, rng } = pl;
  const admin = ctx.pop.people.find((p) => p.kind === 'employee' && p.entraRoles.some((g) => g.role === 'globalAdmin' || g.role === 'cloudAppAdmin' || g.role === 'appAdmin') && !p.reservedFor && !p.quiet)!;
  const apps = [{ appId: ENTRA_APPS.graphCli.appId, name: ENTRA_APPS.graphCli.name }, { appId: KNOWN_THIRD_PARTY_APPS[1].appId, name: KNOWN_THIRD_PARTY_APPS[1].name }];
  apps.forEach((app, i) => {
    const d = day(ctx, i === 0 ? 0.28 : 0.6);
    const t = localTime(d, admin.city.tz, 10.5 + i);
    const scopes = i === 0 ? ' offline_access openid profile User.Read.All Group.ReadWrite.All Mail.ReadWrite' : ' offline_access openid profile email User.Read Calendars.ReadWrite';
    const e = consentAudit(ctx, rng, t, admin, app, scopes, true);
    label(pl, 'admin_consent_known_app', true, 'entra', { user: admin.login, app: app.appId }, [t], [e.id as string], { app_name: app.name, admin_consent: true, scopes: scopes.trim().split(/\s+/) });
  });
}

function passwordTypos(pl: Planner): void {
  const { ctx, rng } = pl;
  {
    const v = victim(pl, 'password_typos', () => true);
    const d = day(ctx, 0.15);
    blackoutDay(v, d);
    const t = localTime(d, v.city.tz, 8.7);
    const r = oktaLogin(ctx, rng, v, t, v.homeIp, v.desktop, { typos: 3 });
    label(pl, 'password_typos', true, 'okta', { user: v.login, ip: v.homeIp.ip }, [t, r.end], [...r.typoIds, r.sessionStartId!], { failures: 3, then: 'success' });
  }
  {
    const v = victim(pl, 'password_typos', () => true);
    const d = day(ctx, 0.9);
    blackoutDay(v, d);
    const t = localTime(d, v.city.tz, 9.3);
    const ids: string[] = [];
    let tt = t;
    for (let i = 0; i < 3; i++) {
      ids.push(entraSignIn(ctx, rng, v, tt, v.homeIp, v.desktop, { errorCode: 50126, failureReason: 'Error validating credentials due to invalid username or password.' }).id);
      tt += rng.int(10, 35) * 1000;
    }
    ids.push(entraSignIn(ctx, rng, v, tt, v.homeIp, v.desktop).id);
    label(pl, 'password_typos', true, 'entra', { user: v.login, ip: v.homeIp.ip }, [t, tt], ids, { failures: 3, then: 'success' });
  }
}

export function genuineTripLabels(pl: Planner, trips: Trip[]): void {
  for (const trip of trips) {
    const p = trip.person;
    const out = speedKmh(p.homeIp, trip.leaveSignIn, trip.destIp, trip.arriveSignIn);
    label(pl, 'genuine_trip', true, 'okta', { user: p.login, ip: trip.destIp.ip }, [trip.leaveSignIn, trip.returnArriveSignIn], [...trip.ids.out, ...trip.ids.back], { from: p.homeIp.city, to: trip.destIp.city, ...out });
  }
}

/** Reserves scenario people before routine activity is generated (they get scenario-specific days). */
export function planAndInjectScenarios(ctx: Ctx, rng: Rng, plan: LifecyclePlan): { planner: Planner } {
  const pl: Planner = { ctx, rng, labels: [], seq: 0 };
  const run: [string, (p: Planner) => void][] = [
    ['dormant', dormant],
    ['impossible_travel', impossibleTravel],
    ['mfa_fatigue', mfaFatigue],
    ['password_spray', passwordSpray],
    ['risky_oauth_consent', riskyConsent],
    ['terminated', (p) => terminatedSignin(p, plan)],
    ['legacy_auth', legacyAuth],
    ['admin_outside_pim', adminOutsidePim],
    ['break_glass', breakGlass],
    ['session_replay', sessionReplay],
    ['vpn_hop', vpnHop],
    ['carrier_hop', carrierHop],
    ['admin_consent_known_app', adminConsentKnown],
    ['password_typos', passwordTypos],
  ];
  for (const [name, fn] of run) fn({ ...pl, rng: rng.fork(name), labels: pl.labels, get seq() { return pl.seq; }, set seq(v: number) { pl.seq = v; } } as Planner);
  return { planner: pl };
}
