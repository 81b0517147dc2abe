/**
 * Joiners, movers, leavers and rehires: the HR changes (which the HRIS export reflects) and the
 * identity events that follow them — account creation and activation, group and app assignments,
 * provisioning into downstream apps (with a realistic failure rate), deactivation (on time, late,
 * or never), profile and group changes for movers — plus help-desk and self-service work.
 */
import { type Ctx, factorIdsOf, groupId, oktaGroupId, spId } from './ctx.js';
import { activeAt } from './activity.js';
import type { residentialIp } from './geo.js';
import { DEPARTMENTS, ENTRA_PROVISIONING_APPS, type OktaApp } from './org.js';
import type { Person } from './population.js';
import type { Rng } from './prng.js';
import { DAY, HOUR, MINUTE, addBusinessDays, localTime } from './time.js';
import { directoryAudit, jstr, provisioningObject } from './vendors/entra.js';
import { OKTA_SYSTEM_ACTOR, oktaEvent, oktaUserActor, oktaUserTarget, type OktaActor } from './vendors/okta.js';
import { wsActivity } from './vendors/workspace.js';

export const WORKDAY_INBOUND = { appId: 'e2a7c7f1-6f9e-4d5c-9e2b-7c1f0b3d4a51', displayName: 'Workday to Microsoft Entra ID User Provisioning' };

function businessDay(rng: Rng, ctx: Ctx, fromDay: number, toDay: number): number {
  for (let i = 0; i < 50; i++) {
    const d = ctx.win.start + rng.int(fromDay, toDay) * DAY;
    const dow = new Date(d).getUTCDay();
    if (dow !== 0 && dow !== 6) return d;
  }
  return ctx.win.start + fromDay * DAY;
}

export interface LifecyclePlan {
  joiners: Person[];
  leavers: Person[];
  movers: Person[];
  rehires: Person[];
}

/** Chooses who joins, moves, leaves and is rehired in the window, and when. */
export function planLifecycle(ctx: Ctx, rng: Rng, pool: Person[]): LifecyclePlan {
  const n = pool.length;
  const months = ctx.win.days / 30;
  const free = rng.shuffle(pool.filter((p) => p.idx !== 0 && p.entraRoles.length === 0 && p.oktaRoles.length === 0 && !p.reservedFor));
  let k = 0;
  const take = (m: number) => free.slice(k, (k += m));
  const last = ctx.win.days - 2;
  const joiners = take(Math.max(3, Math.round(n * 0.018 * months)));
  for (const p of joiners) {
    p.joiner = true;
    p.hire = businessDay(rng, ctx, 1, last);
    p.created = p.hire - rng.int(3, 7) * DAY + rng.int(8, 16) * HOUR;
    p.factorRegisteredAt = localTime(p.hire, p.city.tz, rng.float(9, 11));
  }
  const leavers = take(Math.max(5, Math.round(n * 0.016 * months)));
  leavers.forEach((p, i) => {
    // One termination on the window's second day (whatever weekday it is), so the first ISO week has a leaver.
    const date = i === 5 ? ctx.win.start + DAY : businessDay(rng, ctx, 2, Math.max(3, last - 3));
    // The first 'never' leaver is the one a scenario reuses; about 6 % are never disabled, 15 % late.
    const timing = i === 0 || i === 1 || rng.chance(0.04) ? 'never' : i === 2 || rng.chance(0.15) ? 'late' : 'ontime';
    const backdated = i === 3 || (n >= 1000 && i === 4);
    const enteredAt = backdated ? date + rng.int(2, 3) * DAY + rng.int(9, 16) * HOUR : date - rng.int(2, 14) * DAY + rng.int(9, 17) * HOUR;
    let disableAt: number | undefined;
    if (timing === 'ontime') disableAt = Math.max(date + rng.int(1, 20) * HOUR, enteredAt + 30 * MINUTE);
    if (backdated && timing === 'ontime') disableAt = enteredAt + rng.int(10, 90) * MINUTE;
    if (timing === 'late') disableAt = Math.max(date, enteredAt) + rng.int(30, 110) * HOUR;
    if (disableAt !== undefined && disableAt >= ctx.win.end - HOUR) disableAt = undefined;
    p.termination = { date, enteredAt, timing: disableAt === undefined ? 'never' : timing, disableAt, backdated };
    p.hrStatus = 'Terminated';
  });
  const movers = take(Math.max(4, Math.round(n * 0.02 * months)));
  for (const p of movers) {
    const at = businessDay(rng, ctx, 1, last - 1);
    const to = rng.pick(DEPARTMENTS.filter((d) => d.name !== p.dept));
    const r = rng.next();
    const groupChangeAt = r < 0.85 ? addBusinessDays(at, rng.int(0, 2)) + rng.int(2, 9) * HOUR : r < 0.95 ? addBusinessDays(at, rng.int(6, 9)) + rng.int(2, 9) * HOUR : undefined;
    p.mover = { at, fromDept: p.dept, fromTitle: p.title, groupChangeAt: groupChangeAt !== undefined && groupChangeAt < ctx.win.end ? groupChangeAt : undefined };
    p.dept = to.name;
    p.title = rng.pick(to.titles);
  }
  const rehires = take(Math.max(1, Math.round(n * 0.001 * months)));
  for (const p of rehires) {
    const hire = businessDay(rng, ctx, 2, last);
    const oldHire = p.hire;
    const oldTerm = ctx.win.start - rng.int(120, 400) * DAY;
    p.rehireOf = { hire: Math.min(oldHire, oldTerm - 200 * DAY), termination: oldTerm, enteredAt: oldTerm - 5 * DAY };
    p.hire = hire;
  }
  return { joiners, leavers, movers, rehires };
}

