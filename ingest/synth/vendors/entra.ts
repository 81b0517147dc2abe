/**
 * Microsoft Graph objects: `signIn` (beta shape, which carries signInEventTypes, isInteractive,
 * authenticationDetails, mfaDetail, autonomousSystemNumber, sessionId …), `directoryAudit` and
 * `provisioningObjectSummary`, whole as the API returns them. Graph's audit `modifiedProperties`
 * values are JSON documents inside strings (`"\"Global Administrator\""`), as the vendor emits them.
 */
import type { IpInfo } from '../geo.js';
import type { Device } from '../devices.js';
import type { EntraApp } from '../org.js';
import { Rng } from '../prng.js';
import { iso7, isoSec } from '../time.js';

const SP_IDS = new Map<string, string>();
/** A resource's service principal object id in the tenant: stable per tenant and resource. */
function resourceSp(tenant: string, resourceId: string): string {
  const key = `${tenant}/${resourceId}`;
  let id = SP_IDS.get(key);
  if (!id) {
    id = new Rng(`sp/${key}`).uuid();
    SP_IDS.set(key, id);
  }
  return id;
}

export interface EntraUserRef {
  entraId: string;
  login: string;
  displayName: string;
}

export interface SignInInput {
  t: number;
  user: EntraUserRef;
  userType?: 'Member' | 'Guest';
  app: EntraApp;
  ip: IpInfo;
  device: Device;
  interactive: boolean;
  clientAppUsed: string;
  errorCode: number;
  failureReason?: string;
  additionalDetails?: string | null;
  /** Steps: [{method, detail, succeeded, result, requirement}] */
  steps: { method: string; detail?: string | null; succeeded: boolean; result: string; requirement?: string }[];
  requirement: 'singleFactorAuthentication' | 'multiFactorAuthentication';
  mfaMethod?: string | null;
  sessionId: string;
  correlationId: string;
  caStatus?: 'success' | 'failure' | 'notApplied';
  caPolicies?: { id: string; displayName: string; result: string; grant: string[] }[];
  protocol?: string;
  incomingTokenType?: string;
  tokenIssuerType?: string;
  riskLevel?: 'none' | 'low' | 'medium' | 'high';
  riskEventTypes?: string[];
  userAgent?: string;
  resourceTenantId: string;
  homeTenantId: string;
  homeTenantName: string;
}

export const CA_POLICIES = {
  mfaAll: { id: '7c1f3a9e-4b2d-4e8f-9a61-2d5b8c0e7f13', displayName: 'CA001: Require MFA for all users' },
  blockLegacy: { id: '1b6e0d4c-8f2a-47c3-b9e5-3a7d2c9f0e84', displayName: 'CA002: Block legacy authentication' },
  adminsPhr: { id: 'e4a9c2b7-3d1f-4a6e-8c5b-9f0d7e2a1c36', displayName: 'CA003: Require phishing-resistant MFA for admins' },
  compliant: { id: '9d3b7e1a-2c4f-4b8d-a6e9-5f1c0b8d2e47', displayName: 'CA004: Require compliant device for Azure management' },
};

