/**
 * Routine activity of the workforce, one day at a time: business-hours sign-ins in local time
 * (Okta session + MFA, SSO into apps, Entra interactive and non-interactive token refreshes from the
 * same device, Workspace and AWS console sign-ins), office and home networks, afternoons on the
 * corporate VPN, mobile carriers, password typos, a mis-tapped push now and then, legacy mail
 * clients blocked by Conditional Access, configuration and policy failures, service accounts.
 */
import type { Ctx } from './ctx.js';
import { awsConsoleSignIn, entraRefreshApps, entraSignIn, googleLogin, oktaLogin, oktaSessionEnd, oktaSso, oktaMfaTarget } from './flows.js';
import { carrierIp, CITY_BY_KEY, type IpInfo, networkIp, residentialIp, VPN_EGRESS } from './geo.js';
import { ENTRA_APPS, type EntraApp } from './org.js';
import type { Person } from './population.js';
import type { Rng } from './prng.js';
import { DAY, HOUR, MINUTE, localTime } from './time.js';
import { CA_POLICIES } from './vendors/entra.js';
import { cloudTrail } from './vendors/cloudtrail.js';
import { SCRIPT_UAS } from './devices.js';
import { deviceUa, oktaEvent, oktaUserActor, oktaUserTarget } from './vendors/okta.js';

export interface Trip {
  person: Person;
  dest: string;
  destIp: IpInfo;
  /** Last sign-in at home before leaving, first sign-in at the destination, and the way back. */
  leaveSignIn: number;
  arriveSignIn: number;
  returnLeaveSignIn: number;
  returnArriveSignIn: number;
  leaveDay: number;
  returnDay: number;
  ids: { out: string[]; back: string[] };
}

export interface DayPlan {
  /** login → the trip the person is on (stay days and travel days). */
  trips: Map<string, Trip>;
}

/** A person's routine is skipped on these (login → day starts), e.g. travel days handled elsewhere. */
export type SkipSet = Map<string, Set<number>>;

function isActive(p: Person, t: number): boolean {
  if (t < p.hire) return false;
  if (p.termination && t >= p.termination.date - 2 * HOUR) return false;
  return true;
}

export function activeAt(p: Person, t: number): boolean {
  return isActive(p, t);
}

function base0(p: Person, trip: Trip | undefined): IpInfo {
  return trip ? trip.destIp : p.homeIp;
}

const CUSTOM_SVC_APP: EntraApp = { appId: 'a1f3c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b', name: 'Acme Reporting Service', resourceId: '00000003-0000-0000-c000-000000000000', resourceName: 'Microsoft Graph', firstParty: false };