function adminActor(ctx: Ctx, rng: Rng): Person {
  const admins = ctx.pop.people.filter((p) => p.oktaRoles.some((r) => r === 'HELP_DESK_ADMIN' || r === 'ORG_ADMIN' || r === 'SUPER_ADMIN') && p.kind === 'employee' && !p.reservedFor);
  return rng.pick(admins.length ? admins : ctx.pop.humans.slice(1, 3));
}

function provisioningApps(ctx: Ctx): OktaApp[] {
  return Object.values(ctx.oktaApps).filter((a) => a.provisioning);
}

function oktaActorFor(ctx: Ctx, rng: Rng, automated: boolean): { actor: OktaActor; ip: ReturnType<typeof residentialIp> | null; admin?: Person } {
  if (automated) return { actor: OKTA_SYSTEM_ACTOR, ip: null };
  const a = adminActor(ctx, rng);
  return { actor: oktaUserActor(a), ip: a.officeIp ?? a.homeIp, admin: a };
}

const PROV_ERRORS = [
  { code: 'SystemForCrossDomainIdentityManagementServiceIncompatible', reason: 'The SCIM endpoint is not fully compatible with the Azure Active Directory SCIM client.', category: 'NonServiceFailure', action: 'Check the target application SCIM implementation' },
  { code: 'DuplicateTargetEntries', reason: 'The operation failed because more than one user in the target system matched the matching attribute.', category: 'NonServiceFailure', action: 'Remove the duplicate user in the target system' },
  { code: 'HttpStatus429', reason: 'The target system throttled the request (HTTP 429).', category: 'TransientError', action: 'No action: the request is retried in the next cycle' },
];

