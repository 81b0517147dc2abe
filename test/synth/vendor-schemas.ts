/**
 * zod schemas of the vendor shapes the demo generator writes, from the vendors' references:
 * Okta System Log LogEvent, Microsoft Graph signIn (beta) / directoryAudit /
 * provisioningObjectSummary / user / userRegistrationDetails / unifiedRoleAssignment /
 * unifiedRoleEligibilitySchedule / unifiedRoleAssignmentScheduleInstance, Admin SDK Reports
 * activity, CloudTrail records, Okta User / UserFactor / role assignment, ServiceNow records.
 */
import { z } from 'zod';

const isoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$/);
const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const ipv4 = z.string().regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/);
const oktaId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9A-Za-z]{17}$`));

const oktaGeo = z.object({ city: z.string(), state: z.string(), country: z.string(), postalCode: z.string().nullable(), geolocation: z.object({ lat: z.number(), lon: z.number() }) });

export const oktaLogEvent = z.object({
  actor: z.object({ id: z.string(), type: z.string(), alternateId: z.string(), displayName: z.string(), detailEntry: z.record(z.string(), z.unknown()).nullable() }),
  client: z.object({
    userAgent: z.object({ rawUserAgent: z.string(), os: z.string(), browser: z.string() }).nullable(),
    zone: z.string().nullable(), device: z.string().nullable(), id: z.string().nullable(), ipAddress: ipv4.nullable(), geographicalContext: oktaGeo.nullable(),
  }),
  device: z.unknown().nullable(),
  authenticationContext: z.object({
    authenticationProvider: z.string().nullable(), credentialProvider: z.string().nullable(), credentialType: z.string().nullable(), issuer: z.unknown().nullable(),
    interface: z.string().nullable(), authenticationStep: z.number().int(), rootSessionId: z.string(), externalSessionId: z.string(),
  }),
  displayMessage: z.string(),
  eventType: z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/),
  outcome: z.object({ result: z.enum(['SUCCESS', 'FAILURE', 'SKIPPED', 'ALLOW', 'DENY', 'CHALLENGE', 'UNKNOWN']), reason: z.string().nullable() }),
  published: isoUtc,
  securityContext: z.object({ asNumber: z.number().int().nullable(), asOrg: z.string().nullable(), isp: z.string().nullable(), domain: z.string().nullable(), isProxy: z.boolean().nullable() }),
  severity: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  debugContext: z.object({ debugData: z.record(z.string(), z.string()) }),
  legacyEventType: z.string().nullable(),
  transaction: z.object({ type: z.enum(['WEB', 'JOB']), id: z.string(), detail: z.record(z.string(), z.unknown()) }),
  uuid: guid,
  version: z.literal('0'),
  request: z.object({ ipChain: z.array(z.object({ ip: ipv4, geographicalContext: oktaGeo, version: z.literal('V4'), source: z.unknown().nullable() })) }),
  target: z.array(z.object({ id: z.string(), type: z.string(), alternateId: z.string(), displayName: z.string(), detailEntry: z.record(z.string(), z.unknown()).nullable().optional() })).nullable(),
}).strict();

export const graphSignIn = z.object({
  id: guid, createdDateTime: isoUtc, userDisplayName: z.string(), userPrincipalName: z.string(), userId: guid, appId: guid, appDisplayName: z.string(),
  ipAddress: ipv4, clientAppUsed: z.string(), correlationId: guid, conditionalAccessStatus: z.enum(['success', 'failure', 'notApplied', 'unknownFutureValue']),
  isInteractive: z.boolean(), signInEventTypes: z.array(z.enum(['interactiveUser', 'nonInteractiveUser', 'servicePrincipal', 'managedIdentity'])).min(1),
  riskDetail: z.string(), riskLevelAggregated: z.string(), riskLevelDuringSignIn: z.string(), riskState: z.string(), riskEventTypes_v2: z.array(z.string()),
  resourceDisplayName: z.string(), resourceId: z.string(), authenticationRequirement: z.enum(['singleFactorAuthentication', 'multiFactorAuthentication']),
  autonomousSystemNumber: z.number().int().positive(), sessionId: z.string(), uniqueTokenIdentifier: z.string(), incomingTokenType: z.string(), authenticationProtocol: z.string(),
  userType: z.enum(['member', 'guest']), tokenIssuerType: z.string(), homeTenantId: guid, resourceTenantId: guid, userAgent: z.string(),
  mfaDetail: z.object({ authMethod: z.string().nullable(), authDetail: z.string().nullable() }),
  status: z.object({ errorCode: z.number().int(), failureReason: z.string().nullable(), additionalDetails: z.string().nullable() }),
  deviceDetail: z.object({ deviceId: z.string(), displayName: z.string(), operatingSystem: z.string(), browser: z.string(), isCompliant: z.boolean(), isManaged: z.boolean(), trustType: z.string() }),
  location: z.object({ city: z.string(), state: z.string(), countryOrRegion: z.string().length(2), geoCoordinates: z.object({ altitude: z.number().nullable(), latitude: z.number(), longitude: z.number() }) }),
  appliedConditionalAccessPolicies: z.array(z.object({ id: z.string(), displayName: z.string(), enforcedGrantControls: z.array(z.string()), enforcedSessionControls: z.array(z.string()), result: z.string() }).passthrough()),
  authenticationDetails: z.array(z.object({ authenticationStepDateTime: isoUtc, authenticationMethod: z.string(), authenticationMethodDetail: z.string().nullable(), succeeded: z.boolean(), authenticationStepResultDetail: z.string(), authenticationStepRequirement: z.string() })).min(1),
  authenticationProcessingDetails: z.array(z.object({ key: z.string(), value: z.string() })),
  networkLocationDetails: z.array(z.object({ networkType: z.string(), networkNames: z.array(z.string()) })),
}).passthrough();

const modifiedProperty = z.object({ displayName: z.string(), oldValue: z.string().nullable(), newValue: z.string().nullable() });
export const graphDirectoryAudit = z.object({
  id: z.string().min(10), category: z.string(), correlationId: guid, result: z.enum(['success', 'failure', 'timeout', 'unknownFutureValue']), resultReason: z.string(),
  activityDisplayName: z.string(), activityDateTime: isoUtc, loggedByService: z.string(), operationType: z.string(),
  initiatedBy: z.object({
    user: z.object({ id: guid, displayName: z.string().nullable(), userPrincipalName: z.string(), ipAddress: z.string().nullable() }).passthrough().nullable(),
    app: z.object({ appId: z.string().nullable(), displayName: z.string(), servicePrincipalId: z.string(), servicePrincipalName: z.string().nullable() }).nullable(),
  }).refine((i) => (i.user === null) !== (i.app === null), 'exactly one of initiatedBy.user / initiatedBy.app'),
  targetResources: z.array(z.object({ id: z.string(), displayName: z.string().nullable(), type: z.string(), userPrincipalName: z.string().nullable(), groupType: z.string().nullable(), modifiedProperties: z.array(modifiedProperty) })),
  additionalDetails: z.array(z.object({ key: z.string(), value: z.string() })),
}).passthrough();

const idName = z.object({ id: z.string(), displayName: z.string() });
export const graphProvisioning = z.object({
  id: guid, activityDateTime: isoUtc, tenantId: guid, jobId: z.string(), cycleId: guid, changeId: guid,
  provisioningAction: z.enum(['other', 'create', 'delete', 'disable', 'update', 'stagedDelete', 'unknownFutureValue']), durationInMilliseconds: z.number().int(),
  initiatedBy: z.object({ id: z.string(), displayName: z.string(), initiatingType: z.string() }), servicePrincipal: idName,
  sourceSystem: idName.extend({ details: z.record(z.string(), z.string()) }), targetSystem: idName.extend({ details: z.record(z.string(), z.string()) }),
  sourceIdentity: idName.extend({ identityType: z.string(), details: z.record(z.string(), z.string()) }), targetIdentity: idName.extend({ identityType: z.string(), details: z.record(z.string(), z.string()) }),
  provisioningStatusInfo: z.object({ status: z.enum(['success', 'warning', 'failure', 'skipped', 'unknownFutureValue']), errorInformation: z.object({ errorCode: z.string(), reason: z.string(), additionalDetails: z.string().nullable(), errorCategory: z.string(), recommendedAction: z.string() }).nullable() }),
  provisioningSteps: z.array(z.object({ name: z.string(), provisioningStepType: z.string(), status: z.string(), description: z.string(), details: z.record(z.string(), z.string()) })),
  modifiedProperties: z.array(modifiedProperty),
}).strict();

type WsParamT = { name: string; value?: string; boolValue?: boolean; intValue?: string; multiValue?: string[]; multiMessageValue?: { parameter: WsParamT[] }[] };
const wsParam: z.ZodType<WsParamT> = z.lazy(() => z.object({ name: z.string(), value: z.string().optional(), boolValue: z.boolean().optional(), intValue: z.string().optional(), multiValue: z.array(z.string()).optional(), multiMessageValue: z.array(z.object({ parameter: z.array(wsParam) })).optional() }).strict());
export const workspaceActivity = z.object({
  kind: z.literal('admin#reports#activity'),
  id: z.object({ time: isoUtc, uniqueQualifier: z.string().regex(/^-?\d+$/), applicationName: z.enum(['login', 'admin', 'token']), customerId: z.string().regex(/^C0[0-9a-z]{7}$/) }),
  etag: z.string(),
  actor: z.object({ callerType: z.string().optional(), email: z.string(), profileId: z.string().regex(/^\d+$/) }),
  ipAddress: ipv4.optional(),
  events: z.array(z.object({ type: z.string(), name: z.string(), parameters: z.array(wsParam) })).min(1),
}).strict();

export const cloudTrailRecord = z.object({
  eventVersion: z.string(), userIdentity: z.object({ type: z.string() }).passthrough(), eventTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
  eventSource: z.string().endsWith('.amazonaws.com'), eventName: z.string(), awsRegion: z.string(), sourceIPAddress: z.string(), userAgent: z.string(),
  requestParameters: z.unknown().nullable(), responseElements: z.unknown().nullable(), eventID: guid, readOnly: z.boolean(),
  eventType: z.enum(['AwsApiCall', 'AwsServiceEvent', 'AwsConsoleAction', 'AwsConsoleSignIn', 'AwsCloudTrailInsight']), managementEvent: z.boolean(),
  recipientAccountId: z.string().regex(/^\d{12}$/), eventCategory: z.string(),
}).passthrough();
export const cloudTrailFile = z.object({ Records: z.array(cloudTrailRecord) }).strict();

export const oktaUser = z.object({
  id: oktaId('00u'), status: z.enum(['STAGED', 'PROVISIONED', 'ACTIVE', 'RECOVERY', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'SUSPENDED', 'DEPROVISIONED']),
  created: isoUtc, activated: isoUtc.nullable(), statusChanged: isoUtc.nullable(), lastLogin: isoUtc.nullable(), lastUpdated: isoUtc, passwordChanged: isoUtc.nullable(),
  type: z.object({ id: z.string() }),
  profile: z.object({ firstName: z.string(), lastName: z.string(), login: z.string(), email: z.string(), employeeNumber: z.string().nullable(), userType: z.string().nullable() }).passthrough(),
  credentials: z.object({ provider: z.object({ type: z.string(), name: z.string() }) }).passthrough(),
  _links: z.object({ self: z.object({ href: z.string().url() }) }).passthrough(),
}).strict();

export const oktaFactors = z.object({
  userId: oktaId('00u'),
  factors: z.array(z.object({ id: z.string(), factorType: z.enum(['push', 'signed_nonce', 'token:software:totp', 'sms', 'webauthn', 'email', 'call', 'token:hardware', 'question']), provider: z.string(), vendorName: z.string(), status: z.string(), created: isoUtc, lastUpdated: isoUtc, profile: z.record(z.string(), z.unknown()), _links: z.record(z.string(), z.unknown()) }).strict()),
}).strict();

export const oktaRoles = z.object({
  userId: oktaId('00u'),
  roles: z.array(z.object({ id: z.string(), label: z.string(), type: z.string(), status: z.literal('ACTIVE'), created: isoUtc, lastUpdated: isoUtc, assignmentType: z.enum(['USER', 'GROUP']), _links: z.record(z.string(), z.unknown()) }).strict()).min(1),
}).strict();

const graphPage = <T extends z.ZodTypeAny>(item: T) => z.object({ '@odata.context': z.string().startsWith('https://graph.microsoft.com/'), value: z.array(item) }).strict();

export const graphUsers = graphPage(z.object({
  id: guid, displayName: z.string(), userPrincipalName: z.string(), mail: z.string().nullable(), accountEnabled: z.boolean(), userType: z.enum(['Member', 'Guest']),
  employeeId: z.string().nullable(), createdDateTime: isoUtc,
  signInActivity: z.object({ lastSignInDateTime: isoUtc.nullable(), lastSignInRequestId: z.string().nullable(), lastNonInteractiveSignInDateTime: isoUtc.nullable(), lastNonInteractiveSignInRequestId: z.string().nullable(), lastSuccessfulSignInDateTime: isoUtc.nullable(), lastSuccessfulSignInRequestId: z.string().nullable() }),
}).passthrough());

export const graphRegistration = graphPage(z.object({
  id: guid, userPrincipalName: z.string(), userDisplayName: z.string(), userType: z.enum(['member', 'guest']), isAdmin: z.boolean(), isSsprRegistered: z.boolean(), isSsprEnabled: z.boolean(), isSsprCapable: z.boolean(),
  isMfaRegistered: z.boolean(), isMfaCapable: z.boolean(), isPasswordlessCapable: z.boolean(), methodsRegistered: z.array(z.string()), isSystemPreferredAuthenticationMethodEnabled: z.boolean(),
  systemPreferredAuthenticationMethods: z.array(z.string()), userPreferredMethodForSecondaryAuthentication: z.string(), lastUpdatedDateTime: isoUtc,
}).strict());

const roleDefinition = z.object({ id: guid, displayName: z.string(), isBuiltIn: z.boolean(), isEnabled: z.boolean(), templateId: guid, rolePermissions: z.array(z.object({ allowedResourceActions: z.array(z.string()), condition: z.string().nullable() })) }).passthrough();
export const graphRoleAssignments = graphPage(z.object({ id: z.string(), principalId: guid, directoryScopeId: z.string(), roleDefinitionId: guid, appScopeId: z.string().nullable(), condition: z.string().nullable(), roleDefinition }).strict());
export const graphEligibility = graphPage(z.object({
  id: guid, principalId: guid, roleDefinitionId: guid, directoryScopeId: z.string(), appScopeId: z.string().nullable(), createdUsing: z.string(), createdDateTime: isoUtc, modifiedDateTime: isoUtc.nullable(),
  status: z.string(), memberType: z.enum(['Direct', 'Group', 'Inherited']),
  scheduleInfo: z.object({ startDateTime: isoUtc, recurrence: z.unknown().nullable(), expiration: z.object({ type: z.enum(['notSpecified', 'noExpiration', 'afterDateTime', 'afterDuration']), endDateTime: isoUtc.nullable(), duration: z.string().nullable() }) }),
  roleDefinition,
}).strict());
export const graphInstances = graphPage(z.object({
  id: z.string(), principalId: guid, roleDefinitionId: guid, directoryScopeId: z.string(), appScopeId: z.string().nullable(), startDateTime: isoUtc, endDateTime: isoUtc.nullable(),
  assignmentType: z.enum(['Assigned', 'Activated']), memberType: z.string(), roleAssignmentOriginId: z.string(), roleAssignmentScheduleId: z.string(), roleDefinition,
}).strict());

const snowTime = z.string().regex(/^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})?$/);
const snowRef = z.object({ display_value: z.string(), link: z.string().url(), value: z.string() });
export const snowReqItems = z.object({ result: z.array(z.object({ sys_id: z.string().regex(/^[0-9a-f]{32}$/), number: z.string().startsWith('RITM'), short_description: z.string(), cat_item: snowRef, u_category: z.string(), contact_type: z.enum(['self-service', 'portal', 'email', 'phone', 'walk-in']), state: z.string(), opened_at: snowTime, closed_at: snowTime, u_go_live_at: snowTime, requested_for: snowRef, assignment_group: snowRef, sys_updated_on: snowTime }).passthrough()) }).strict();
export const snowIncidents = z.object({ result: z.array(z.object({ sys_id: z.string().regex(/^[0-9a-f]{32}$/), number: z.string().startsWith('INC'), short_description: z.string(), category: z.string(), priority: z.enum(['1 - Critical', '2 - High', '3 - Moderate', '4 - Low']), severity: z.enum(['1 - High', '2 - Medium', '3 - Low']), state: z.string(), opened_at: snowTime, resolved_at: snowTime, closed_at: snowTime, caused_by: z.union([z.literal(''), snowRef]), assignment_group: snowRef, sys_updated_on: snowTime }).passthrough()) }).strict();
export const snowChanges = z.object({ result: z.array(z.object({ sys_id: z.string().regex(/^[0-9a-f]{32}$/), number: z.string().startsWith('CHG'), short_description: z.string(), category: z.string(), type: z.string(), state: z.string(), close_code: z.enum(['', 'successful', 'successful_issues', 'unsuccessful']), u_rolled_back: z.enum(['true', 'false']), opened_at: snowTime, closed_at: snowTime, sys_updated_on: snowTime }).passthrough()) }).strict();
