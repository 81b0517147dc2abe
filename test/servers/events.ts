/**
 * Whole, real-shaped vendor events for the fake API servers: Okta System Log LogEvent, Microsoft
 * Graph signIn / directoryAudit / provisioningObjectSummary, Google Reports activity, CloudTrail
 * records. Deterministic for a seed, spread over a time range, each with its vendor id.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

function uuid(r: () => number): string {
  const h = () => Math.floor(r() * 16).toString(16);
  const s = Array.from({ length: 32 }, h).join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${'89ab'[Math.floor(r() * 4)]}${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

function oktaId(r: () => number, prefix: string): string {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return prefix + Array.from({ length: 17 }, () => chars[Math.floor(r() * chars.length)]).join('');
}

const PEOPLE = ['alice.nguyen', 'bob.martin', 'carol.diaz', 'dave.okafor', 'erin.schmidt', 'frank.li', 'grace.kim', 'heidi.johansson', 'ivan.petrov', 'judy.moreau'];
const PLACES = [
  { city: 'Seattle', state: 'Washington', country: 'United States', iso: 'US', postal: '98101', lat: 47.6062, lon: -122.3321, ip: '73.97.', asn: 7922, asOrg: 'comcast', isp: 'Comcast Cable Communications, LLC', domain: 'comcast.net' },
  { city: 'London', state: 'England', country: 'United Kingdom', iso: 'GB', postal: 'EC1A', lat: 51.5072, lon: -0.1276, ip: '81.2.69.', asn: 2856, asOrg: 'british telecommunications plc', isp: 'British Telecom', domain: 'bt.com' },
  { city: 'Frankfurt am Main', state: 'Hesse', country: 'Germany', iso: 'DE', postal: '60311', lat: 50.1109, lon: 8.6821, ip: '91.64.', asn: 3209, asOrg: 'vodafone gmbh', isp: 'Vodafone GmbH', domain: 'vodafone.de' },
  { city: 'Sydney', state: 'New South Wales', country: 'Australia', iso: 'AU', postal: '2000', lat: -33.8688, lon: 151.2093, ip: '1.128.', asn: 1221, asOrg: 'telstra limited', isp: 'Telstra', domain: 'telstra.net' },
];
const UAS = [
  { raw: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', os: 'Mac OS X', browser: 'CHROME', device: 'Computer' },
  { raw: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0', os: 'Windows 10', browser: 'EDGE_CHROMIUM', device: 'Computer' },
  { raw: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', os: 'iOS', browser: 'SAFARI', device: 'Mobile' },
];

function times(n: number, from: Date, to: Date, r: () => number): string[] {
  const span = to.getTime() - from.getTime();
  return Array.from({ length: n }, () => from.getTime() + Math.floor(r() * span))
    .sort((a, b) => a - b)
    .map((t) => new Date(t).toISOString());
}

const OKTA_TYPES = [
  { eventType: 'user.session.start', displayMessage: 'User login to Okta', legacy: 'core.user_auth.login_success', result: 'SUCCESS', reason: null },
  { eventType: 'user.session.start', displayMessage: 'User login to Okta', legacy: 'core.user_auth.login_failed', result: 'FAILURE', reason: 'INVALID_CREDENTIALS' },
  { eventType: 'user.authentication.sso', displayMessage: 'User single sign on to app', legacy: 'app.auth.sso', result: 'SUCCESS', reason: null },
  { eventType: 'user.authentication.auth_via_mfa', displayMessage: 'Authentication of user via MFA', legacy: 'core.user.factor.attempt_success', result: 'SUCCESS', reason: null },
  { eventType: 'user.mfa.okta_verify.deny_push', displayMessage: 'User rejected Okta push verify', legacy: 'core.user.factor.attempt_fail', result: 'FAILURE', reason: 'User rejected Okta push verify' },
  { eventType: 'policy.evaluate_sign_on', displayMessage: 'Evaluation of sign-on policy', legacy: null, result: 'ALLOW', reason: 'Sign-on policy evaluation resulted in ALLOW' },
] as const;

/** Okta System Log LogEvent objects, ascending by `published`. */
export function oktaLogEvents(n: number, from: Date, to: Date, seed = 1, org = 'acme'): Record<string, unknown>[] {
  const r = rng(seed);
  return times(n, from, to, r).map((published) => {
    const who = pick(r, PEOPLE);
    const place = pick(r, PLACES);
    const ua = pick(r, UAS);
    const t = pick(r, OKTA_TYPES);
    const ip = `${place.ip}${Math.floor(r() * 254) + 1}.${Math.floor(r() * 254) + 1}`;
    const geo = { city: place.city, state: place.state, country: place.country, postalCode: place.postal, geolocation: { lat: place.lat, lon: place.lon } };
    const session = `102${oktaId(r, '').slice(0, 22)}`;
    return {
      actor: { id: oktaId(r, '00u'), type: 'User', alternateId: `${who}@${org}.com`, displayName: who.split('.').map((s) => s[0].toUpperCase() + s.slice(1)).join(' '), detailEntry: null },
      client: { userAgent: { rawUserAgent: ua.raw, os: ua.os, browser: ua.browser }, zone: 'null', device: ua.device, id: null, ipAddress: ip, geographicalContext: geo },
      device: null,
      authenticationContext: { authenticationProvider: null, credentialProvider: null, credentialType: null, issuer: null, interface: null, authenticationStep: 0, rootSessionId: session, externalSessionId: session },
      displayMessage: t.displayMessage,
      eventType: t.eventType,
      outcome: { result: t.result, reason: t.reason },
      published,
      securityContext: { asNumber: place.asn, asOrg: place.asOrg, isp: place.isp, domain: place.domain, isProxy: false },
      severity: t.result === 'FAILURE' ? 'WARN' : 'INFO',
      debugContext: { debugData: { requestId: oktaId(r, 'Z'), requestUri: '/idp/idx/authenticators/poll', threatSuspected: 'false', url: '/idp/idx/authenticators/poll?' } },
      legacyEventType: t.legacy,
      transaction: { type: 'WEB', id: oktaId(r, 'Z'), detail: {} },
      uuid: uuid(r),
      version: '0',
      request: { ipChain: [{ ip, geographicalContext: geo, version: 'V4', source: null }] },
      target: t.eventType === 'user.authentication.sso' ? [{ id: oktaId(r, '0oa'), type: 'AppInstance', alternateId: 'Salesforce.com', displayName: 'Salesforce.com', detailEntry: { signOnModeType: 'SAML_2_0' } }] : null,
    };
  });
}

