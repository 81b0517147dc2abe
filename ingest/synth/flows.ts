/**
 * Sign-in flows as each vendor logs them: an Okta sign-in (optional password typos, MFA challenge
 * and verification, session start), Okta SSO into an app, Entra interactive and non-interactive
 * sign-ins, a Workspace SAML login and an AWS console sign-in through IAM Identity Center. Each
 * returns the vendor ids it wrote so that scenarios can label them.
 */
import { markSeen, type Ctx, factorIdsOf } from './ctx.js';
import type { Device } from './devices.js';
import type { IpInfo } from './geo.js';
import { ENTRA_APPS, type EntraApp, type OktaApp } from './org.js';
import type { MfaKind, Person } from './population.js';
import type { Rng } from './prng.js';
import { deviceUa, oktaAppTarget, oktaEvent, oktaSessionId, oktaUserActor, oktaUserTarget } from './vendors/okta.js';
import { CA_POLICIES, signIn } from './vendors/entra.js';
import { wsActivity } from './vendors/workspace.js';
import { cloudTrail } from './vendors/cloudtrail.js';

type Json = Record<string, unknown>;

function id(e: Json): string {
  return e.uuid as string;
}

/** Okta factor wording per MFA kind: debugData.factor, the authenticator name and method. */
const OKTA_FACTOR: Record<Exclude<MfaKind, 'none'>, { factor: string; authenticator: string; method: string; props: string; key: string }> = {
  push: { factor: 'OKTA_VERIFY_PUSH', authenticator: 'Okta Verify', method: 'Okta Verify Push', props: '[DEVICE_BOUND, HARDWARE_PROTECTED]', key: 'push' },
  fastpass: { factor: 'SIGNED_NONCE', authenticator: 'Okta Verify', method: 'Okta FastPass', props: '[PHISHING_RESISTANT, DEVICE_BOUND, HARDWARE_PROTECTED, USER_VERIFYING]', key: 'signed_nonce' },
  totp: { factor: 'OKTA_VERIFY_TOTP', authenticator: 'Okta Verify', method: 'Use Okta Verify code', props: '[DEVICE_BOUND]', key: 'totp' },
  sms: { factor: 'SMS_FACTOR', authenticator: 'Phone', method: 'SMS', props: '[]', key: 'sms' },
  fido2: { factor: 'FIDO_WEBAUTHN', authenticator: 'Security Key or Biometric', method: 'Security Key or Biometric', props: '[PHISHING_RESISTANT, HARDWARE_PROTECTED, USER_PRESENCE]', key: 'webauthn' },
  passkey: { factor: 'FIDO_WEBAUTHN', authenticator: 'Security Key or Biometric', method: 'Security Key or Biometric', props: '[PHISHING_RESISTANT, USER_VERIFYING, USER_PRESENCE]', key: 'webauthn' },
  whfb: { factor: 'FIDO_WEBAUTHN', authenticator: 'Security Key or Biometric', method: 'Security Key or Biometric', props: '[PHISHING_RESISTANT, HARDWARE_PROTECTED, USER_VERIFYING]', key: 'webauthn' },
};

export function oktaMfaTarget(ctx: Ctx, p: Person, kind: Exclude<MfaKind, 'none'>) {
  const f = OKTA_FACTOR[kind];
  return {
    id: factorIdsOf(ctx, p)[f.key],
    type: 'AuthenticatorEnrollment',
    alternateId: 'unknown',
    displayName: f.authenticator,
    detailEntry: { methodTypeUsed: f.method, methodUsedVerifiedProperties: f.props },
  };
}

export interface OktaLoginOpts {
  typos?: number;
  /** Password failure instead of a session (spray, brute force). */
  failOnly?: boolean;
  risk?: { level: 'LOW' | 'MEDIUM' | 'HIGH'; newGeo?: boolean; velocity?: boolean; newDevice?: boolean; newIp?: boolean };
  mfa?: MfaKind;
  uaOverride?: { raw: string; os: string; browser: string };
  session?: string;
}