export function routineDay(ctx: Ctx, rng: Rng, p: Person, dayStart: number, trip: Trip | undefined): void {
  if (p.quiet) return;
  if (p.kind === 'service') return serviceDay(ctx, rng, p, dayStart);
  const dow = new Date(dayStart).getUTCDay();
  const weekend = dow === 0 || dow === 6;
  const staying = trip !== undefined;
  const tz = staying ? CITY_BY_KEY[trip.dest].tz : p.city.tz;
  if (p.legacyClient && weekend && isActive(p, dayStart) && p.inEntra) {
    // A legacy mail client keeps polling over the weekend too (and keeps being blocked).
    const tl = localTime(dayStart, tz, rng.float(8, 22));
    entraSignIn(ctx, rng, p, tl, base0(p, trip), p.desktop, {
      app: ENTRA_APPS.exchange, clientAppUsed: p.legacyClient, errorCode: 53003,
      failureReason: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
      requirement: 'singleFactorAuthentication', steps: [{ method: 'Password', detail: 'Password Hash Sync', succeeded: true, result: 'Correct password', requirement: 'Primary authentication' }],
      caPolicies: [{ ...CA_POLICIES.blockLegacy, result: 'failure', grant: ['Block'] }, { ...CA_POLICIES.mfaAll, result: 'notApplied', grant: ['Mfa'] }],
    });
  }
  if (p.kind === 'orphan' && !rng.chance(0.2)) return;
  if (p.kind === 'secondary' && !rng.chance(0.3)) return;
  if (weekend ? !rng.chance(0.05) : !rng.chance(0.93)) return;

  const start = localTime(dayStart, tz, Math.min(10.5, Math.max(6.5, rng.normal(8.4, 0.7))));
  const end = weekend ? start + rng.int(20, 90) * MINUTE : localTime(dayStart, tz, Math.min(20, Math.max(15.5, rng.normal(17.6, 0.8))));
  if (!isActive(p, start) || !isActive(p, end)) return;
  // A traveller's first working day abroad starts only after the arrival sign-in.
  if (staying && start < trip.arriveSignIn + HOUR) return;
  if (p.blackout && p.blackout.some(([a, b]) => end > a && start < b)) return;
  const base = staying ? trip.destIp : !weekend && p.officeBased && p.officeIp && dow >= 2 && dow <= 4 ? p.officeIp : p.homeIp;
  const vpn = !weekend && !staying && rng.chance(p.vpnRate) ? { from: localTime(dayStart, tz, rng.float(12.5, 15)), to: localTime(dayStart, tz, rng.float(15.5, 19)), ip: rng.pick(VPN_EGRESS) } : undefined;
  const ipAt = (t: number): IpInfo => (vpn && t >= vpn.from && t < vpn.to ? vpn.ip : base);
  const dev = p.desktop;

  if (p.inOkta) {
    const typos = rng.chance(0.012) ? 1 : rng.chance(0.003) ? 2 : 0;
    const mistap = (p.mfa === 'push' && rng.chance(0.004));
    if (mistap) {
      // A user who mis-taps "No" once on the push and then approves the retry.
      const e = oktaEvent(rng, {
        t: start - 50_000, eventType: 'user.mfa.okta_verify.deny_push', displayMessage: 'User rejected Okta push verify', legacyEventType: 'core.user.factor.attempt_fail',
        actor: oktaUserActor(p), ip: base, ua: deviceUa(dev), result: 'FAILURE', reason: 'User rejected Okta push verify', session: { external: 'unknown' },
        requestUri: '/idp/idx/authenticators/poll', debug: { factor: 'OKTA_VERIFY_PUSH' }, target: [oktaUserTarget(p), oktaMfaTarget(ctx, p, 'push')],
      });
      ctx.sink.add('okta', start - 50_000, e);
    }
    const login = oktaLogin(ctx, rng, p, start, ipAt(start), dev, { typos });
    const apps = [ctx.oktaApps.slack, ctx.oktaApps.salesforce, ctx.oktaApps.zoom, ctx.oktaApps.jira, ctx.oktaApps.servicenow, ctx.oktaApps.box, ctx.oktaApps.workday, ...(p.engineer ? [ctx.oktaApps.github, ctx.oktaApps.github] : [])];
    const nSso = weekend ? 0 : rng.chance(0.6) ? 1 : 0;
    for (let i = 0; i < nSso; i++) {
      const t = login.end + rng.float(0.02, 1) * (end - login.end);
      oktaSso(ctx, rng, p, t, ipAt(t), dev, login.session, rng.pick(apps));
    }
    if (p.inGoogle && rng.chance(0.35)) {
      const t = login.end + rng.int(2, 25) * MINUTE;
      oktaSso(ctx, rng, p, t, ipAt(t), dev, login.session, ctx.oktaApps.google);
      googleLogin(ctx, rng, p, t + rng.int(2, 6) * 1000, ipAt(t));
    }
    if (p.aws && !weekend && rng.chance(0.5)) {
      const t = login.end + rng.int(15, 180) * MINUTE;
      if (t < end) {
        oktaSso(ctx, rng, p, t, ipAt(t), dev, login.session, ctx.oktaApps.aws);
        awsConsoleSignIn(ctx, rng, p, t + rng.int(3, 9) * 1000, ipAt(t), dev);
      }
    }
    if (!weekend && rng.chance(0.12)) {
      const t = localTime(dayStart, tz, rng.float(13, 16));
      if (t < end) oktaLogin(ctx, rng, p, t, ipAt(t), dev);
    }
    if (rng.chance(0.002)) {
      const t = login.end + rng.int(5, 120) * MINUTE;
      const e = oktaEvent(rng, {
        t, eventType: 'app.generic.unauth_app_access_attempt', displayMessage: 'User attempted unauthorized access to app', legacyEventType: 'app.generic.unauth_app_access_attempt',
        actor: oktaUserActor(p), ip: ipAt(t), ua: deviceUa(dev), result: 'FAILURE', reason: 'User not assigned to app', session: { external: login.session },
        target: [{ id: ctx.oktaApps.github.id, type: 'AppInstance', alternateId: ctx.oktaApps.github.label, displayName: ctx.oktaApps.github.label, detailEntry: null }],
      });
      ctx.sink.add('okta', t, e);
    }
    if (rng.chance(0.2)) oktaSessionEnd(ctx, rng, p, end, ipAt(end), dev, login.session);
  }

  if (p.inEntra) {
    let t = start + rng.int(40, 240) * 1000;
    if (rng.chance(0.008)) {
      entraSignIn(ctx, rng, p, t, ipAt(t), dev, { errorCode: 50126, failureReason: 'Error validating credentials due to invalid username or password.' });
      t += rng.int(15, 60) * 1000;
    }
    if (p.mfa !== 'none' && !['fido2', 'passkey', 'whfb'].includes(p.mfa) && rng.chance(0.12)) {
      entraSignIn(ctx, rng, p, t, ipAt(t), dev, { errorCode: 50074, failureReason: 'Strong Authentication is required.', additionalDetails: 'MFA required in Azure AD', steps: [{ method: 'Password', detail: 'Password Hash Sync', succeeded: true, result: 'Correct password' }] });
      t += rng.int(8, 30) * 1000;
    }
    if (p.mfa === 'push' && rng.chance(0.002)) {
      entraSignIn(ctx, rng, p, t, ipAt(t), dev, { errorCode: 500121, failureReason: 'Authentication failed during strong authentication request.', additionalDetails: 'MFA denied; user declined the authentication' });
      t += rng.int(20, 60) * 1000;
    }
    const app = p.kind === 'secondary' ? ENTRA_APPS.azurePortal : ENTRA_APPS.officeHome;
    const main = entraSignIn(ctx, rng, p, t, ipAt(t), dev, { app });
    if (rng.chance(0.08)) {
      entraSignIn(ctx, rng, p, t + 5000, ipAt(t), dev, { errorCode: 50140, failureReason: "This error occurred due to 'Keep me signed in' interrupt when the user was signing in.", previouslySatisfied: true, app });
    }
    const nRefresh = weekend ? 0 : rng.int(0, 2);
    const refreshApps = entraRefreshApps();
    for (let i = 0; i < nRefresh; i++) {
      const tr = t + rng.float(0.1, 1) * (end - t);
      entraSignIn(ctx, rng, p, tr, ipAt(tr), dev, { interactive: false, app: rng.pick(refreshApps), sessionId: main.sessionId });
    }
    if (!weekend && rng.chance(0.25)) {
      // Outlook on the phone refreshing its token in the evening, at home or over the carrier.
      const tm = localTime(dayStart, tz, rng.float(18.5, 21.5));
      const ip = p.carrier && !staying && rng.chance(0.5) ? carrierIp(rng, p.city.iso2) ?? base : base;
      if (isActive(p, tm)) entraSignIn(ctx, rng, p, tm, ip, p.mobile, { interactive: false, app: ENTRA_APPS.outlook, sessionId: rng.uuid(), clientAppUsed: 'Mobile Apps and Desktop clients' });
    }
    if (!weekend && p.carrier && !staying && rng.chance(0.04)) {
      // An interactive sign-in on the phone over mobile data: the carrier egress geolocates far away.
      const tm = localTime(dayStart, tz, rng.float(12, 14));
      const ip = carrierIp(rng, p.city.iso2);
      if (ip && tm < end) entraSignIn(ctx, rng, p, tm, ip, p.mobile, { app: ENTRA_APPS.teams, clientAppUsed: 'Mobile Apps and Desktop clients', previouslySatisfied: true });
    }
    if (p.legacyClient && !weekend) {
      for (let i = 0; i < rng.int(1, 3); i++) {
        const tl = start + rng.float(0, 1) * (end - start);
        entraSignIn(ctx, rng, p, tl, ipAt(tl), dev, {
          app: ENTRA_APPS.exchange, clientAppUsed: p.legacyClient, errorCode: 53003,
          failureReason: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
          requirement: 'singleFactorAuthentication', userAgent: p.legacyClient === 'Exchange ActiveSync' ? 'Apple-iPhone15C2/2207.100' : 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.5452; Pro)',
          steps: [{ method: 'Password', detail: 'Password Hash Sync', succeeded: true, result: 'Correct password', requirement: 'Primary authentication' }],
          caPolicies: [{ ...CA_POLICIES.blockLegacy, result: 'failure', grant: ['Block'] }, { ...CA_POLICIES.mfaAll, result: 'notApplied', grant: ['Mfa'] }],
        });
      }
    }
    if (rng.chance(weekend ? 0.02 : 0.004)) {
      // Configuration and policy failures (not typos, not MFA interrupts): the auth error rate KPI.
      const tc = start + rng.float(0.1, 0.9) * (end - start);
      const kind = rng.pick([
        { code: 53000, reason: 'Device is not in required device state: compliant. Conditional Access policy requires a compliant device, and the device is not compliant.', app: ENTRA_APPS.azurePortal },
        { code: 50105, reason: "Your administrator has configured the application to block users unless they are specifically granted ('assigned') access to the application.", app: ENTRA_APPS.graphCli },
        { code: 65001, reason: 'The user or administrator has not consented to use the application.', app: ENTRA_APPS.graphCli },
        { code: 700016, reason: "Application with identifier was not found in the directory. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.", app: CUSTOM_SVC_APP },
      ]);
      entraSignIn(ctx, rng, p, tc, ipAt(tc), dev, { app: kind.app, errorCode: kind.code, failureReason: kind.reason, steps: [{ method: 'Password', detail: 'Password Hash Sync', succeeded: true, result: 'Correct password' }] });
    }
  }
  if (p.inGoogle && !p.inOkta && rng.chance(0.4)) googleLogin(ctx, rng, p, start + 5 * MINUTE, base);
}

