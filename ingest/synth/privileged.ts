/**
 * Privileged access: PIM activations of eligible Entra roles (the PIM audit trail plus the Core
 * Directory role membership written by the MS-PIM service principal), the expiry of activations,
 * new eligible assignments made through PIM, admin work done while elevated or with standing
 * access, and Okta admins opening the admin console.
 */
import type { Ctx } from './ctx.js';
import { activeAt } from './activity.js';
import { ENTRA_ROLES, MS_PIM } from './org.js';
import type { EntraRoleGrant, Person } from './population.js';
import type { Rng } from './prng.js';
import { DAY, HOUR, MINUTE, localTime } from './time.js';
import { directoryAudit, jstr } from './vendors/entra.js';
import { oktaEvent, oktaUserActor } from './vendors/okta.js';

export function roleTargets(p: Person, g: { role: keyof typeof ENTRA_ROLES }) {
  const r = ENTRA_ROLES[g.role];
  return [
    { id: r.id, displayName: r.name, type: 'Role', modifiedProperties: [] },
    {
      id: p.entraId, displayName: null, type: 'User', userPrincipalName: p.login,
      modifiedProperties: [
        { displayName: 'Role.ObjectID', oldValue: null, newValue: jstr(r.id) },
        { displayName: 'Role.DisplayName', oldValue: null, newValue: jstr(r.name) },
        { displayName: 'Role.TemplateId', oldValue: null, newValue: jstr(r.id) },
        { displayName: 'Role.WellKnownObjectName', oldValue: null, newValue: jstr(r.wellKnown) },
      ],
    },
  ];
}

function aud(ctx: Ctx, rng: Rng, t: number, a: Omit<Parameters<typeof directoryAudit>[1], 't' | 'homeTenantId'>): Record<string, unknown> {
  const e = directoryAudit(rng, { ...a, t, homeTenantId: ctx.tenants.entra });
  ctx.sink.add('entra_audits', t, e);
  return e;
}

const ADMIN_WORK = [
  { category: 'Policy', activity: 'Update conditional access policy', op: 'Update', target: 'Policy', name: 'CA001: Require MFA for all users' },
  { category: 'UserManagement', activity: 'Reset user password', op: 'Update', target: 'User', name: '' },
  { category: 'ApplicationManagement', activity: 'Update application', op: 'Update', target: 'Application', name: 'Acme Reporting Service' },
  { category: 'UserManagement', activity: 'Update user', op: 'Update', target: 'User', name: '' },
  { category: 'GroupManagement', activity: 'Add group', op: 'Add', target: 'Group', name: 'proj-' },
  { category: 'ApplicationManagement', activity: 'Update service principal', op: 'Update', target: 'ServicePrincipal', name: 'Salesforce' },
];

function adminWork(ctx: Ctx, rng: Rng, admin: Person, t: number): void {
  const w = rng.pick(ADMIN_WORK);
  const victim = rng.pick(ctx.pop.humans);
  const target = w.target === 'User'
    ? { id: victim.entraId, displayName: null, type: 'User', userPrincipalName: victim.login, modifiedProperties: w.activity === 'Update user' ? [{ displayName: 'UsageLocation', oldValue: '[]', newValue: jstr([victim.city.iso2]) }] : [] }
    : { id: rng.uuid(), displayName: w.name === 'proj-' ? `proj-${rng.base62(6).toLowerCase()}` : w.name, type: w.target, modifiedProperties: [] };
  aud(ctx, rng, t, { category: w.category, activity: w.activity, service: 'Core Directory', operationType: w.op, by: { user: { entraId: admin.entraId, login: admin.login, displayName: admin.displayName, ip: (admin.officeIp ?? admin.homeIp).ip } }, targets: [target] });
}