/** One downstream provisioning operation in both IdPs' logs. */
function provision(ctx: Ctx, rng: Rng, p: Person, t: number, action: 'create' | 'update' | 'disable', failRate = 0.02): void {
  const apps = provisioningApps(ctx);
  const app = rng.pick(apps);
  const fail = rng.chance(failRate);
  const oktaType = action === 'create' ? 'application.provision.user.push' : action === 'update' ? 'application.provision.user.push_profile' : 'application.provision.user.deactivate';
  const oktaMsg = action === 'create' ? 'Push user to app' : action === 'update' ? 'Push user profile to app' : 'Deactivate user in app';
  ctx.sink.add('okta', t, oktaEvent(rng, {
    t, eventType: oktaType, displayMessage: oktaMsg, legacyEventType: action === 'create' ? 'app.user_management.push_new_user' : action === 'update' ? 'app.user_management.push_profile_success' : 'app.user_management.deactivate_user',
    actor: OKTA_SYSTEM_ACTOR, ip: null, result: fail ? 'FAILURE' : 'SUCCESS', reason: fail ? rng.pick(['Rate limit exceeded', 'Could not create user: username already exists', 'Unable to update profile: invalid field "department"']) : null,
    transactionType: 'JOB', session: null, requestUri: '/api/internal/provisioning',
    target: [oktaUserTarget(p), { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: null }, { id: `0ua${rng.base62(17)}`, type: 'AppUser', alternateId: p.login, displayName: p.displayName, detailEntry: null }],
  }));
  const eapp = rng.pick(ENTRA_PROVISIONING_APPS.filter((a) => !('inbound' in a)));
  const sp = spId(ctx, eapp.name);
  const efail = rng.chance(failRate);
  const err = rng.pick(PROV_ERRORS);
  ctx.sink.add('entra_provisioning', t + rng.int(1, 40) * MINUTE, provisioningObject(rng, {
    t: t + rng.int(1, 40) * MINUTE, tenantId: ctx.tenants.entra, jobId: `${eapp.jobPrefix}.${ctx.tenants.entra.replace(/-/g, '').slice(0, 32)}.${sp.replace(/-/g, '').slice(0, 32)}`, cycleId: rng.uuid(),
    action, status: efail ? (err.category === 'TransientError' ? 'warning' : 'failure') : 'success',
    servicePrincipal: { id: sp, displayName: eapp.name }, source: { id: ctx.rng.fork('aad').uuid(), displayName: 'Azure Active Directory' }, target: { id: ctx.rng.fork(`app/${eapp.name}`).uuid(), displayName: eapp.name },
    sourceIdentity: { id: p.entraId, displayName: p.displayName, identityType: 'User' }, targetIdentity: { id: action === 'create' ? '' : rng.hex(18), displayName: p.login, identityType: 'User' },
    error: efail ? err : undefined,
    modified: action === 'disable' ? [{ displayName: 'active', oldValue: 'True', newValue: 'False' }] : [{ displayName: 'userName', oldValue: null, newValue: p.login }, { displayName: 'title', oldValue: null, newValue: p.title }, { displayName: 'department', oldValue: null, newValue: p.dept }],
  }), undefined);
}

function entraUserTarget(p: Person, props: { displayName: string; oldValue: string | null; newValue: string | null }[] = []) {
  return { id: p.entraId, displayName: null, type: 'User', userPrincipalName: p.login, modifiedProperties: props };
}

function audit(ctx: Ctx, rng: Rng, t: number, a: Omit<Parameters<typeof directoryAudit>[1], 't' | 'homeTenantId'>): Record<string, unknown> {
  const e = directoryAudit(rng, { ...a, t, homeTenantId: ctx.tenants.entra });
  ctx.sink.add('entra_audits', t, e);
  return e;
}