export interface OktaLoginResult {
  session: string;
  ids: string[];
  typoIds: string[];
  sessionStartId?: string;
  end: number;
}

/** An Okta (Identity Engine) sign-in: [typos…], [push sent], MFA verified, session started. */
export function oktaLogin(ctx: Ctx, rng: Rng, p: Person, t0: number, ip: IpInfo, dev: Device, o: OktaLoginOpts = {}): OktaLoginResult {
  const ua = o.uaOverride ?? deviceUa(dev);
  const ids: string[] = [];
  const typoIds: string[] = [];
  let t = t0;
  const app = ctx.oktaApps.dashboard;
  for (let i = 0; i < (o.typos ?? 0); i++) {
    const e = oktaEvent(rng, {
      t, eventType: 'user.session.start', displayMessage: 'User login to Okta', legacyEventType: 'core.user_auth.login_failed',
      actor: oktaUserActor(p), ip, ua, result: 'FAILURE', reason: 'INVALID_CREDENTIALS', session: { external: 'unknown' },
      authProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD', requestUri: '/idp/idx/challenge/answer',
      risk: o.risk ?? { level: 'LOW' },
    });
    ctx.sink.add('okta', t, e);
    typoIds.push(id(e));
    ids.push(id(e));
    t += rng.int(8, 40) * 1000;
  }
  if (o.failOnly) return { session: 'unknown', ids, typoIds, end: t };
  const session = o.session ?? oktaSessionId(rng);
  const mfa = o.mfa ?? p.mfa;
  const tx = rng.base62(27);
  if (mfa !== 'none') {
    const f = OKTA_FACTOR[mfa];
    if (mfa === 'push') {
      const e = oktaEvent(rng, {
        t, eventType: 'system.push.send_factor_verify_push', displayMessage: 'A push was sent to a user for verification', legacyEventType: null,
        actor: oktaUserActor(p), ip, ua, result: 'SUCCESS', session: { external: session }, transactionId: tx, requestUri: '/idp/idx/challenge',
        target: [oktaUserTarget(p), oktaMfaTarget(ctx, p, mfa)],
      });
      ctx.sink.add('okta', t, e);
      ids.push(id(e));
      t += rng.int(4, 25) * 1000;
    }
    const e = oktaEvent(rng, {
      t, eventType: 'user.authentication.auth_via_mfa', displayMessage: 'Authentication of user via MFA', legacyEventType: 'core.user.factor.attempt_success',
      actor: oktaUserActor(p), ip, ua, result: 'SUCCESS', session: { external: session }, transactionId: tx,
      authProvider: 'FACTOR_PROVIDER', credentialProvider: mfa === 'push' || mfa === 'fastpass' || mfa === 'totp' ? 'OKTA_CREDENTIAL_PROVIDER' : null,
      credentialType: mfa === 'sms' ? 'SMS' : mfa === 'totp' ? 'OTP' : mfa === 'fido2' || mfa === 'passkey' || mfa === 'whfb' ? 'WEBAUTHN' : 'ASSERTION',
      authStep: 0, requestUri: '/idp/idx/challenge/answer', debug: { factor: f.factor, factorIntent: 'AUTHENTICATION' },
      target: [oktaUserTarget(p), oktaMfaTarget(ctx, p, mfa), oktaAppTarget(app)],
    });
    ctx.sink.add('okta', t, e);
    ids.push(id(e));
    t += rng.int(1, 4) * 1000;
  }
  const s = oktaEvent(rng, {
    t, eventType: 'user.session.start', displayMessage: 'User login to Okta', legacyEventType: 'core.user_auth.login_success',
    actor: oktaUserActor(p), ip, ua, result: 'SUCCESS', session: { external: session }, transactionId: tx,
    authProvider: 'OKTA_AUTHENTICATION_PROVIDER', credentialType: 'PASSWORD', requestUri: '/idp/idx/identify',
    risk: o.risk ?? { level: 'LOW' },
  });
  ctx.sink.add('okta', t, s);
  ids.push(id(s));
  markSeen(ctx, p, 'oktaLastLogin', t);
  return { session, ids, typoIds, sessionStartId: id(s), end: t };
}