const IAM_CALLS: [string, boolean][] = [['GetRole', true], ['ListRoles', true], ['GetPolicy', true], ['ListAttachedRolePolicies', true], ['CreateRole', false], ['AttachRolePolicy', false], ['PutRolePolicy', false], ['TagRole', false], ['UpdateAssumeRolePolicy', false]];

/** Terraform applying IAM changes with an access key: the few IAM API calls of the CloudTrail export. */
function iamApiCalls(ctx: Ctx, rng: Rng, p: Person, dayStart: number, ip: IpInfo): void {
  const acct = ctx.tenants.awsAccountId;
  const keyRng = ctx.rng.fork(`aws-key/${p.login}`);
  const principal = `AIDA${keyRng.base62(17).toUpperCase()}`;
  const key = `AKIA${keyRng.base62(16).toUpperCase()}`;
  const runAt = dayStart + rng.int(6, 20) * HOUR + rng.int(0, 3599) * 1000;
  for (let i = 0; i < rng.int(2, 6); i++) {
    const [name, readOnly] = rng.pick(IAM_CALLS);
    const t = runAt + i * rng.int(1, 20) * 1000;
    const roleName = `acme-${rng.pick(['app', 'etl', 'ci', 'lambda'])}-${rng.pick(['prod', 'staging'])}-role`;
    ctx.sink.add('cloudtrail', t, cloudTrail(rng, {
      t, accountId: acct, region: 'us-east-1', eventSource: 'iam.amazonaws.com', eventName: name, eventType: 'AwsApiCall', readOnly,
      userIdentity: { type: 'IAMUser', principalId: principal, arn: `arn:aws:iam::${acct}:user/${p.login.split('@')[0]}`, accountId: acct, accessKeyId: key, userName: p.login.split('@')[0] },
      sourceIp: ip.ip, userAgent: SCRIPT_UAS.terraform,
      requestParameters: name === 'ListRoles' ? { maxItems: 100 } : name.includes('Policy') && name !== 'GetPolicy' ? { roleName, policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } : name === 'GetPolicy' ? { policyArn: `arn:aws:iam::${acct}:policy/acme-boundary` } : { roleName },
      responseElements: name === 'CreateRole' ? { role: { path: '/', roleName, roleId: `AROA${rng.base62(17).toUpperCase()}`, arn: `arn:aws:iam::${acct}:role/${roleName}`, createDate: new Date(t).toUTCString() } } : null,
    }), 'us-east-1');
  }
}