function groupChange(ctx: Ctx, rng: Rng, p: Person, t: number, group: string, add: boolean, automated: boolean): void {
  const who = oktaActorFor(ctx, rng, automated);
  ctx.sink.add('okta', t, oktaEvent(rng, {
    t, eventType: add ? 'group.user_membership.add' : 'group.user_membership.remove', displayMessage: add ? 'Add user to group membership' : 'Remove user from group membership',
    legacyEventType: add ? 'core.user_group_member.user_add' : 'core.user_group_member.user_remove', actor: who.actor, ip: who.ip, result: 'SUCCESS',
    transactionType: automated ? 'JOB' : 'WEB', session: who.admin ? { external: `idx${rng.base62(22)}` } : null,
    target: [oktaUserTarget(p), { id: oktaGroupId(ctx, group), type: 'UserGroup', alternateId: 'unknown', displayName: group, detailEntry: null }],
  }));
  const admin = who.admin;
  audit(ctx, rng, t + rng.int(1, 20) * 60_000, {
    category: 'GroupManagement', activity: add ? 'Add member to group' : 'Remove member from group', service: 'Core Directory', operationType: add ? 'Assign' : 'Unassign',
    by: admin ? { user: { entraId: admin.entraId, login: admin.login, displayName: admin.displayName, ip: (admin.officeIp ?? admin.homeIp).ip } } : { app: { appId: WORKDAY_INBOUND.appId, displayName: WORKDAY_INBOUND.displayName } },
    targets: [
      { id: groupId(ctx, group), displayName: group, type: 'Group', groupType: 'unifiedGroups', modifiedProperties: [] },
      entraUserTarget(p, [{ displayName: 'Group.ObjectID', oldValue: null, newValue: jstr(groupId(ctx, group)) }, { displayName: 'Group.DisplayName', oldValue: null, newValue: jstr(group) }]),
    ],
  });
}

function deptGroup(dept: string): string {
  return `dept-${dept.toLowerCase().replace(/[^a-z]+/g, '-')}`;
}