export function signIn(rng: Rng, s: SignInInput): Record<string, unknown> {
  const ok = s.errorCode === 0;
  const interrupted = [50074, 50076, 50140, 50072].includes(s.errorCode);
  const policies = (s.caPolicies ?? []).map((p) => ({
    id: p.id,
    displayName: p.displayName,
    enforcedGrantControls: p.grant,
    enforcedSessionControls: [],
    sessionControlsNotSatisfied: [],
    result: p.result,
    conditionsSatisfied: p.result === 'notApplied' ? 'none' : 'application,users',
    conditionsNotSatisfied: p.result === 'notApplied' ? 'application' : 'none',
    includeRulesSatisfied: [],
    excludeRulesSatisfied: [],
    authenticationStrength: null,
  }));
  const uti = rng.base62(22);
  const requestId = rng.uuid();
  return {
    id: requestId,
    createdDateTime: isoSec(s.t),
    userDisplayName: s.user.displayName,
    userPrincipalName: s.user.login,
    userId: s.user.entraId,
    appId: s.app.appId,
    appDisplayName: s.app.name,
    ipAddress: s.ip.ip,
    ipAddressFromResourceProvider: null,
    clientAppUsed: s.clientAppUsed,
    userAgent: s.userAgent ?? s.device.ua,
    correlationId: s.correlationId,
    conditionalAccessStatus: s.caStatus ?? (policies.length ? (ok || interrupted ? 'success' : 'failure') : 'notApplied'),
    originalRequestId: requestId,
    isInteractive: s.interactive,
    tokenIssuerName: '',
    tokenIssuerType: s.tokenIssuerType ?? 'AzureAD',
    clientCredentialType: 'none',
    processingTimeInMilliseconds: rng.int(40, 900),
    riskDetail: 'none',
    riskLevelAggregated: s.riskLevel ?? 'none',
    riskLevelDuringSignIn: s.riskLevel ?? 'none',
    riskState: s.riskLevel && s.riskLevel !== 'none' ? 'atRisk' : 'none',
    riskEventTypes: s.riskEventTypes ?? [],
    riskEventTypes_v2: s.riskEventTypes ?? [],
    resourceDisplayName: s.app.resourceName,
    resourceId: s.app.resourceId,
    resourceTenantId: s.resourceTenantId,
    homeTenantId: s.homeTenantId,
    homeTenantName: s.homeTenantName,
    authenticationMethodsUsed: s.steps.filter((x) => x.succeeded && x.method !== 'Previously satisfied').map((x) => x.method),
    authenticationRequirement: s.requirement,
    signInIdentifier: s.user.login,
    signInIdentifierType: 'userPrincipalName',
    servicePrincipalName: null,
    signInEventTypes: [s.interactive ? 'interactiveUser' : 'nonInteractiveUser'],
    servicePrincipalId: '',
    federatedCredentialId: null,
    userType: s.userType === 'Guest' ? 'guest' : 'member',
    flaggedForReview: false,
    isTenantRestricted: false,
    autonomousSystemNumber: s.ip.asn,
    crossTenantAccessType: 'none',
    servicePrincipalCredentialKeyId: null,
    servicePrincipalCredentialThumbprint: '',
    uniqueTokenIdentifier: uti,
    incomingTokenType: s.incomingTokenType ?? 'none',
    authenticationProtocol: s.protocol ?? 'none',
    resourceServicePrincipalId: resourceSp(s.resourceTenantId, s.app.resourceId),
    sessionId: s.sessionId,
    originalTransferMethod: 'none',
    isThroughGlobalSecureAccess: false,
    globalSecureAccessIpAddress: null,
    conditionalAccessAudiences: [s.app.resourceId],
    appOwnerTenantId: s.app.firstParty ? 'f8cdef31-a31e-4b4a-93e4-5f571e91255a' : s.homeTenantId,
    resourceOwnerTenantId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
    sessionLifetimePolicies: [],
    authenticationContextClassReferences: [],
    mfaDetail: s.mfaMethod ? { authMethod: s.mfaMethod, authDetail: null } : { authMethod: null, authDetail: null },
    status: { errorCode: s.errorCode, failureReason: ok ? 'Other.' : s.failureReason ?? 'Other.', additionalDetails: s.additionalDetails ?? (ok ? null : null) },
    deviceDetail: {
      deviceId: s.device.deviceId,
      displayName: s.device.deviceName,
      operatingSystem: s.device.entraOs,
      browser: s.device.entraBrowser,
      isCompliant: s.device.compliant,
      isManaged: s.device.managed,
      trustType: s.device.trustType,
    },
    location: {
      city: s.ip.city,
      state: s.ip.state,
      countryOrRegion: s.ip.iso2,
      geoCoordinates: { altitude: null, latitude: s.ip.lat, longitude: s.ip.lon },
    },
    appliedConditionalAccessPolicies: policies,
    authenticationProcessingDetails: [
      { key: 'Legacy TLS (TLS 1.0, 1.1, 3DES)', value: 'False' },
      { key: 'Is CAE Token', value: s.interactive ? 'False' : 'True' },
    ],
    networkLocationDetails: s.ip.kind === 'office' || s.ip.kind === 'vpn' ? [{ networkType: 'namedNetwork', networkNames: [s.ip.kind === 'vpn' ? 'Acme VPN egress' : 'Acme offices'] }] : [],
    authenticationDetails: s.steps.map((st, i) => ({
      authenticationStepDateTime: isoSec(s.t - (s.steps.length - 1 - i) * 4000),
      authenticationMethod: st.method,
      authenticationMethodDetail: st.detail ?? null,
      succeeded: st.succeeded,
      authenticationStepResultDetail: st.result,
      authenticationStepRequirement: st.requirement ?? (i === 0 ? 'Primary authentication' : 'Multifactor authentication'),
    })),
    authenticationRequirementPolicies: s.requirement === 'multiFactorAuthentication' ? [{ requirementProvider: 'multiConditionalAccess', detail: 'Conditional Access' }] : [],
    authenticationAppDeviceDetails: null,
    authenticationAppPolicyEvaluationDetails: [],
    managedServiceIdentity: { msiType: 'none', associatedResourceId: null, federatedTokenId: null, federatedTokenIssuer: null },
    privateLinkDetails: { policyId: '', policyName: '', resourceId: '', policyTenantId: '' },
    tokenProtectionStatusDetails: { signInSessionStatus: 'unbound', signInSessionStatusCode: 1002 },
    appTokenProtectionStatus: 'none',
  };
}

export interface AuditInput {
  t: number;
  category: string;
  activity: string;
  service: string;
  operationType: string;
  result?: 'success' | 'failure';
  resultReason?: string;
  by: { user?: { entraId: string; login: string; displayName: string; ip?: string | null }; app?: { appId: string | null; displayName: string; servicePrincipalId?: string; servicePrincipalName?: string | null } };
  targets: { id: string; displayName: string | null; type: string; userPrincipalName?: string | null; groupType?: string | null; modifiedProperties?: { displayName: string; oldValue: string | null; newValue: string | null }[] }[];
  additionalDetails?: { key: string; value: string }[];
  correlationId?: string;
  homeTenantId: string;
}