export function oktaSso(ctx: Ctx, rng: Rng, p: Person, t: number, ip: IpInfo, dev: Device, session: string, app: OktaApp, risk?: OktaLoginOpts['risk']): string {
  const e = oktaEvent(rng, {
    t, eventType: 'user.authentication.sso', displayMessage: 'User single sign on to app', legacyEventType: 'app.auth.sso',
    actor: oktaUserActor(p), ip, ua: deviceUa(dev), result: 'SUCCESS', session: { external: session },
    requestUri: `/app/${app.name}/${app.id}/sso/saml`,
    target: [
      { id: app.id, type: 'AppInstance', alternateId: app.label, displayName: app.label, detailEntry: { signOnModeType: app.signOnMode } },
      { id: `0ua${rng.base62(17)}`, type: 'AppUser', alternateId: p.login, displayName: p.displayName, detailEntry: null },
    ],
    risk,
  });
  ctx.sink.add('okta', t, e);
  return id(e);
}

export function oktaSessionEnd(ctx: Ctx, rng: Rng, p: Person, t: number, ip: IpInfo, dev: Device, session: string): string {
  const e = oktaEvent(rng, {
    t, eventType: 'user.session.end', displayMessage: 'User logout from Okta', legacyEventType: 'core.user_auth.logout_success',
    actor: oktaUserActor(p), ip, ua: deviceUa(dev), result: 'SUCCESS', session: { external: session }, requestUri: '/login/signout',
  });
  ctx.sink.add('okta', t, e);
  return id(e);
}

/** Entra sign-in wording per MFA kind. */
export const ENTRA_METHOD: Record<MfaKind, { method: string; detail: string | null; passwordless: boolean }> = {
  push: { method: 'Mobile app notification', detail: null, passwordless: false },
  fastpass: { method: 'Mobile app notification', detail: null, passwordless: false },
  totp: { method: 'OATH verification code', detail: null, passwordless: false },
  sms: { method: 'Text message', detail: null, passwordless: false },
  fido2: { method: 'FIDO2 security key', detail: null, passwordless: true },
  passkey: { method: 'Passkey (device-bound)', detail: 'Microsoft Authenticator', passwordless: true },
  whfb: { method: 'Windows Hello for Business', detail: null, passwordless: true },
  none: { method: 'Password', detail: 'Password in the cloud', passwordless: false },
};

export interface EntraOpts {
  app?: EntraApp;
  errorCode?: number;
  failureReason?: string;
  additionalDetails?: string;
  clientAppUsed?: string;
  interactive?: boolean;
  sessionId?: string;
  correlationId?: string;
  mfa?: MfaKind;
  previouslySatisfied?: boolean;
  protocol?: string;
  riskLevel?: 'none' | 'low' | 'medium' | 'high';
  riskEventTypes?: string[];
  userAgent?: string;
  caPolicies?: { id: string; displayName: string; result: string; grant: string[] }[];
  steps?: { method: string; detail?: string | null; succeeded: boolean; result: string; requirement?: string }[];
  requirement?: 'singleFactorAuthentication' | 'multiFactorAuthentication';
}

export interface EntraResult {
  id: string;
  sessionId: string;
  correlationId: string;
}