/** Writes the identity events of every planned lifecycle change. */
export function emitLifecycle(ctx: Ctx, rng: Rng, plan: LifecyclePlan): void {
  const inWin = (t: number) => t >= ctx.win.start && t < ctx.win.end;
  for (const p of plan.joiners) {
    const automated = rng.chance(0.85);
    const who = oktaActorFor(ctx, rng, automated);
    if (inWin(p.created)) {
      ctx.sink.add('okta', p.created, oktaEvent(rng, { t: p.created, eventType: 'user.lifecycle.create', displayMessage: 'Create Okta user', legacyEventType: 'core.user.config.user_creation.success', actor: who.actor, ip: who.ip, result: 'SUCCESS', transactionType: automated ? 'JOB' : 'WEB', session: null, target: [oktaUserTarget(p)] }));
      const by = who.admin ? { user: { entraId: who.admin.entraId, login: who.admin.login, displayName: who.admin.displayName, ip: (who.admin.officeIp ?? who.admin.homeIp).ip } } : { app: { appId: WORKDAY_INBOUND.appId, displayName: WORKDAY_INBOUND.displayName } };
      audit(ctx, rng, p.created + 4 * MINUTE, { category: 'UserManagement', activity: 'Add user', service: 'Core Directory', operationType: 'Add', by, targets: [entraUserTarget(p, [{ displayName: 'AccountEnabled', oldValue: '[]', newValue: '[true]' }, { displayName: 'DisplayName', oldValue: '[]', newValue: jstr([p.displayName]) }, { displayName: 'EmployeeId', oldValue: '[]', newValue: jstr([p.employeeId]) }, { displayName: 'Department', oldValue: '[]', newValue: jstr([p.dept]) }, { displayName: 'JobTitle', oldValue: '[]', newValue: jstr([p.title]) }])] });
      for (const g of [deptGroup(p.dept), 'all-staff']) groupChange(ctx, rng, p, p.created + rng.int(5, 30) * MINUTE, g, true, automated);
      if (p.inGoogle) {
        ctx.sink.add('workspace', p.created + 12 * MINUTE, wsActivity(rng, { t: p.created + 12 * MINUTE, app: 'admin', customerId: ctx.tenants.googleCustomerId, actor: { email: `svc-okta-sync@${'acme.example'}`, profileId: ctx.rng.fork('svc-okta-sync').digits(21), callerType: 'USER' }, ip: '3.5.0.44', events: [{ type: 'USER_SETTINGS', name: 'CREATE_USER', parameters: [{ name: 'USER_EMAIL', value: p.login }] }] }));
      }
    }
    const act = p.hire + rng.int(6, 8) * HOUR;
    if (inWin(act)) {
      ctx.sink.add('okta', act, oktaEvent(rng, { t: act, eventType: 'user.lifecycle.activate', displayMessage: 'Activate Okta user', legacyEventType: 'core.user.config.user_activated', actor: OKTA_SYSTEM_ACTOR, ip: null, result: 'SUCCESS', transactionType: 'JOB', session: null, target: [oktaUserTarget(p)] }));
      for (let i = 0; i < 3; i++) provision(ctx, rng, p, act + rng.int(2, 50) * MINUTE, 'create', 0.025);
    }
    if (inWin(p.factorRegisteredAt) && p.mfa !== 'none') registerFactor(ctx, rng, p, p.factorRegisteredAt, p.mfa);
  }
  for (const p of plan.leavers) {
    const term = p.termination!;
    if (term.disableAt === undefined) continue;
    const t = term.disableAt;
    const automated = term.timing === 'ontime' ? rng.chance(0.9) : rng.chance(0.4);
    const who = oktaActorFor(ctx, rng, automated);
    ctx.sink.add('okta', t, oktaEvent(rng, { t, eventType: 'user.lifecycle.deactivate', displayMessage: 'Deactivate Okta user', legacyEventType: 'core.user.config.user_deactivated', actor: who.actor, ip: who.ip, result: 'SUCCESS', transactionType: automated ? 'JOB' : 'WEB', session: who.admin ? { external: `idx${rng.base62(22)}` } : null, target: [oktaUserTarget(p)] }));
    const by = who.admin ? { user: { entraId: who.admin.entraId, login: who.admin.login, displayName: who.admin.displayName, ip: (who.admin.officeIp ?? who.admin.homeIp).ip } } : { app: { appId: WORKDAY_INBOUND.appId, displayName: WORKDAY_INBOUND.displayName } };
    audit(ctx, rng, t + rng.int(2, 15) * MINUTE, { category: 'UserManagement', activity: 'Disable account', service: 'Core Directory', operationType: 'Update', by, targets: [entraUserTarget(p, [{ displayName: 'AccountEnabled', oldValue: '[true]', newValue: '[false]' }, { displayName: 'Included Updated Properties', oldValue: null, newValue: '"AccountEnabled"' }])] });
    for (let i = 0; i < 2; i++) provision(ctx, rng, p, t + rng.int(3, 60) * MINUTE, 'disable', 0.01);
    if (p.inGoogle) ctx.sink.add('workspace', t + 9 * MINUTE, wsActivity(rng, { t: t + 9 * MINUTE, app: 'admin', customerId: ctx.tenants.googleCustomerId, actor: { email: 'svc-okta-sync@acme.example', profileId: ctx.rng.fork('svc-okta-sync').digits(21), callerType: 'USER' }, ip: '3.5.0.44', events: [{ type: 'USER_SETTINGS', name: 'SUSPEND_USER', parameters: [{ name: 'USER_EMAIL', value: p.login }] }] }));
  }
  for (const p of plan.rehires) {
    const t = p.hire + rng.int(6, 8) * HOUR;
    ctx.sink.add('okta', t, oktaEvent(rng, { t, eventType: 'user.lifecycle.reactivate', displayMessage: 'Reactivate Okta user', legacyEventType: 'core.user.config.user_reactivated', actor: OKTA_SYSTEM_ACTOR, ip: null, result: 'SUCCESS', transactionType: 'JOB', session: null, target: [oktaUserTarget(p)] }));
    audit(ctx, rng, t + 5 * MINUTE, { category: 'UserManagement', activity: 'Enable account', service: 'Core Directory', operationType: 'Update', by: { app: { appId: WORKDAY_INBOUND.appId, displayName: WORKDAY_INBOUND.displayName } }, targets: [entraUserTarget(p, [{ displayName: 'AccountEnabled', oldValue: '[false]', newValue: '[true]' }])] });
    provision(ctx, rng, p, t + 20 * MINUTE, 'create', 0.02);
  }
  for (const p of plan.movers) {
    const m = p.mover!;
    const t = m.at + rng.int(3, 9) * HOUR;
    audit(ctx, rng, t, { category: 'UserManagement', activity: 'Update user', service: 'Core Directory', operationType: 'Update', by: { app: { appId: WORKDAY_INBOUND.appId, displayName: WORKDAY_INBOUND.displayName } }, targets: [entraUserTarget(p, [{ displayName: 'Department', oldValue: jstr([m.fromDept]), newValue: jstr([p.dept]) }, { displayName: 'JobTitle', oldValue: jstr([m.fromTitle]), newValue: jstr([p.title]) }, { displayName: 'Included Updated Properties', oldValue: null, newValue: '"Department, JobTitle"' }])] });
    ctx.sink.add('okta', t + 2 * MINUTE, oktaEvent(rng, { t: t + 2 * MINUTE, eventType: 'user.account.update_profile', displayMessage: 'Update user profile for Okta', legacyEventType: 'core.user.config.profile_update.success', actor: OKTA_SYSTEM_ACTOR, ip: null, result: 'SUCCESS', transactionType: 'JOB', session: null, target: [{ ...oktaUserTarget(p), changeDetails: { from: { department: m.fromDept, title: m.fromTitle }, to: { department: p.dept, title: p.title } } }] }));
    provision(ctx, rng, p, t + 30 * MINUTE, 'update');
    if (m.groupChangeAt !== undefined) {
      const automated = rng.chance(0.7);
      groupChange(ctx, rng, p, m.groupChangeAt, deptGroup(m.fromDept), false, automated);
      groupChange(ctx, rng, p, m.groupChangeAt + rng.int(1, 5) * MINUTE, deptGroup(p.dept), true, automated);
    }
  }
}