/** Graph writes string property values JSON-encoded inside the string. */
export function jstr(v: unknown): string {
  return JSON.stringify(v);
}

const AUDIT_PREFIX: Record<string, string> = {
  'Core Directory': 'Directory',
  PIM: 'PIM',
  'Authentication Methods': 'AuthenticationMethods',
  'Self-service Password Management': 'SSPR',
  'Account Provisioning': 'AccountProvisioning',
};

export function directoryAudit(rng: Rng, a: AuditInput): Record<string, unknown> {
  const prefix = AUDIT_PREFIX[a.service] ?? 'Directory';
  return {
    id: `${prefix}_${rng.uuid()}_${rng.base62(5).toUpperCase()}_${rng.digits(8)}`,
    category: a.category,
    correlationId: a.correlationId ?? rng.uuid(),
    result: a.result ?? 'success',
    resultReason: a.resultReason ?? '',
    activityDisplayName: a.activity,
    activityDateTime: iso7(a.t, rng.int(0, 9999)),
    loggedByService: a.service,
    operationType: a.operationType,
    userAgent: null,
    initiatedBy: {
      user: a.by.user
        ? { id: a.by.user.entraId, displayName: null, userPrincipalName: a.by.user.login, ipAddress: a.by.user.ip ?? null, userType: null, homeTenantId: a.homeTenantId, homeTenantName: null }
        : null,
      app: a.by.app
        ? { appId: a.by.app.appId, displayName: a.by.app.displayName, servicePrincipalId: a.by.app.servicePrincipalId ?? resourceSp(a.homeTenantId, a.by.app.appId ?? a.by.app.displayName), servicePrincipalName: a.by.app.servicePrincipalName ?? null }
        : null,
    },
    targetResources: a.targets.map((t) => ({
      id: t.id,
      displayName: t.displayName,
      type: t.type,
      userPrincipalName: t.userPrincipalName ?? null,
      groupType: t.groupType ?? null,
      modifiedProperties: t.modifiedProperties ?? [],
    })),
    additionalDetails: a.additionalDetails ?? [],
  };
}

export interface ProvisioningInput {
  t: number;
  tenantId: string;
  jobId: string;
  cycleId: string;
  action: 'create' | 'update' | 'delete' | 'disable' | 'other';
  status: 'success' | 'failure' | 'skipped' | 'warning';
  servicePrincipal: { id: string; displayName: string };
  source: { id: string; displayName: string };
  target: { id: string; displayName: string };
  sourceIdentity: { id: string; displayName: string; identityType: string };
  targetIdentity: { id: string; displayName: string; identityType: string };
  error?: { code: string; reason: string; category: string; action: string };
  modified: { displayName: string; oldValue: string | null; newValue: string | null }[];
}

export function provisioningObject(rng: Rng, p: ProvisioningInput): Record<string, unknown> {
  const ok = p.status === 'success';
  return {
    id: `${rng.uuid()}`,
    activityDateTime: isoSec(p.t),
    tenantId: p.tenantId,
    jobId: p.jobId,
    cycleId: p.cycleId,
    changeId: rng.uuid(),
    provisioningAction: p.action,
    durationInMilliseconds: rng.int(300, 6000),
    initiatedBy: { id: '', displayName: 'Azure AD Provisioning Service', initiatingType: 'system' },
    servicePrincipal: p.servicePrincipal,
    sourceSystem: { id: p.source.id, displayName: p.source.displayName, details: {} },
    targetSystem: { id: p.target.id, displayName: p.target.displayName, details: { ApplicationId: p.target.id, ServicePrincipalId: p.servicePrincipal.id, ServicePrincipalDisplayName: p.servicePrincipal.displayName } },
    sourceIdentity: { ...p.sourceIdentity, details: {} },
    targetIdentity: { ...p.targetIdentity, details: {} },
    provisioningStatusInfo: {
      status: p.status,
      errorInformation: ok || !p.error ? null : { errorCode: p.error.code, reason: p.error.reason, additionalDetails: null, errorCategory: p.error.category, recommendedAction: p.error.action },
    },
    provisioningSteps: [
      { name: 'EntryImport', provisioningStepType: 'import', status: 'success', description: `Retrieved ${p.sourceIdentity.displayName} from ${p.source.displayName}`, details: {} },
      { name: 'EntrySynchronizationScoping', provisioningStepType: 'scoping', status: 'success', description: `${p.sourceIdentity.displayName} will be in scope`, details: {} },
      { name: 'EntryExportUpdate', provisioningStepType: 'export', status: ok ? 'success' : p.status, description: ok ? `${p.action} ${p.targetIdentity.displayName} in ${p.target.displayName}` : `Failed to ${p.action} ${p.targetIdentity.displayName} in ${p.target.displayName}: ${p.error?.reason ?? ''}`, details: {} },
    ],
    modifiedProperties: p.modified,
  };
}