export function privilegedDay(ctx: Ctx, rng: Rng, dayStart: number): void {
  const dow = new Date(dayStart).getUTCDay();
  const weekend = dow === 0 || dow === 6;
  if (dayStart === ctx.win.snapshotAt - DAY) {
    // Someone is elevated while the inventory is collected (an 'Activated' schedule instance).
    const p = ctx.pop.people.find((x) => x.kind === 'employee' && !x.quiet && !x.reservedFor && x.entraRoles.some((g) => g.kind === 'eligible' && g.since < dayStart) && activeAt(x, ctx.win.snapshotAt));
    const g = p?.entraRoles.find((x) => x.kind === 'eligible' && x.since < dayStart);
    if (p && g) activate(ctx, rng, p, g, ctx.win.snapshotAt - 90 * MINUTE, ctx.win.snapshotAt + 390 * MINUTE);
  }
  for (const p of ctx.pop.people) {
    if (p.quiet || p.dormant || p.reservedFor === 'dormant_privileged_account') continue;
    const mid = localTime(dayStart, p.city.tz, 12);
    if (!activeAt(p, mid)) continue;
    for (const g of p.entraRoles) {
      if (g.kind === 'eligible' && g.since >= dayStart && g.since < dayStart + DAY) eligibleAdded(ctx, rng, p, g);
      if (g.kind !== 'eligible' || weekend || g.since > dayStart) continue;
      const rate = g.role === 'globalAdmin' || g.role === 'privRoleAdmin' ? 0.12 : 0.3;
      if (!rng.chance(rate)) continue;
      const start = localTime(dayStart, p.city.tz, rng.float(9, 15));
      const hours = rng.pick([1, 2, 4, 8]);
      activate(ctx, rng, p, g, start, start + hours * HOUR);
    }
    // Standing admins work without elevation; they are the minority of privileged activity.
    if (!weekend && p.entraRoles.some((g) => g.kind === 'permanent' && ENTRA_ROLES[g.role].privileged) && p.kind !== 'breakglass' && rng.chance(0.25)) {
      adminWork(ctx, rng, p, localTime(dayStart, p.city.tz, rng.float(9.5, 17)));
    }
    if (!weekend && p.oktaRoles.length && rng.chance(0.5)) {
      const t = localTime(dayStart, p.city.tz, rng.float(9.2, 16));
      const ip = p.officeIp && p.officeBased ? p.officeIp : p.homeIp;
      ctx.sink.add('okta', t, oktaEvent(rng, { t, eventType: 'user.session.access_admin_app', displayMessage: 'User accessing Okta admin app', legacyEventType: null, actor: oktaUserActor(p), ip, ua: { raw: p.desktop.ua, os: p.desktop.oktaOs, browser: p.desktop.oktaBrowser }, result: 'SUCCESS', session: { external: `idx${rng.base62(22)}` }, target: [{ id: ctx.oktaApps.adminConsole.id, type: 'AppInstance', alternateId: 'Okta Admin Console', displayName: 'Okta Admin Console', detailEntry: null }] }));
    }
  }
}

function eligibleAdded(ctx: Ctx, rng: Rng, p: Person, g: EntraRoleGrant): void {
  const approvers = ctx.pop.people.filter((x) => x.entraRoles.some((r) => r.role === 'privRoleAdmin') && x !== p && x.kind === 'employee');
  const by = approvers.length ? rng.pick(approvers) : p;
  aud(ctx, rng, g.since, {
    category: 'RoleManagement', activity: 'Add eligible member to role in PIM completed (permanent)', service: 'PIM', operationType: 'Add',
    by: { user: { entraId: by.entraId, login: by.login, displayName: by.displayName, ip: (by.officeIp ?? by.homeIp).ip } },
    targets: [...roleTargets(p, g).map((x) => ({ ...x, modifiedProperties: [] })), { id: ctx.tenants.entra, displayName: 'Directory', type: 'Directory', modifiedProperties: [] }],
    additionalDetails: [{ key: 'RequestId', value: rng.uuid() }, { key: 'ExpirationTime', value: '' }, { key: 'Justification', value: 'New team member in IAM operations' }],
  });
}