const ENTRA_REG: Record<string, string> = {
  push: 'User registered Microsoft Authenticator App with Notification and Code',
  fastpass: 'User registered Microsoft Authenticator App with Notification and Code',
  totp: 'User registered Software OATH token',
  sms: 'User registered Mobile Phone SMS',
  fido2: 'User registered FIDO2 security key',
  passkey: 'User registered Passkey (device-bound)',
  whfb: 'User registered Windows Hello for Business',
};

const OKTA_FACTOR_TYPE: Record<string, [string, string]> = {
  push: ['push', 'OKTA'], fastpass: ['signed_nonce', 'OKTA'], totp: ['token:software:totp', 'OKTA'], sms: ['sms', 'OKTA'], fido2: ['webauthn', 'FIDO'], passkey: ['webauthn', 'FIDO'], whfb: ['webauthn', 'FIDO'],
};

/** A user registers an MFA method: Okta factor activation and the Entra security-info audit. */
export function registerFactor(ctx: Ctx, rng: Rng, p: Person, t: number, method: string, ip = p.homeIp): { okta?: string; entra?: string } {
  const out: { okta?: string; entra?: string } = {};
  if (p.inOkta) {
    const [type, provider] = OKTA_FACTOR_TYPE[method] ?? ['push', 'OKTA'];
    const e = oktaEvent(rng, {
      t, eventType: 'user.mfa.factor.activate', displayMessage: 'User set up MFA factor', legacyEventType: 'core.user.factor.activate',
      actor: oktaUserActor(p), ip, result: 'SUCCESS', session: { external: `idx${rng.base62(22)}` }, ua: { raw: p.desktop.ua, os: p.desktop.oktaOs, browser: p.desktop.oktaBrowser },
      debug: { factor: type.toUpperCase(), factorProvider: provider }, target: [oktaUserTarget(p), { id: factorIdsOf(ctx, p)[type === 'token:software:totp' ? 'totp' : type], type: 'AuthenticatorEnrollment', alternateId: 'unknown', displayName: type === 'webauthn' ? 'Security Key or Biometric' : type === 'sms' ? 'Phone' : 'Okta Verify', detailEntry: null }],
    });
    ctx.sink.add('okta', t, e);
    out.okta = e.uuid as string;
  }
  if (p.inEntra) {
    const e = audit(ctx, rng, t + rng.int(1, 5) * MINUTE, {
      category: 'UserManagement', activity: 'User registered security info', service: 'Authentication Methods', operationType: 'Add',
      resultReason: ENTRA_REG[method] ?? 'User registered security info',
      by: { user: { entraId: p.entraId, login: p.login, displayName: p.displayName, ip: ip.ip } },
      targets: [entraUserTarget(p)],
    });
    out.entra = e.id as string;
  }
  const list = ctx.registeredInWindow.get(p.login) ?? [];
  list.push({ method, at: t });
  ctx.registeredInWindow.set(p.login, list);
  return out;
}