/** One Entra sign-in record (interactive unless told otherwise). */
export function entraSignIn(ctx: Ctx, rng: Rng, p: Person, t: number, ip: IpInfo, dev: Device, o: EntraOpts = {}): EntraResult {
  const interactive = o.interactive ?? true;
  const mfa = o.mfa ?? p.mfa;
  const m = ENTRA_METHOD[mfa];
  const err = o.errorCode ?? 0;
  const ok = err === 0;
  const sessionId = o.sessionId ?? rng.uuid();
  const correlationId = o.correlationId ?? rng.uuid();
  let steps = o.steps;
  let requirement = o.requirement ?? (mfa === 'none' ? 'singleFactorAuthentication' : 'multiFactorAuthentication');
  let mfaMethod: string | null = null;
  if (!steps) {
    if (!interactive || o.previouslySatisfied) {
      steps = [{ method: 'Previously satisfied', detail: null, succeeded: ok, result: ok ? 'First factor requirement satisfied by claim in the token' : 'Token was revoked or expired', requirement: 'Primary authentication' }];
      if (requirement === 'multiFactorAuthentication') steps.push({ method: 'Previously satisfied', detail: null, succeeded: ok, result: 'MFA requirement satisfied by claim in the token', requirement: 'Multifactor authentication' });
    } else if (err === 50126) {
      steps = [{ method: 'Password', detail: 'Password Hash Sync', succeeded: false, result: 'Invalid username or password or Invalid on-premise username or password.', requirement: 'Primary authentication' }];
    } else if (m.passwordless) {
      steps = [{ method: m.method, detail: m.detail, succeeded: ok, result: ok ? 'MFA completed in Azure AD' : 'Authentication failed', requirement: 'Primary authentication' }];
      mfaMethod = ok ? m.method : null;
    } else if (mfa === 'none') {
      steps = [{ method: 'Password', detail: 'Password Hash Sync', succeeded: ok, result: ok ? 'Correct password' : 'Authentication failed', requirement: 'Primary authentication' }];
    } else {
      steps = [
        { method: 'Password', detail: 'Password Hash Sync', succeeded: true, result: 'Correct password', requirement: 'Primary authentication' },
        { method: m.method, detail: m.detail, succeeded: ok, result: ok ? 'MFA successfully completed' : err === 500121 ? 'MFA denied; user declined the authentication' : 'MFA required in Azure AD', requirement: 'Multifactor authentication' },
      ];
      mfaMethod = m.method;
    }
  }
  if (o.requirement) requirement = o.requirement;
  const app = o.app ?? ENTRA_APPS.officeHome;
  const e = signIn(rng, {
    t, user: { entraId: p.entraId, login: p.login, displayName: p.displayName }, app, ip, device: dev,
    interactive, clientAppUsed: o.clientAppUsed ?? (dev.kind === 'ios' || dev.kind === 'android' || !interactive ? 'Mobile Apps and Desktop clients' : 'Browser'),
    errorCode: err, failureReason: o.failureReason, additionalDetails: o.additionalDetails, steps, requirement,
    mfaMethod, sessionId, correlationId,
    caPolicies: o.caPolicies ?? [{ ...CA_POLICIES.mfaAll, result: requirement === 'multiFactorAuthentication' ? (ok ? 'success' : 'failure') : 'notApplied', grant: ['Mfa'] }, { ...CA_POLICIES.blockLegacy, result: 'notApplied', grant: ['Block'] }],
    protocol: o.protocol ?? 'none', incomingTokenType: interactive ? 'none' : 'refreshToken',
    riskLevel: o.riskLevel, riskEventTypes: o.riskEventTypes, userAgent: o.userAgent,
    resourceTenantId: ctx.tenants.entra, homeTenantId: ctx.tenants.entra, homeTenantName: ctx.tenants.entraName,
  });
  ctx.sink.add('entra_signins', t, e);
  const rid = e.id as string;
  if (ok) {
    if (interactive) markSeen(ctx, p, 'entraLastInteractive', t, rid);
    else markSeen(ctx, p, 'entraLastNonInteractive', t, rid);
    markSeen(ctx, p, 'entraLastSuccess', t, rid);
  } else if (interactive) {
    markSeen(ctx, p, 'entraLastInteractive', t, rid);
  }
  return { id: rid, sessionId, correlationId };
}