const APPS = [
  { appId: '00000002-0000-0ff1-ce00-000000000000', name: 'Office 365 Exchange Online' },
  { appId: '00000003-0000-0ff1-ce00-000000000000', name: 'Office 365 SharePoint Online' },
  { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', name: 'Microsoft Teams' },
  { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', name: 'Azure Portal' },
];

/** Graph signIn objects; `eventType` adds the beta `signInEventTypes` and MFA detail fields. Ascending. */
export function graphSignIns(n: number, from: Date, to: Date, seed = 2, eventType?: string): Record<string, unknown>[] {
  const r = rng(seed);
  return times(n, from, to, r).map((createdDateTime) => {
    const who = pick(r, PEOPLE);
    const place = pick(r, PLACES);
    const app = pick(r, APPS);
    const ua = pick(r, UAS);
    const fail = r() < 0.15;
    const base: Record<string, unknown> = {
      id: uuid(r),
      createdDateTime,
      userDisplayName: who.replace('.', ' '),
      userPrincipalName: `${who}@contoso.com`,
      userId: uuid(r),
      appId: app.appId,
      appDisplayName: app.name,
      ipAddress: `${place.ip}${Math.floor(r() * 254) + 1}.${Math.floor(r() * 254) + 1}`,
      clientAppUsed: 'Browser',
      correlationId: uuid(r),
      conditionalAccessStatus: fail ? 'notApplied' : 'success',
      isInteractive: !eventType || eventType === 'interactiveUser',
      riskDetail: 'none',
      riskLevelAggregated: 'none',
      riskLevelDuringSignIn: 'none',
      riskState: 'none',
      riskEventTypes: [],
      riskEventTypes_v2: [],
      resourceDisplayName: 'Microsoft Graph',
      resourceId: '00000003-0000-0000-c000-000000000000',
      status: fail ? { errorCode: 50126, failureReason: 'Error validating credentials due to invalid username or password.', additionalDetails: 'The user didn\'t enter the right credentials.' } : { errorCode: 0, failureReason: 'Other.', additionalDetails: null },
      deviceDetail: { deviceId: '', displayName: '', operatingSystem: ua.os, browser: 'Chrome 124.0.0', isCompliant: false, isManaged: false, trustType: '' },
      location: { city: place.city, state: place.state, countryOrRegion: place.iso, geoCoordinates: { altitude: null, latitude: place.lat, longitude: place.lon } },
      appliedConditionalAccessPolicies: [],
    };
    if (eventType) {
      Object.assign(base, {
        signInEventTypes: [eventType],
        userType: 'member',
        authenticationRequirement: fail ? 'singleFactorAuthentication' : 'multiFactorAuthentication',
        authenticationDetails: [{ authenticationStepDateTime: createdDateTime, authenticationMethod: 'Password', authenticationMethodDetail: 'Password in the cloud', succeeded: !fail, authenticationStepResultDetail: fail ? 'Invalid username or password' : 'Correct password', authenticationStepRequirement: 'Primary authentication' }],
        mfaDetail: fail ? null : { authMethod: 'PhoneAppNotification', authDetail: null },
        servicePrincipalId: eventType === 'servicePrincipal' || eventType === 'managedIdentity' ? uuid(r) : '',
        servicePrincipalName: eventType === 'servicePrincipal' ? 'build-pipeline' : eventType === 'managedIdentity' ? 'vm-backup-mi' : null,
        userAgent: ua.raw,
      });
    }
    return base;
  });
}

export function graphDirectoryAudits(n: number, from: Date, to: Date, seed = 3): Record<string, unknown>[] {
  const r = rng(seed);
  const acts = [
    { activityDisplayName: 'Add member to role', category: 'RoleManagement', operationType: 'Assign' },
    { activityDisplayName: 'Update user', category: 'UserManagement', operationType: 'Update' },
    { activityDisplayName: 'Consent to application', category: 'ApplicationManagement', operationType: 'Assign' },
    { activityDisplayName: 'Reset user password', category: 'UserManagement', operationType: 'Update' },
  ];
  return times(n, from, to, r).map((activityDateTime) => {
    const a = pick(r, acts);
    const who = pick(r, PEOPLE);
    return {
      id: `Directory_${uuid(r).toUpperCase().replace(/-/g, '_').slice(0, 21)}_${Math.floor(r() * 1e8)}`,
      category: a.category,
      correlationId: uuid(r),
      result: 'success',
      resultReason: '',
      activityDisplayName: a.activityDisplayName,
      activityDateTime,
      loggedByService: 'Core Directory',
      operationType: a.operationType,
      initiatedBy: { app: null, user: { id: uuid(r), displayName: null, userPrincipalName: `admin.${pick(r, PEOPLE)}@contoso.com`, ipAddress: `${pick(r, PLACES).ip}1.10`, userType: null, homeTenantId: null, homeTenantName: null } },
      targetResources: [{ id: uuid(r), displayName: null, type: 'User', userPrincipalName: `${who}@contoso.com`, groupType: null, modifiedProperties: [{ displayName: 'Role.DisplayName', oldValue: null, newValue: '"Global Administrator"' }] }],
      additionalDetails: [{ key: 'UserAgent', value: pick(r, UAS).raw }],
    };
  });
}

export function graphProvisioning(n: number, from: Date, to: Date, seed = 4): Record<string, unknown>[] {
  const r = rng(seed);
  return times(n, from, to, r).map((activityDateTime) => {
    const who = pick(r, PEOPLE);
    const action = pick(r, ['create', 'update', 'disable', 'delete'] as const);
    return {
      id: `${uuid(r)}`,
      activityDateTime,
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      jobId: 'salesforce.72f988bf86f141af91ab2d7cd011db47.1b1d4f0a2c9e4c2c8b3d1b2e6f8a9c0d',
      cycleId: uuid(r),
      changeId: uuid(r),
      provisioningAction: action,
      durationInMilliseconds: Math.floor(r() * 4000) + 200,
      initiatedBy: { id: '', displayName: 'Azure AD Provisioning Service', initiatorType: 'system' },
      servicePrincipal: { id: uuid(r), displayName: 'Salesforce' },
      sourceSystem: { id: uuid(r), displayName: 'Azure Active Directory', details: {} },
      targetSystem: { id: uuid(r), displayName: 'Salesforce', details: { ApplicationId: uuid(r), ServicePrincipalId: uuid(r) } },
      sourceIdentity: { id: uuid(r), displayName: who.replace('.', ' '), identityType: 'User', details: { UserPrincipalName: `${who}@contoso.com` } },
      targetIdentity: { id: `005${Math.floor(r() * 1e12)}`, displayName: '', identityType: 'User', details: {} },
      provisioningStatusInfo: { status: 'success', errorInformation: null },
      provisioningSteps: [
        { name: 'EntryImport', provisioningStepType: 'import', status: 'success', description: `Retrieved ${who}@contoso.com from Azure Active Directory`, details: {} },
        { name: 'EntryExportUpdate', provisioningStepType: 'export', status: 'success', description: `${action} ${who}@contoso.com in Salesforce`, details: {} },
      ],
      modifiedProperties: [{ displayName: 'accountEnabled', oldValue: 'True', newValue: action === 'disable' ? 'False' : 'True' }],
    };
  });
}

/** Google Reports activity objects for an application ('login', 'admin', 'token'). Ascending. */
export function googleActivities(n: number, from: Date, to: Date, application: string, seed = 5): Record<string, unknown>[] {
  const r = rng(seed);
  return times(n, from, to, r).map((time) => {
    const who = pick(r, PEOPLE);
    const ip = `${pick(r, PLACES).ip}${Math.floor(r() * 254) + 1}.${Math.floor(r() * 254) + 1}`;
    const events =
      application === 'login'
        ? [pick(r, [
            { type: 'login', name: 'login_success', parameters: [{ name: 'login_type', value: 'google_password' }, { name: 'login_challenge_method', multiValue: ['password', 'google_prompt'] }, { name: 'is_suspicious', boolValue: false }] },
            { type: 'login', name: 'login_failure', parameters: [{ name: 'login_type', value: 'google_password' }, { name: 'login_failure_type', value: 'login_failure_invalid_password' }, { name: 'is_suspicious', boolValue: false }] },
          ])]
        : application === 'admin'
          ? [{ type: 'DELEGATED_ADMIN_SETTINGS', name: 'ASSIGN_ROLE', parameters: [{ name: 'ROLE_NAME', value: '_SEED_ADMIN_ROLE' }, { name: 'USER_EMAIL', value: `${pick(r, PEOPLE)}@example.com` }] }]
          : [{ type: 'auth', name: 'authorize', parameters: [{ name: 'client_id', value: '1234567890-abc.apps.googleusercontent.com' }, { name: 'app_name', value: 'Calendar Sync' }, { name: 'client_type', value: 'WEB' }, { name: 'scope', multiValue: ['https://www.googleapis.com/auth/calendar', 'https://mail.google.com/'] }, { name: 'scope_data', multiMessageValue: [{ parameter: [{ name: 'scope_name', value: 'https://mail.google.com/' }, { name: 'product_bucket', multiValue: ['GMAIL'] }] }] }] }];
    return {
      kind: 'admin#reports#activity',
      id: { time, uniqueQualifier: String(-Math.floor(r() * 9e18)), applicationName: application, customerId: 'C03az79cb' },
      etag: `"${uuid(r).replace(/-/g, '')}/${uuid(r).replace(/-/g, '').slice(0, 20)}"`,
      actor: { callerType: 'USER', email: `${who}@example.com`, profileId: String(100000000000000000000 + Math.floor(r() * 1e15)) },
      ipAddress: ip,
      events,
    };
  });
}

/** CloudTrail records: a mix of sign-in events and ordinary API calls (which the collector filters out). */
export function cloudTrailRecords(n: number, from: Date, to: Date, seed = 6, account = '123456789012', region = 'us-east-1'): Record<string, unknown>[] {
  const r = rng(seed);
  return times(n, from, to, r).map((eventTime) => {
    const who = pick(r, PEOPLE);
    const ip = `${pick(r, PLACES).ip}${Math.floor(r() * 254) + 1}.${Math.floor(r() * 254) + 1}`;
    const kind = r();
    const common = { eventVersion: '1.09', eventTime, awsRegion: region, sourceIPAddress: ip, userAgent: pick(r, UAS).raw, eventID: uuid(r), readOnly: false, managementEvent: true, recipientAccountId: account, eventCategory: 'Management' };
    if (kind < 0.4) {
      const ok = r() > 0.2;
      return {
        ...common,
        userIdentity: { type: 'IAMUser', principalId: `AIDA${Math.floor(r() * 1e16)}`, arn: `arn:aws:iam::${account}:user/${who}`, accountId: account, userName: who },
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        requestParameters: null,
        responseElements: { ConsoleLogin: ok ? 'Success' : 'Failure' },
        additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true', MobileVersion: 'No', MFAIdentifier: `arn:aws:iam::${account}:mfa/${who}`, MFAUsed: 'Yes' },
        ...(ok ? {} : { errorMessage: 'Failed authentication' }),
        eventType: 'AwsConsoleSignIn',
      };
    }
    if (kind < 0.6) {
      return {
        ...common,
        userIdentity: { type: 'Unknown', principalId: `${account}:${who}`, accountId: account, userName: who, onBehalfOf: { userId: uuid(r), identityStoreArn: 'arn:aws:identitystore::123456789012:identitystore/d-906751796e' }, credentialId: uuid(r) },
        eventSource: 'signin.amazonaws.com',
        eventName: 'UserAuthentication',
        requestParameters: null,
        responseElements: null,
        additionalEventData: { AuthWorkflowID: uuid(r), LoginTo: 'https://d-906751796e.awsapps.com/start/', CredentialType: 'PASSWORD' },
        serviceEventDetails: { UserAuthentication: 'Success' },
        eventType: 'AwsServiceEvent',
      };
    }
    return {
      ...common,
      userIdentity: { type: 'AssumedRole', principalId: `AROA${Math.floor(r() * 1e16)}:${who}`, arn: `arn:aws:sts::${account}:assumed-role/Admin/${who}`, accountId: account, accessKeyId: `ASIA${Math.floor(r() * 1e16)}` },
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      requestParameters: { instancesSet: {}, filterSet: {} },
      responseElements: null,
      readOnly: true,
      eventType: 'AwsApiCall',
      requestID: uuid(r),
    };
  });
}