/** Help desk and self-service: password resets, unlocks, MFA re-enrolment, access requests; routine provisioning. */
export function supportDay(ctx: Ctx, rng: Rng, dayStart: number): void {
  const dow = new Date(dayStart).getUTCDay();
  const people = ctx.pop.humans.filter((p) => !p.quiet && !p.reservedFor && activeAt(p, dayStart + 12 * HOUR));
  const n = people.length;
  const pick = () => rng.pick(people);
  // Provisioning cycles run around the clock, weekends included.
  for (let i = 0; i < Math.max(2, Math.round(n * (dow === 0 || dow === 6 ? 0.006 : 0.02))); i++) {
    const p = pick();
    provision(ctx, rng, p, dayStart + rng.int(0, 23) * HOUR + rng.int(0, 3599) * 1000, 'update', 0.015);
  }
  if (dow === 0 || dow === 6) return;
  const at = (p: Person) => localTime(dayStart, p.city.tz, rng.float(9, 17));
  for (let i = 0; i < Math.max(1, Math.round(n * 0.004)); i++) {
    const p = pick();
    const t = at(p);
    ctx.sink.add('okta', t, oktaEvent(rng, { t, eventType: 'user.account.reset_password', displayMessage: 'Fired when the user\'s Okta password is reset', legacyEventType: 'core.user.config.password_reset', actor: oktaUserActor(p), ip: p.homeIp, ua: { raw: p.desktop.ua, os: p.desktop.oktaOs, browser: p.desktop.oktaBrowser }, result: 'SUCCESS', session: { external: `idx${rng.base62(22)}` }, target: [oktaUserTarget(p)] }));
    audit(ctx, rng, t + 30_000, { category: 'UserManagement', activity: 'Reset password (self-service)', service: 'Self-service Password Management', operationType: 'Update', by: { user: { entraId: p.entraId, login: p.login, displayName: p.displayName, ip: p.homeIp.ip } }, targets: [entraUserTarget(p)] });
    ctx.records.selfService.push({ id: '', t, user: p.login, kind: 'password_reset' });
  }
  // Lockouts are rare (about one person in 1,700 a day); the user unlocks through self-service.
  const nLocks = Math.floor(n * 0.0006 + rng.next());
  for (let i = 0; i < nLocks; i++) {
    const p = pick();
    const t = at(p);
    ctx.sink.add('okta', t, oktaEvent(rng, { t, eventType: 'user.account.lock', displayMessage: 'Max sign in attempts exceeded', legacyEventType: 'core.user_auth.account_locked', actor: oktaUserActor(p), ip: p.homeIp, result: 'FAILURE', reason: 'LOCKED_OUT', session: { external: 'unknown' }, target: [oktaUserTarget(p)] }));
    const t2 = t + rng.int(3, 15) * MINUTE;
    ctx.sink.add('okta', t2, oktaEvent(rng, { t: t2, eventType: 'user.account.unlock', displayMessage: 'Unlock user account', legacyEventType: 'core.user.config.user_unlocked', actor: oktaUserActor(p), ip: p.homeIp, result: 'SUCCESS', session: { external: `idx${rng.base62(22)}` }, target: [oktaUserTarget(p)] }));
    ctx.records.selfService.push({ id: '', t: t2, user: p.login, kind: 'account_unlock' });
  }
  for (let i = 0; i < Math.max(1, Math.round(n * 0.0015)); i++) {
    const p = pick();
    if (p.mfa === 'none') continue;
    const t = at(p);
    registerFactor(ctx, rng, p, t, p.mfa);
    ctx.records.selfService.push({ id: '', t, user: p.login, kind: 'mfa_enrolment' });
  }
  // Help-desk tickets (phone, email, walk-in): password and MFA resets done by an admin.
  for (let i = 0; i < Math.max(1, Math.round(n * 0.0015)); i++) {
    const p = pick();
    const t = at(p);
    const mfaReset = rng.chance(0.35);
    const admin = adminActor(ctx, rng);
    const aip = admin.officeIp ?? admin.homeIp;
    const t2 = t + rng.int(10, 240) * MINUTE;
    ctx.sink.add('okta', t2, oktaEvent(rng, mfaReset
      ? { t: t2, eventType: 'user.mfa.factor.reset_all', displayMessage: 'Reset all factors for user', legacyEventType: 'core.user.factor.reset_all', actor: oktaUserActor(admin), ip: aip, result: 'SUCCESS', session: { external: `idx${rng.base62(22)}` }, target: [oktaUserTarget(p)] }
      : { t: t2, eventType: 'user.account.reset_password', displayMessage: 'Fired when the user\'s Okta password is reset', legacyEventType: 'core.user.config.password_reset', actor: oktaUserActor(admin), ip: aip, result: 'SUCCESS', session: { external: `idx${rng.base62(22)}` }, target: [oktaUserTarget(p)] }));
    ctx.records.requests.push({ t, closed: t2 + rng.int(5, 60) * MINUTE, user: p.login, category: mfaReset ? 'mfa_reset' : 'password_reset', channel: rng.weighted([['phone', 5], ['email', 3], ['walk-in', 1]]), short: mfaReset ? 'Lost phone - reset MFA' : 'Cannot log in - password reset', item: mfaReset ? 'MFA Reset' : 'Password Reset', group: 'Service Desk' });
  }
  // Access requests through the portal, fulfilled by workflow (mostly) or by hand.
  for (let i = 0; i < Math.max(1, Math.round(n * 0.005)); i++) {
    const p = pick();
    const t = at(p);
    const app = rng.pick(provisioningApps(ctx));
    const automated = rng.chance(0.78);
    const t2 = t + (automated ? rng.int(2, 30) * MINUTE : rng.int(2, 30) * HOUR);
    if (t2 >= ctx.win.end) continue;
    const who = oktaActorFor(ctx, rng, automated);
    ctx.sink.add('okta', t2, oktaEvent(rng, { t: t2, eventType: 'application.user_membership.add', displayMessage: 'Add user to application membership', legacyEventType: 'app.generic.provision.assign_user_to_app', actor: who.actor, ip: who.ip, result: 'SUCCESS', transactionType: automated ? 'JOB' : 'WEB', session: who.admin ? { external: `idx${rng.base62(22)}` } : null, target: [{ id: `0ua${rng.base62(17)}`, type: 'AppUser', alternateId: p.login, displayName: p.displayName, detailEntry: null }, { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: null }, oktaUserTarget(p)] }));
    ctx.records.requests.push({ t, closed: t2, user: p.login, category: 'access_request', channel: rng.chance(0.85) ? 'self-service' : 'email', short: `Access to ${app.label}`, item: 'Application Access', group: automated ? 'IAM Automation' : 'IAM Operations' });
    ctx.records.selfService.push({ id: '', t, user: p.login, kind: 'access_request' });
  }
}
