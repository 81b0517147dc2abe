/**
 * Inventory snapshots as the vendor APIs return them at `snapshotAt`: Okta users, factors and admin
 * roles; Graph users (with signInActivity), userRegistrationDetails, role assignments, PIM
 * eligibility schedules and assignment schedule instances (roleDefinition expanded).
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Ctx, factorIdsOf } from './ctx.js';
import { DOMAIN, ENTRA_ROLES, type EntraRoleKey, OKTA_HOST, OKTA_ROLES, ROLE_ACTIONS } from './org.js';
import type { MfaKind, Person } from './population.js';
import { DAY, HOUR, isoMs, isoSec } from './time.js';

function oktaStatus(ctx: Ctx, p: Person): string {
  const s = ctx.win.snapshotAt;
  if (p.created > s) return 'NONE';
  if (p.termination?.disableAt !== undefined && p.termination.disableAt <= s) return 'DEPROVISIONED';
  if (p.hire > s && !p.rehireOf) return 'STAGED';
  if (p.rehireOf && p.hire > s) return 'DEPROVISIONED';
  return 'ACTIVE';
}

function lastOkta(ctx: Ctx, p: Person): number | null {
  const seen = ctx.seen.get(p.login)?.oktaLastLogin;
  if (seen !== undefined) return seen;
  if (p.joiner) return null;
  return p.lastSignInBefore < p.created ? null : p.lastSignInBefore;
}

const OKTA_FACTOR_OF: Record<Exclude<MfaKind, 'none'>, { type: string; provider: string; vendor: string; key: string; profile: (p: Person) => Record<string, unknown> }> = {
  push: { type: 'push', provider: 'OKTA', vendor: 'OKTA', key: 'push', profile: (p) => ({ credentialId: p.login, deviceType: 'SmartPhone_IPhone', keys: [], name: 'iPhone', platform: 'IOS', version: '18.7' }) },
  fastpass: { type: 'signed_nonce', provider: 'OKTA', vendor: 'OKTA', key: 'signed_nonce', profile: (p) => ({ credentialId: p.login, deviceType: 'Computer', name: p.desktop.deviceName || 'Laptop', platform: p.desktop.kind === 'mac' ? 'MACOS' : 'WINDOWS', version: '10.0' }) },
  totp: { type: 'token:software:totp', provider: 'OKTA', vendor: 'OKTA', key: 'totp', profile: (p) => ({ credentialId: p.login }) },
  sms: { type: 'sms', provider: 'OKTA', vendor: 'OKTA', key: 'sms', profile: () => ({ phoneNumber: '+1 XXX-XXX-4821' }) },
  fido2: { type: 'webauthn', provider: 'FIDO', vendor: 'FIDO', key: 'webauthn', profile: () => ({ authenticatorName: 'YubiKey 5 NFC', credentialId: 'vdCxY7qp2cK7v3gM8h1Wm5tq0Q' }) },
  passkey: { type: 'webauthn', provider: 'FIDO', vendor: 'FIDO', key: 'webauthn', profile: () => ({ authenticatorName: 'iCloud Keychain', credentialId: 'pK3s9bQm1rT0fX8aZ6wE2uY4hL' }) },
  whfb: { type: 'webauthn', provider: 'FIDO', vendor: 'FIDO', key: 'webauthn', profile: () => ({ authenticatorName: 'Windows Hello', credentialId: 'wH7n2kR5tY8uI0oP3aS6dF9gJ1' }) },
};

const GRAPH_METHODS: Record<MfaKind, string[]> = {
  push: ['microsoftAuthenticatorPush', 'softwareOneTimePasscode'],
  fastpass: ['microsoftAuthenticatorPush'],
  totp: ['softwareOneTimePasscode'],
  sms: ['mobilePhone'],
  fido2: ['fido2SecurityKey'],
  passkey: ['passKeyDeviceBoundAuthenticator'],
  whfb: ['windowsHelloForBusiness'],
  none: [],
};

const PREFERRED: Record<MfaKind, string> = { push: 'push', fastpass: 'push', totp: 'oath', sms: 'sms', fido2: 'none', passkey: 'none', whfb: 'none', none: 'none' };

function roleDefinition(key: EntraRoleKey) {
  const r = ENTRA_ROLES[key];
  return {
    id: r.id, description: `Can manage ${r.name.replace(/ Administrator$/, '').toLowerCase()} settings.`, displayName: r.name, isBuiltIn: true, isEnabled: true,
    resourceScopes: ['/'], templateId: r.id, version: '1', isPrivileged: r.privileged,
    rolePermissions: [{ allowedResourceActions: ROLE_ACTIONS[key], condition: null }],
    inheritsPermissionsFrom: [{ id: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b' }],
  };
}

export function writeInventory(ctx: Ctx, outDir: string): string[] {
  const s = ctx.win.snapshotAt;
  const dir = path.join(outDir, 'inventory');
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const write = (name: string, value: unknown) => {
    fs.writeFileSync(path.join(dir, name), `${JSON.stringify(value, null, 1)}\n`);
    files.push(`inventory/${name}`);
  };
  const exists = (p: Person) => p.created <= s;
  const graphBase = `https://graph.microsoft.com/beta`;

  // Okta
  const okta = ctx.pop.people.filter((p) => p.inOkta && exists(p));
  const oktaUsers = okta.map((p) => {
    const status = oktaStatus(ctx, p);
    const last = lastOkta(ctx, p);
    const statusChanged = status === 'DEPROVISIONED' ? p.termination?.disableAt ?? p.rehireOf?.termination ?? null : p.hire <= s ? p.hire + 7 * HOUR : null;
    return {
      id: p.oktaId, status, created: isoMs(p.created), activated: status === 'STAGED' ? null : isoMs(Math.max(p.created, p.rehireOf?.hire ?? p.hire)),
      statusChanged: statusChanged === null ? null : isoMs(statusChanged), lastLogin: last === null ? null : isoMs(last),
      lastUpdated: isoMs(Math.max(p.created, statusChanged ?? p.created, p.mover?.at ?? 0)), passwordChanged: isoMs(Math.max(p.created, s - ((p.idx * 7919) % 80) * DAY)),
      type: { id: 'oty1a2b3c4d5e6f7g8h9' },
      profile: {
        firstName: p.kind === 'service' ? 'svc' : p.displayName.split(' ')[0], lastName: p.kind === 'service' ? p.login.split('@')[0] : p.displayName.split(' ').slice(1).join(' '),
        mobilePhone: null, secondEmail: null, login: p.login, email: p.login,
        employeeNumber: p.hr || p.kind === 'secondary' ? p.employeeId : null,
        userType: p.kind === 'service' ? 'Service' : p.kind === 'contractor' ? 'Contractor' : p.kind === 'orphan' ? null : 'Employee',
        department: p.dept || null, title: p.title || null, organization: 'Acme Corp', city: p.city.name, countryCode: p.city.iso2,
        manager: null, managerId: p.managerId || null,
      },
      credentials: { password: {}, recovery_question: { question: null }, provider: { type: 'OKTA', name: 'OKTA' } },
      _links: { self: { href: `https://${OKTA_HOST}/api/v1/users/${p.oktaId}` } },
    };
  });
  write('okta_users.json', oktaUsers);

  write('okta_factors.json', okta.filter((p) => p.kind !== 'service').map((p) => {
    const ids = factorIdsOf(ctx, p);
    const kinds = new Set<Exclude<MfaKind, 'none'>>();
    if (p.mfa !== 'none') kinds.add(p.mfa);
    for (const r of ctx.registeredInWindow.get(p.login) ?? []) if (r.at < s && r.method !== 'none') kinds.add(r.method as Exclude<MfaKind, 'none'>);
    if (p.dormant) kinds.clear();
    if (p.dormant && p.mfa !== 'none') kinds.add(p.mfa);
    const factors = [...kinds].map((k) => {
      const f = OKTA_FACTOR_OF[k];
      return { id: ids[f.key], factorType: f.type, provider: f.provider, vendorName: f.vendor, status: 'ACTIVE', created: isoMs(p.factorRegisteredAt), lastUpdated: isoMs(p.factorRegisteredAt), profile: f.profile(p), _links: { self: { href: `https://${OKTA_HOST}/api/v1/users/${p.oktaId}/factors/${ids[f.key]}`, hints: { allow: ['GET', 'DELETE'] } }, user: { href: `https://${OKTA_HOST}/api/v1/users/${p.oktaId}`, hints: { allow: ['GET'] } } } };
    });
    factors.push({ id: ids.email, factorType: 'email', provider: 'OKTA', vendorName: 'OKTA', status: 'ACTIVE', created: isoMs(p.created), lastUpdated: isoMs(p.created), profile: { email: p.login } as never, _links: { self: { href: `https://${OKTA_HOST}/api/v1/users/${p.oktaId}/factors/${ids.email}`, hints: { allow: ['GET', 'DELETE'] } }, user: { href: `https://${OKTA_HOST}/api/v1/users/${p.oktaId}`, hints: { allow: ['GET'] } } } });
    return { userId: p.oktaId, factors };
  }));

  const roleIds = ctx.rng.fork('okta-role-ids');
  write('okta_admin_roles.json', okta.filter((p) => p.oktaRoles.length || ctx.oktaDirectGrants.some((g) => g.login === p.login && g.at < s)).map((p) => {
    const roles = [...p.oktaRoles.map((t) => ({ t, at: p.created + 40 * DAY })), ...ctx.oktaDirectGrants.filter((g) => g.login === p.login && g.at < s).map((g) => ({ t: g.role as keyof typeof OKTA_ROLES, at: g.at }))];
    return {
      userId: p.oktaId,
      roles: roles.map(({ t, at }) => {
        const id = `ra1${roleIds.base62(17)}`;
        return { id, label: OKTA_ROLES[t], type: t, status: 'ACTIVE', created: isoMs(at), lastUpdated: isoMs(at), assignmentType: 'USER', _links: { assignee: { href: `https://${OKTA_HOST}/api/v1/users/${p.oktaId}` } } };
      }),
    };
  }));

  // Microsoft Graph
  const entra = ctx.pop.people.filter((p) => p.inEntra && exists(p));
  const users = entra.map((p) => {
    const seen = ctx.seen.get(p.login) ?? {};
    const quietLast = p.joiner ? null : p.lastSignInBefore;
    const lastI = seen.entraLastInteractive ?? quietLast;
    const lastN = seen.entraLastNonInteractive ?? (p.kind === 'service' || p.joiner ? null : p.quiet ? quietLast : null);
    const lastS = seen.entraLastSuccess ?? quietLast;
    const enabled = oktaStatus(ctx, p) !== 'DEPROVISIONED';
    const reqId = (t: number | null | undefined, id?: string) => (t ? id ?? ctx.rng.fork(`req/${p.login}/${t}`).uuid() : '00000000-0000-0000-0000-000000000000');
    return {
      id: p.entraId, businessPhones: [], displayName: p.displayName, givenName: p.kind === 'service' || p.kind === 'breakglass' ? null : p.displayName.split(' ')[0], surname: p.kind === 'service' || p.kind === 'breakglass' ? null : p.displayName.split(' ').slice(1).join(' '),
      jobTitle: p.title || null, mail: p.kind === 'breakglass' ? null : p.login, mobilePhone: null, officeLocation: p.officeBased ? p.city.name : null, preferredLanguage: 'en-US',
      userPrincipalName: p.login, accountEnabled: enabled, userType: 'Member', employeeId: p.hr || p.kind === 'secondary' ? p.employeeId : null,
      employeeType: p.kind === 'contractor' ? 'Contractor' : p.kind === 'employee' || p.kind === 'secondary' ? 'Employee' : null,
      department: p.dept || null, companyName: 'Acme Corp', usageLocation: p.city.iso2, createdDateTime: isoSec(p.created),
      onPremisesSyncEnabled: null, creationType: null,
      signInActivity: {
        lastSignInDateTime: lastI ? isoSec(lastI) : null, lastSignInRequestId: lastI ? reqId(lastI, seen.entraLastInteractiveId) : null,
        lastNonInteractiveSignInDateTime: lastN ? isoSec(lastN) : null, lastNonInteractiveSignInRequestId: lastN ? reqId(lastN, seen.entraLastNonInteractiveId) : null,
        lastSuccessfulSignInDateTime: lastS ? isoSec(lastS) : null, lastSuccessfulSignInRequestId: lastS ? reqId(lastS, seen.entraLastSuccessId) : null,
      },
    };
  });
  write('graph_users.json', { '@odata.context': `${graphBase}/$metadata#users(id,businessPhones,displayName,givenName,surname,jobTitle,mail,mobilePhone,officeLocation,preferredLanguage,userPrincipalName,accountEnabled,userType,employeeId,employeeType,department,companyName,usageLocation,createdDateTime,onPremisesSyncEnabled,creationType,signInActivity)`, value: users });

  const isAdmin = (p: Person) => p.entraRoles.some((g) => ENTRA_ROLES[g.role].privileged) || ctx.directGrants.some((g) => g.login === p.login && g.at < s);
  write('graph_user_registration_details.json', {
    '@odata.context': `${graphBase}/$metadata#reports/authenticationMethods/userRegistrationDetails`,
    value: entra.filter((p) => p.kind !== 'service').map((p) => {
      const methods = new Set<string>(GRAPH_METHODS[p.mfa]);
      if (!p.dormant) for (const r of ctx.registeredInWindow.get(p.login) ?? []) if (r.at < s) for (const m of GRAPH_METHODS[r.method as MfaKind] ?? []) methods.add(m);
      if (p.kind !== 'breakglass' && p.kind !== 'orphan') methods.add('email');
      const mfa = [...methods].some((m) => m !== 'email');
      return {
        id: p.entraId, userPrincipalName: p.login, userDisplayName: p.displayName, userType: 'member', isAdmin: isAdmin(p),
        isSsprRegistered: methods.size > 0, isSsprEnabled: p.kind !== 'breakglass', isSsprCapable: methods.size > 0 && p.kind !== 'breakglass',
        isMfaRegistered: mfa, isMfaCapable: mfa, isPasswordlessCapable: [...methods].some((m) => ['fido2SecurityKey', 'windowsHelloForBusiness', 'passKeyDeviceBoundAuthenticator'].includes(m)),
        methodsRegistered: [...methods], isSystemPreferredAuthenticationMethodEnabled: true,
        systemPreferredAuthenticationMethods: mfa ? [p.mfa === 'fido2' ? 'Fido2' : p.mfa === 'whfb' ? 'WindowsHelloForBusiness' : p.mfa === 'sms' ? 'Sms' : p.mfa === 'totp' ? 'SoftwareOneTimePasscode' : p.mfa === 'passkey' ? 'PasskeyDeviceBoundAuthenticator' : 'PushNotification'] : [],
        userPreferredMethodForSecondaryAuthentication: PREFERRED[p.mfa], lastUpdatedDateTime: isoSec(Math.min(s - HOUR, Math.max(p.factorRegisteredAt, p.created))),
      };
    }),
  });

  const permanent: Record<string, unknown>[] = [];
  const eligible: Record<string, unknown>[] = [];
  const instances: Record<string, unknown>[] = [];
  for (const p of entra) {
    if (oktaStatus(ctx, p) === 'DEPROVISIONED') continue;
    for (const g of p.entraRoles) {
      const def = roleDefinition(g.role);
      if (g.kind === 'permanent') {
        permanent.push({ id: g.assignmentId, principalId: p.entraId, directoryScopeId: '/', roleDefinitionId: def.id, appScopeId: null, condition: null, roleDefinition: def });
        instances.push({ id: g.assignmentId, principalId: p.entraId, roleDefinitionId: def.id, directoryScopeId: '/', appScopeId: null, startDateTime: isoSec(g.since), endDateTime: null, assignmentType: 'Assigned', memberType: 'Direct', roleAssignmentOriginId: g.assignmentId, roleAssignmentScheduleId: g.scheduleId, roleDefinition: def });
      } else if (g.since < s) {
        eligible.push({ id: g.scheduleId, principalId: p.entraId, roleDefinitionId: def.id, directoryScopeId: '/', appScopeId: null, createdUsing: g.scheduleId, createdDateTime: isoSec(g.since), modifiedDateTime: isoSec(g.since), status: 'Provisioned', memberType: 'Direct', scheduleInfo: { startDateTime: isoSec(g.since), recurrence: null, expiration: { type: 'noExpiration', endDateTime: null, duration: null } }, roleDefinition: def });
      }
    }
  }
  for (const g of ctx.directGrants.filter((x) => x.at < s)) {
    const p = ctx.pop.byLogin.get(g.login)!;
    const def = roleDefinition(g.role as EntraRoleKey);
    const id = ctx.rng.fork(`direct/${g.id}`).base62(43);
    permanent.push({ id, principalId: p.entraId, directoryScopeId: '/', roleDefinitionId: def.id, appScopeId: null, condition: null, roleDefinition: def });
    instances.push({ id, principalId: p.entraId, roleDefinitionId: def.id, directoryScopeId: '/', appScopeId: null, startDateTime: isoSec(g.at), endDateTime: null, assignmentType: 'Assigned', memberType: 'Direct', roleAssignmentOriginId: id, roleAssignmentScheduleId: ctx.rng.fork(`direct-s/${g.id}`).uuid(), roleDefinition: def });
  }
  for (const a of ctx.activeActivations) {
    const p = ctx.pop.byLogin.get(a.login)!;
    const def = roleDefinition(a.role as EntraRoleKey);
    const id = ctx.rng.fork(`act/${a.id}`).base62(43);
    instances.push({ id, principalId: p.entraId, roleDefinitionId: def.id, directoryScopeId: '/', appScopeId: null, startDateTime: isoSec(a.start), endDateTime: isoSec(a.end), assignmentType: 'Activated', memberType: 'Direct', roleAssignmentOriginId: id, roleAssignmentScheduleId: a.id, roleDefinition: def });
  }
  write('graph_role_assignments.json', { '@odata.context': `${graphBase}/$metadata#roleManagement/directory/roleAssignments(roleDefinition())`, value: permanent });
  write('graph_role_eligibility_schedules.json', { '@odata.context': `${graphBase}/$metadata#roleManagement/directory/roleEligibilitySchedules(roleDefinition())`, value: eligible });
  write('graph_role_assignment_schedule_instances.json', { '@odata.context': `${graphBase}/$metadata#roleManagement/directory/roleAssignmentScheduleInstances(roleDefinition())`, value: instances });
  write('snapshot.json', { snapshot_at: isoSec(s), tenants: { okta: OKTA_HOST, entra: ctx.tenants.entra }, domain: DOMAIN });
  return files;
}