/** Service accounts: scripted sign-ins around the clock from the cloud egress, no MFA. */
function serviceDay(ctx: Ctx, rng: Rng, p: Person, dayStart: number): void {
  const r = ctx.rng.fork(`svc-ip/${p.login}`);
  const ip = networkIp(r, 'aws_us_east_1', 'cloud');
  if (p.login.startsWith('svc-terraform@')) iamApiCalls(ctx, rng, p, dayStart, ip);
  const runs = rng.int(2, 5);
  for (let i = 0; i < runs; i++) {
    const t = dayStart + rng.int(0, 23) * HOUR + rng.int(0, 3599) * 1000;
    entraSignIn(ctx, rng, p, t, ip, p.desktop, {
      app: CUSTOM_SVC_APP, mfa: 'none', requirement: 'singleFactorAuthentication', protocol: 'ropc', clientAppUsed: 'Mobile Apps and Desktop clients',
      userAgent: 'python-requests/2.32.3', caPolicies: [{ ...CA_POLICIES.mfaAll, result: 'notApplied', grant: ['Mfa'] }],
    });
  }
}

/** Plans a few genuine business trips per week (plausible flight times between sign-ins). */
export function planTrips(ctx: Ctx, rng: Rng, candidates: Person[]): Trip[] {
  const weeks = Math.max(1, ctx.win.days / 7);
  const n = Math.max(2, Math.round(Math.max(3, candidates.length * 0.0015) * weeks));
  const trips: Trip[] = [];
  const used = new Set<string>();
  const dests = ['london', 'new_york', 'berlin', 'san_francisco', 'singapore', 'toronto', 'paris', 'amsterdam', 'tokyo', 'bangalore', 'sydney', 'dublin'];
  for (let k = 0; k < n * 3 && trips.length < n; k++) {
    const p = rng.pick(candidates);
    if (used.has(p.login) || !p.inOkta || p.reservedFor) continue;
    const dest = rng.pick(dests.filter((d) => d !== p.city.key && CITY_BY_KEY[d].iso2 !== p.city.iso2));
    const destCity = CITY_BY_KEY[dest];
    const destIp = residentialIp(ctx.rng.fork(`hotel/${p.login}`), dest);
    const km = haversine(p.homeIp.lat, p.homeIp.lon, destIp.lat, destIp.lon);
    if (km > 11000) continue;
    const leaveDay = ctx.win.start + rng.int(1, Math.max(1, ctx.win.days - 7)) * DAY;
    const dow = new Date(leaveDay).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    const stay = rng.int(2, 4);
    const returnDay = leaveDay + stay * DAY;
    if (returnDay + 2 * DAY > ctx.win.end) continue;
    if (!activeAt(p, leaveDay) || !activeAt(p, returnDay + 2 * DAY)) continue;
    // Flight: 800 km/h cruise plus 1 h taxi and climb; the traveller signs in 1.5–3 h after landing.
    const flightH = km / 800 + 1;
    const leaveSignIn = localTime(leaveDay, p.city.tz, rng.float(6.5, 7.5));
    const arriveSignIn = leaveSignIn + (2.5 + flightH + rng.float(1.5, 3)) * HOUR;
    const returnLeaveSignIn = localTime(returnDay, destCity.tz, rng.float(6.5, 7.5));
    const returnArriveSignIn = returnLeaveSignIn + (2.5 + flightH + rng.float(1.5, 3)) * HOUR;
    used.add(p.login);
    p.reservedFor = 'genuine_trip';
    trips.push({ person: p, dest, destIp, leaveSignIn, arriveSignIn, returnLeaveSignIn, returnArriveSignIn, leaveDay, returnDay, ids: { out: [], back: [] } });
  }
  return trips;
}