/** A PIM activation: request, completion, the directory role membership by MS-PIM, and expiry. */
export function activate(ctx: Ctx, rng: Rng, p: Person, g: EntraRoleGrant, start: number, end: number): string[] {
  const role = ENTRA_ROLES[g.role];
  const requestId = rng.uuid();
  const corr = rng.uuid();
  const ip = (p.officeIp && p.officeBased ? p.officeIp : p.homeIp).ip;
  const ticket = `CHG${rng.digits(7)}`;
  const details = [
    { key: 'RequestId', value: requestId },
    { key: 'StartTime', value: new Date(start).toISOString() },
    { key: 'ExpirationTime', value: new Date(end).toISOString() },
    { key: 'Justification', value: rng.pick(['Investigating sign-in issue', 'Quarterly policy review', `Change ${ticket}`, 'User onboarding support', 'App registration update']) },
    { key: 'TicketNumber', value: ticket },
    { key: 'TicketSystem', value: 'ServiceNow' },
    { key: 'ipAddress', value: ip },
    { key: 'RoleDefinitionOriginId', value: role.id },
    { key: 'RoleDefinitionOriginType', value: 'BuiltInRole' },
  ];
  const ids: string[] = [];
  const by = { user: { entraId: p.entraId, login: p.login, displayName: p.displayName, ip } };
  const tgt = [{ id: role.id, displayName: role.name, type: 'Role', modifiedProperties: [] }, { id: requestId, displayName: null, type: 'Request', modifiedProperties: [] }, { id: p.entraId, displayName: p.displayName, type: 'User', userPrincipalName: p.login, modifiedProperties: [] }, { id: ctx.tenants.entra, displayName: 'Directory', type: 'Directory', modifiedProperties: [] }];
  ids.push(aud(ctx, rng, start - 40_000, { category: 'RoleManagement', activity: 'Add member to role requested (PIM activation)', service: 'PIM', operationType: 'Add', by, targets: tgt, additionalDetails: details, correlationId: corr }).id as string);
  ids.push(aud(ctx, rng, start - 20_000, { category: 'RoleManagement', activity: 'Add member to role completed (PIM activation)', service: 'PIM', operationType: 'Add', by, targets: tgt, additionalDetails: details, correlationId: corr }).id as string);
  ids.push(aud(ctx, rng, start, { category: 'RoleManagement', activity: 'Add member to role', service: 'Core Directory', operationType: 'Assign', by: { app: { appId: null, displayName: MS_PIM.displayName, servicePrincipalId: ctx.rng.fork('ms-pim').uuid(), servicePrincipalName: MS_PIM.appId } }, targets: roleTargets(p, g), correlationId: corr }).id as string);
  const nWork = rng.int(1, 4);
  for (let i = 0; i < nWork; i++) adminWork(ctx, rng, p, start + rng.float(0.05, 0.9) * (end - start));
  if (start < ctx.win.snapshotAt && end > ctx.win.snapshotAt) ctx.activeActivations.push({ login: p.login, role: g.role, start, end, id: requestId });
  aud(ctx, rng, end, { category: 'RoleManagement', activity: 'Remove member from role (PIM activation expired)', service: 'PIM', operationType: 'Delete', by: { app: { appId: null, displayName: MS_PIM.displayName, servicePrincipalId: ctx.rng.fork('ms-pim').uuid(), servicePrincipalName: MS_PIM.appId } }, targets: tgt, correlationId: corr });
  aud(ctx, rng, end + 2000, { category: 'RoleManagement', activity: 'Remove member from role', service: 'Core Directory', operationType: 'Unassign', by: { app: { appId: null, displayName: MS_PIM.displayName, servicePrincipalId: ctx.rng.fork('ms-pim').uuid(), servicePrincipalName: MS_PIM.appId } }, targets: roleTargets(p, g), correlationId: corr });
  return ids;
}