export function googleLogin(ctx: Ctx, rng: Rng, p: Person, t: number, ip: IpInfo, ok = true): string {
  const params = ok
    ? [{ name: 'login_type', value: 'saml' }, { name: 'is_suspicious', boolValue: false }, { name: 'is_second_factor', boolValue: false }]
    : [{ name: 'login_type', value: 'saml' }, { name: 'login_failure_type', value: 'login_failure_unknown' }, { name: 'is_suspicious', boolValue: false }];
  const e = wsActivity(rng, {
    t, app: 'login', customerId: ctx.tenants.googleCustomerId, actor: { email: p.login, profileId: p.googleId }, ip: ip.ip,
    events: [{ type: 'login', name: ok ? 'login_success' : 'login_failure', parameters: params }],
  });
  ctx.sink.add('workspace', t, e);
  if (ok) markSeen(ctx, p, 'googleLastLogin', t);
  return (e.id as { uniqueQualifier: string }).uniqueQualifier;
}

export function awsSsoRole(p: Person): string {
  return p.dept === 'Security' ? 'SecurityAudit' : p.dept === 'IT' ? 'AdministratorAccess' : 'PowerUserAccess';
}

/** Console access through IAM Identity Center: portal federation, then the console sign-in. */
export function awsConsoleSignIn(ctx: Ctx, rng: Rng, p: Person, t: number, ip: IpInfo, dev: Device): string[] {
  const acct = ctx.tenants.awsAccountId;
  const role = awsSsoRole(p);
  const roleSuffix = ctx.rng.fork(`aws-role/${role}`).hex(16);
  const roleName = `AWSReservedSSO_${role}_${roleSuffix}`;
  const identityStoreUser = `${ctx.rng.fork(`ids/${p.login}`).hex(10)}-${ctx.rng.fork(`ids2/${p.login}`).uuid()}`;
  const fed = cloudTrail(rng, {
    t, accountId: acct, region: 'eu-west-1', eventSource: 'sso.amazonaws.com', eventName: 'Federate', eventType: 'AwsServiceEvent',
    userIdentity: { type: 'Unknown', principalId: identityStoreUser, accountId: acct, userName: p.login, onBehalfOf: { userId: identityStoreUser, identityStoreArn: `arn:aws:identitystore::${acct}:identitystore/d-9067${ctx.rng.fork('ids').hex(6)}` }, credentialId: rng.hex(32) },
    sourceIp: ip.ip, userAgent: dev.ua, readOnly: false,
    serviceEventDetails: { role_name: role, account_id: acct },
  });
  ctx.sink.add('cloudtrail', t, fed, 'eu-west-1');
  const t2 = t + rng.int(2, 9) * 1000;
  const login = cloudTrail(rng, {
    t: t2, accountId: acct, region: 'us-east-1', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROA${ctx.rng.fork(`aroa/${role}`).base62(17).toUpperCase()}:${p.login}`,
      arn: `arn:aws:sts::${acct}:assumed-role/${roleName}/${p.login}`,
      accountId: acct,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: `AROA${ctx.rng.fork(`aroa/${role}`).base62(17).toUpperCase()}`, arn: `arn:aws:iam::${acct}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${roleName}`, accountId: acct, userName: roleName },
        attributes: { creationDate: new Date(t2).toISOString().replace(/\.\d{3}Z$/, 'Z'), mfaAuthenticated: 'false' },
      },
    },
    sourceIp: ip.ip, userAgent: dev.ua, readOnly: false,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { MobileVersion: 'No', MFAUsed: 'No' },
  });
  ctx.sink.add('cloudtrail', t2, login, 'us-east-1');
  return [fed.eventID as string, login.eventID as string];
}

export function entraRefreshApps(): EntraApp[] {
  return [ENTRA_APPS.teams, ENTRA_APPS.outlook, ENTRA_APPS.oneDrive, ENTRA_APPS.authBroker];
}