function haversine(a: number, b: number, c: number, d: number): number {
  const rad = Math.PI / 180;
  const x = Math.sin(((c - a) * rad) / 2) ** 2 + Math.cos(a * rad) * Math.cos(c * rad) * Math.sin(((d - b) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(x));
}

/** The sign-ins that bracket each flight (the rest of a travel day is spent in the air). */
export function emitTripSignIns(ctx: Ctx, rng: Rng, trip: Trip): void {
  const p = trip.person;
  const legs: [number, IpInfo, number, IpInfo, string[]][] = [
    [trip.leaveSignIn, p.homeIp, trip.arriveSignIn, trip.destIp, trip.ids.out],
    [trip.returnLeaveSignIn, trip.destIp, trip.returnArriveSignIn, p.homeIp, trip.ids.back],
  ];
  for (const [t1, ip1, t2, ip2, ids] of legs) {
    const a = oktaLogin(ctx, rng, p, t1, ip1, p.desktop);
    entraSignIn(ctx, rng, p, t1 + 90_000, ip1, p.desktop);
    const b = oktaLogin(ctx, rng, p, t2, ip2, p.desktop, { risk: { level: 'LOW', newGeo: true, newIp: true } });
    entraSignIn(ctx, rng, p, t2 + 120_000, ip2, p.desktop);
    ids.push(a.sessionStartId!, b.sessionStartId!);
  }
}

/** Day starts on which a trip's traveller has no routine (the travel days). */
export function tripSkipDays(trip: Trip): number[] {
  return [trip.leaveDay, trip.returnDay];
}
