/**
 * The raw stream registry: one entry per vendor source stream. Each raw event is kept losslessly in
 * `raw_<name>` (the whole vendor JSON in `_json`) and, beside it, as typed DuckDB columns named after
 * the vendor's own top-level keys (`columns`), so that Sigma rules and normalizers reach nested fields
 * at columnar speed (`"actor"."alternateId"`, `list_filter("target", t -> ...)`) instead of re-parsing
 * JSON text. A field that the typed schema does not cover is still reachable through `_json`.
 *
 * Meta columns of every raw table (all prefixed `_`):
 *   _uid VARCHAR PRIMARY KEY   -- `${source}:${tenant}:${native id}`: re-ingesting is a no-op
 *   _tenant VARCHAR            -- tenant id
 *   _native_id VARCHAR         -- the vendor's event id
 *   _event_time TIMESTAMP      -- UTC event time
 *   _ingest_time TIMESTAMP     -- when it was stored
 *   _batch BIGINT              -- ingest batch number (normalization and incremental detection key on it)
 *   _json JSON                 -- the whole vendor event, as received (envelope included)
 *
 * Adding a vendor stream = one entry in STREAMS (and its normalizer mapping): shared code never
 * branches on a stream name.
 */
export type SourceName = 'okta' | 'entra' | 'google_workspace' | 'aws' | 'azure' | 'm365' | 'gcp' | 'onelogin' | 'duo';

export interface RawStream {
  /** Stream name, also the suffix of its table: `raw_${name}`. */
  name: string;
  source: SourceName;
  /** DuckDB types of the typed projection, keyed by the vendor's top-level JSON key. */
  columns: Record<string, string>;
  /**
   * SQL predicate over a JSON value `j` that says a record of this source belongs to this stream
   * (a source such as `entra` exports sign-ins, audits and provisioning in the same file format).
   * `k` holds the record's top-level keys (`json_keys(j)`, computed once): test presence with
   * `list_contains(k, 'key')` rather than re-parsing `j` per key.
   */
  match: string;
  /**
   * SQL expression over `j` giving the object whose keys map onto `columns` (for envelope shapes,
   * e.g. the Azure Monitor diagnostic export keeps the Graph object under `properties`). Default `j`.
   */
  body?: string;
  /**
   * SQL expression over `j` giving the vendor id (VARCHAR). This, `eventTime`, `required` and
   * `tenant` may also use `b` (the body JSON) and `t` (the typed struct of the body, whose fields are
   * `columns`): reading `t` costs no further JSON parse.
   */
  nativeId: string;
  /** SQL expression over `j` giving the event time (TIMESTAMP, UTC). */
  eventTime: string;
  /**
   * Fields a record must carry, as `name → SQL expression over j` (NULL = missing). A record lacking one
   * is quarantined as `missing_field:<name>`; the id and time fields are also checked for type
   * (`invalid_type:<name>` when present but unusable). Names are the vendor's dotted paths.
   */
  required?: Record<string, string>;
  /** SQL expression over `j` giving the tenant when the caller does not name one. */
  tenant?: string;
}

export function rawTable(stream: RawStream | string): string {
  return `raw_${typeof stream === 'string' ? stream : stream.name}`;
}

export const RAW_META_COLUMNS: Record<string, string> = {
  _uid: 'VARCHAR NOT NULL',
  _tenant: 'VARCHAR NOT NULL',
  _native_id: 'VARCHAR NOT NULL',
  _event_time: 'TIMESTAMP',
  _ingest_time: 'TIMESTAMP NOT NULL',
  _batch: 'BIGINT NOT NULL',
  _json: 'JSON NOT NULL',
};

// ---------------------------------------------------------------------------------------------
// Type builders for the typed projections (DuckDB type strings). Scalars the vendor documents as
// strings stay VARCHAR (times included: `_event_time` is the parsed UTC time); fields whose shape
// varies per event are JSON.

const V = 'VARCHAR';
const B = 'BOOLEAN';
const I = 'BIGINT';
const D = 'DOUBLE';
const J = 'JSON';
const VL = 'VARCHAR[]';

function struct(fields: Record<string, string>): string {
  return `STRUCT(${Object.entries(fields)
    .map(([k, t]) => `"${k}" ${t}`)
    .join(', ')})`;
}
function list(t: string): string {
  return `${t}[]`;
}

/** Top-level key present (over `k`, the record's keys). */
const has = (key: string) => `list_contains(k, '${key}')`;
/** A typed body field (over `t`), e.g. f('id', 'time') → t."id"."time". */
const f = (...path: string[]) => `t.${path.map((p) => `"${p}"`).join('.')}`;
/** A field of the record itself (envelope included), by JSON path. */
const str = (path: string) => `(j->>'${path}')`;
/** Vendor ISO-8601 / RFC 3339 text → UTC TIMESTAMP (NULL when unparsable). */
const ts = (expr: string) => `try_cast(${expr} AS TIMESTAMPTZ)::TIMESTAMP`;

// --- Okta System Log LogEvent (GET /api/v1/logs) ----------------------------------------------
const oktaGeo = struct({ city: V, state: V, country: V, postalCode: V, geolocation: struct({ lat: D, lon: D }) });
export const OKTA_LOG_EVENT_COLUMNS: Record<string, string> = {
  uuid: V,
  published: V,
  eventType: V,
  version: V,
  severity: V,
  legacyEventType: V,
  displayMessage: V,
  actor: struct({ id: V, type: V, alternateId: V, displayName: V, detailEntry: J }),
  client: struct({
    userAgent: struct({ rawUserAgent: V, os: V, browser: V }),
    zone: V,
    device: V,
    id: V,
    ipAddress: V,
    geographicalContext: oktaGeo,
  }),
  device: struct({
    id: V,
    name: V,
    os_platform: V,
    os_version: V,
    managed: B,
    registered: B,
    device_integrator: J,
    disk_encryption_type: V,
    screen_lock_type: V,
    jailbreak: B,
    secure_hardware_present: B,
  }),
  authenticationContext: struct({
    authenticationProvider: V,
    credentialProvider: V,
    credentialType: V,
    issuer: struct({ id: V, type: V }),
    interface: V,
    authenticationStep: I,
    rootSessionId: V,
    externalSessionId: V,
  }),
  securityContext: struct({ asNumber: I, asOrg: V, isp: V, domain: V, isProxy: B }),
  debugContext: struct({ debugData: J }),
  outcome: struct({ result: V, reason: V }),
  target: list(struct({ id: V, type: V, alternateId: V, displayName: V, changeDetails: J, detailEntry: J })),
  transaction: struct({ type: V, id: V, detail: J }),
  request: struct({ ipChain: list(struct({ ip: V, geographicalContext: oktaGeo, version: V, source: V })) }),
};

// --- Microsoft Graph (Entra ID) ---------------------------------------------------------------
const graphGeo = struct({ city: V, state: V, countryOrRegion: V, geoCoordinates: struct({ altitude: D, latitude: D, longitude: D }) });
const keyValue = list(struct({ key: V, value: V }));
const modifiedProperty = list(struct({ displayName: V, oldValue: V, newValue: V }));

/** Graph `signIn` (v1.0 and beta: interactive, non-interactive, service principal and managed identity). */
export const GRAPH_SIGNIN_COLUMNS: Record<string, string> = {
  id: V,
  createdDateTime: V,
  userDisplayName: V,
  userPrincipalName: V,
  userId: V,
  userType: V,
  appId: V,
  appDisplayName: V,
  appOwnerTenantId: V,
  ipAddress: V,
  ipAddressFromResourceProvider: V,
  autonomousSystemNumber: I,
  clientAppUsed: V,
  userAgent: V,
  clientCredentialType: V,
  correlationId: V,
  conditionalAccessStatus: V,
  originalRequestId: V,
  uniqueTokenIdentifier: V,
  sessionId: V,
  isInteractive: B,
  signInEventTypes: VL,
  tokenIssuerName: V,
  tokenIssuerType: V,
  incomingTokenType: V,
  authenticationProtocol: V,
  originalTransferMethod: V,
  processingTimeInMilliseconds: I,
  riskDetail: V,
  riskLevelAggregated: V,
  riskLevelDuringSignIn: V,
  riskState: V,
  riskEventTypes: VL,
  riskEventTypes_v2: VL,
  resourceDisplayName: V,
  resourceId: V,
  resourceTenantId: V,
  resourceOwnerTenantId: V,
  homeTenantId: V,
  homeTenantName: V,
  crossTenantAccessType: V,
  authenticationMethodsUsed: VL,
  authenticationRequirement: V,
  authenticationRequirementPolicies: list(struct({ requirementProvider: V, detail: V })),
  authenticationContextClassReferences: J,
  signInIdentifier: V,
  signInIdentifierType: V,
  servicePrincipalName: V,
  servicePrincipalId: V,
  servicePrincipalCredentialKeyId: V,
  servicePrincipalCredentialThumbprint: V,
  federatedCredentialId: V,
  managedServiceIdentity: J,
  azureResourceId: V,
  flaggedForReview: B,
  isTenantRestricted: B,
  isThroughGlobalSecureAccess: B,
  globalSecureAccessIpAddress: V,
  status: struct({ errorCode: I, failureReason: V, additionalDetails: V }),
  deviceDetail: struct({ deviceId: V, displayName: V, operatingSystem: V, browser: V, isCompliant: B, isManaged: B, trustType: V }),
  location: graphGeo,
  mfaDetail: struct({ authMethod: V, authDetail: V }),
  authenticationDetails: list(
    struct({
      authenticationStepDateTime: V,
      authenticationMethod: V,
      authenticationMethodDetail: V,
      succeeded: B,
      authenticationStepResultDetail: V,
      authenticationStepRequirement: V,
    }),
  ),
  authenticationProcessingDetails: keyValue,
  networkLocationDetails: list(struct({ networkType: V, networkNames: VL })),
  appliedConditionalAccessPolicies: list(
    struct({
      id: V,
      displayName: V,
      enforcedGrantControls: VL,
      enforcedSessionControls: VL,
      result: V,
      conditionsSatisfied: V,
      conditionsNotSatisfied: V,
    }),
  ),
  appliedEventListeners: J,
  sessionLifetimePolicies: list(struct({ expirationRequirement: V, detail: V })),
  tokenProtectionStatusDetails: J,
  signInTokenProtectionStatus: V,
  privateLinkDetails: J,
  authenticationAppDeviceDetails: J,
  authenticationAppPolicyEvaluationDetails: J,
  agent: J,
};

/** Graph `directoryAudit`. `modifiedProperties[].newValue` is often JSON inside a string. */
export const GRAPH_DIRECTORY_AUDIT_COLUMNS: Record<string, string> = {
  id: V,
  category: V,
  correlationId: V,
  result: V,
  resultReason: V,
  activityDisplayName: V,
  activityDateTime: V,
  loggedByService: V,
  operationType: V,
  initiatedBy: struct({
    user: struct({ id: V, displayName: V, userPrincipalName: V, ipAddress: V, userType: V, homeTenantId: V, homeTenantName: V }),
    app: struct({ appId: V, displayName: V, servicePrincipalId: V, servicePrincipalName: V }),
  }),
  targetResources: list(
    struct({ id: V, displayName: V, type: V, userPrincipalName: V, groupType: V, modifiedProperties: modifiedProperty }),
  ),
  additionalDetails: keyValue,
};

const provisioningSystem = struct({ id: V, displayName: V, details: J });
const provisionedIdentity = struct({ id: V, displayName: V, identityType: V, details: J });
/** Graph `provisioningObjectSummary`. */
export const GRAPH_PROVISIONING_COLUMNS: Record<string, string> = {
  id: V,
  activityDateTime: V,
  tenantId: V,
  jobId: V,
  cycleId: V,
  changeId: V,
  provisioningAction: V,
  action: V,
  durationInMilliseconds: I,
  initiatedBy: struct({ id: V, displayName: V, initiatorType: V }),
  servicePrincipal: struct({ id: V, displayName: V }),
  sourceSystem: provisioningSystem,
  targetSystem: provisioningSystem,
  sourceIdentity: provisionedIdentity,
  targetIdentity: provisionedIdentity,
  modifiedProperties: modifiedProperty,
  provisioningSteps: list(struct({ name: V, provisioningStepType: V, status: V, description: V, details: J })),
  provisioningStatusInfo: struct({
    status: V,
    errorInformation: struct({ errorCode: V, errorCategory: V, reason: V, additionalDetails: V, recommendedAction: V }),
  }),
  statusInfo: J,
};

/** Graph `riskDetection` (Identity Protection). `additionalInfo` is JSON inside a string. */
export const GRAPH_RISK_DETECTION_COLUMNS: Record<string, string> = {
  id: V,
  requestId: V,
  correlationId: V,
  riskEventType: V,
  riskType: V,
  riskState: V,
  riskLevel: V,
  riskDetail: V,
  source: V,
  detectionTimingType: V,
  activity: V,
  tokenIssuerType: V,
  ipAddress: V,
  location: graphGeo,
  activityDateTime: V,
  detectedDateTime: V,
  lastUpdatedDateTime: V,
  userId: V,
  userDisplayName: V,
  userPrincipalName: V,
  additionalInfo: V,
  mitreTechniqueId: V,
};

/**
 * PIM security alerts: Graph `unifiedRoleManagementAlert` and its incidents
 * (`#microsoft.graph.<kind>AlertIncident`). The SigmaHQ azure/pim rules key on `riskEventType`, the
 * incident kind (e.g. `noMfaOnRoleActivationAlertIncident`), which exports carry beside the Graph fields.
 */
export const GRAPH_PIM_ALERT_COLUMNS: Record<string, string> = {
  id: V,
  '@odata.type': V,
  riskEventType: V,
  alertDefinitionId: V,
  scopeId: V,
  scopeType: V,
  incidentCount: I,
  isActive: B,
  lastModifiedDateTime: V,
  lastScannedDateTime: V,
  assigneeId: V,
  assigneeDisplayName: V,
  assigneeUserPrincipalName: V,
  assignmentCreatedDateTime: V,
  roleDefinitionId: V,
  roleDisplayName: V,
  roleTemplateId: V,
  alertDefinition: J,
  alertIncidents: J,
};

// --- Azure Monitor activity log -----------------------------------------------------------------
/**
 * Both shapes: the Activity Log REST/Event Hub event (`eventTimestamp`, `operationName{value}`) and the
 * diagnostic-setting export (`time`, `operationName` as text). Keys whose type differs between the two
 * are JSON.
 */
export const AZURE_ACTIVITY_COLUMNS: Record<string, string> = {
  time: V,
  eventTimestamp: V,
  submissionTimestamp: V,
  eventDataId: V,
  id: V,
  operationId: V,
  correlationId: V,
  operationName: J,
  category: J,
  eventName: J,
  status: J,
  subStatus: J,
  resourceProviderName: J,
  resourceType: J,
  resourceId: V,
  resourceGroupName: V,
  subscriptionId: V,
  tenantId: V,
  caller: V,
  callerIpAddress: V,
  level: V,
  description: V,
  resultType: V,
  resultSignature: V,
  resultDescription: V,
  durationMs: V,
  location: V,
  authorization: J,
  claims: J,
  identity: J,
  httpRequest: J,
  properties: J,
};

// --- Microsoft 365 (Office 365 Management Activity API, incl. Security & Compliance alerts) ------
const nameValue = list(struct({ Name: V, Value: V }));
export const M365_AUDIT_COLUMNS: Record<string, string> = {
  Id: V,
  RecordType: V,
  CreationTime: V,
  Operation: V,
  OrganizationId: V,
  UserType: V,
  UserKey: V,
  UserId: V,
  Workload: V,
  ResultStatus: V,
  ObjectId: V,
  ClientIP: V,
  ClientIPAddress: V,
  ClientInfoString: V,
  Scope: V,
  ApplicationId: V,
  AppId: V,
  SessionId: V,
  LogonType: V,
  ExternalAccess: B,
  OrganizationName: V,
  OriginatingServer: V,
  MailboxOwnerUPN: V,
  MailboxGuid: V,
  Parameters: nameValue,
  OperationProperties: nameValue,
  ExtendedProperties: nameValue,
  DeviceProperties: nameValue,
  ModifiedProperties: list(struct({ Name: V, NewValue: V, OldValue: V })),
  Actor: list(struct({ ID: V, Type: V })),
  Target: list(struct({ ID: V, Type: V })),
  ActorContextId: V,
  ActorIpAddress: V,
  TargetContextId: V,
  InterSystemsId: V,
  IntraSystemId: V,
  AzureActiveDirectoryEventType: V,
  LogonError: V,
  ErrorNumber: V,
  RequestType: V,
  Directionality: V,
  DeliveryAction: V,
  AppAccessContext: J,
  Item: J,
  Folder: J,
  AffectedItems: J,
  // Security & Compliance Center alerts (Workload SecurityComplianceCenter)
  AlertId: V,
  AlertType: V,
  AlertEntityId: V,
  EntityType: V,
  Name: V,
  Category: V,
  Severity: V,
  Status: V,
  Source: V,
  PolicyId: V,
  Comments: V,
  Data: V,
};

// --- Google Workspace Admin SDK Reports activity (activities.list) -----------------------------
export const GWS_ACTIVITY_COLUMNS: Record<string, string> = {
  kind: V,
  etag: V,
  id: struct({ time: V, uniqueQualifier: V, applicationName: V, customerId: V }),
  actor: struct({
    callerType: V,
    email: V,
    profileId: V,
    key: V,
    applicationInfo: struct({ oauthClientId: V, applicationName: V, impersonation: B }),
  }),
  ownerDomain: V,
  ipAddress: V,
  networkInfo: struct({ ipAsn: list(I), regionCode: V, subdivisionCode: V }),
  events: list(
    struct({
      type: V,
      name: V,
      parameters: list(
        struct({ name: V, value: V, multiValue: VL, intValue: I, boolValue: B, multiIntValue: list(I), messageValue: J, multiMessageValue: J }),
      ),
      resourceIds: VL,
    }),
  ),
  resourceDetails: J,
};

// --- GCP Cloud Audit Logs LogEntry -----------------------------------------------------------------
export const GCP_LOG_ENTRY_COLUMNS: Record<string, string> = {
  insertId: V,
  logName: V,
  timestamp: V,
  receiveTimestamp: V,
  severity: V,
  trace: V,
  spanId: V,
  labels: J,
  resource: struct({ type: V, labels: J }),
  operation: struct({ id: V, producer: V, first: B, last: B }),
  protoPayload: struct({
    '@type': V,
    serviceName: V,
    methodName: V,
    resourceName: V,
    resourceLocation: J,
    numResponseItems: V,
    status: struct({ code: I, message: V, details: J }),
    authenticationInfo: struct({
      principalEmail: V,
      principalSubject: V,
      serviceAccountKeyName: V,
      serviceAccountDelegationInfo: J,
      authoritySelector: V,
    }),
    authorizationInfo: list(struct({ resource: V, permission: V, granted: B, resourceAttributes: J })),
    requestMetadata: struct({ callerIp: V, callerSuppliedUserAgent: V, callerNetwork: V, requestAttributes: J, destinationAttributes: J }),
    request: J,
    response: J,
    metadata: J,
    serviceData: J,
    policyViolationInfo: J,
  }),
  jsonPayload: J,
  textPayload: V,
  httpRequest: J,
  sourceLocation: J,
};

// --- AWS CloudTrail record ------------------------------------------------------------------------
export const CLOUDTRAIL_COLUMNS: Record<string, string> = {
  eventVersion: V,
  userIdentity: struct({
    type: V,
    principalId: V,
    arn: V,
    accountId: V,
    accessKeyId: V,
    userName: V,
    invokedBy: V,
    identityProvider: V,
    credentialId: V,
    sessionContext: struct({
      attributes: struct({ creationDate: V, mfaAuthenticated: V }),
      sessionIssuer: struct({ type: V, principalId: V, arn: V, accountId: V, userName: V }),
      webIdFederationData: J,
      sourceIdentity: V,
      ec2RoleDelivery: V,
      assumedRoot: V,
    }),
    onBehalfOf: struct({ userId: V, identityStoreArn: V }),
    inScopeOf: J,
  }),
  eventTime: V,
  eventSource: V,
  eventName: V,
  awsRegion: V,
  sourceIPAddress: V,
  userAgent: V,
  errorCode: V,
  errorMessage: V,
  requestParameters: J,
  responseElements: J,
  additionalEventData: J,
  serviceEventDetails: J,
  requestID: V,
  eventID: V,
  readOnly: B,
  resources: list(struct({ ARN: V, accountId: V, type: V })),
  eventType: V,
  apiVersion: V,
  managementEvent: B,
  recipientAccountId: V,
  sharedEventID: V,
  vpcEndpointId: V,
  vpcEndpointAccountId: V,
  eventCategory: V,
  tlsDetails: struct({ tlsVersion: V, cipherSuite: V, clientProvidedHostHeader: V }),
  sessionCredentialFromConsole: V,
  edgeDeviceDetails: J,
  insightDetails: J,
  addendum: J,
};

// --- OneLogin events API (v1 /api/1/events) -----------------------------------------------------------
export const ONELOGIN_EVENT_COLUMNS: Record<string, string> = {
  id: V,
  created_at: V,
  account_id: V,
  user_id: V,
  user_name: V,
  event_type_id: I,
  notes: V,
  ipaddr: V,
  actor_user_id: V,
  actor_user_name: V,
  actor_system: V,
  assuming_acting_user_id: V,
  role_id: V,
  role_name: V,
  app_id: V,
  app_name: V,
  group_id: V,
  group_name: V,
  otp_device_id: V,
  otp_device_name: V,
  policy_id: V,
  policy_name: V,
  custom_message: V,
  operation_name: V,
  directory_sync_run_id: V,
  directory_id: V,
  resolution: V,
  client_id: V,
  resource_type_id: V,
  error_description: V,
  proxy_ip: V,
  risk_score: I,
  risk_reasons: V,
  risk_cookie_id: V,
  browser_fingerprint: V,
  login_name: V,
  login_id: V,
  authentication_factor_description: V,
};

// --- Cisco Duo Admin API authentication log (v2) -------------------------------------------------
const duoLocation = struct({ city: V, state: V, country: V });
export const DUO_AUTH_COLUMNS: Record<string, string> = {
  txid: V,
  timestamp: I,
  isotimestamp: V,
  event_type: V,
  result: V,
  reason: V,
  factor: V,
  email: V,
  alias: V,
  ood_software: V,
  trusted_endpoint_status: V,
  user: struct({ name: V, key: V, groups: VL }),
  application: struct({ name: V, key: V }),
  access_device: struct({
    ip: V,
    hostname: V,
    location: duoLocation,
    browser: V,
    browser_version: V,
    os: V,
    os_version: V,
    is_encryption_enabled: V,
    is_firewall_enabled: V,
    is_password_set: V,
    security_agents: J,
    epkey: V,
  }),
  auth_device: struct({ ip: V, name: V, key: V, location: duoLocation }),
  adaptive_trust_assessments: J,
};

// ---------------------------------------------------------------------------------------------
// Classification predicates

/** Azure Monitor diagnostic-setting export envelope: `{time, resourceId, operationName, category, properties}`. */
const AZURE_ENVELOPE = `(${has('properties')} AND ${has('category')} AND (${has('time')} OR ${has('operationName')}))`;
// VARCHAR on both branches: a JSON-typed CASE would cast (and so re-parse) every Graph record's text.
const AZURE_BODY = `CASE WHEN ${AZURE_ENVELOPE} AND json_type(j, '$.properties') = 'OBJECT' THEN (j->'properties')::VARCHAR ELSE j::VARCHAR END`;
const envelopeOf = (...categories: string[]) => `(${AZURE_ENVELOPE} AND ${str('$.category')} IN (${categories.map((c) => `'${c}'`).join(', ')}))`;

/** A stable id for records that carry none of their own (the Azure diagnostic activity export). */
const contentId = `md5(j::VARCHAR)`;

const GWS_BASE = {
  source: 'google_workspace' as const,
  columns: GWS_ACTIVITY_COLUMNS,
  // id.uniqueQualifier is unique only among events of the same time (Reports API reference).
  nativeId: `${f('id', 'applicationName')} || ':' || ${f('id', 'time')} || ':' || ${f('id', 'uniqueQualifier')}`,
  eventTime: ts(f('id', 'time')),
  required: { 'id.time': f('id', 'time'), 'id.uniqueQualifier': f('id', 'uniqueQualifier'), 'id.applicationName': f('id', 'applicationName') },
  tenant: f('id', 'customerId'),
};
const gwsApp = `(j->'id'->>'applicationName')`;

/**
 * Every raw stream, in classification order within a source: a record goes to the first stream of
 * its source whose `match` holds.
 */
export const STREAMS: RawStream[] = [
  {
    name: 'okta_system_log',
    source: 'okta',
    columns: OKTA_LOG_EVENT_COLUMNS,
    match: `(${has('eventType')} OR (${has('uuid')} AND ${has('published')}))`,
    nativeId: f('uuid'),
    eventTime: ts(f('published')),
    required: { uuid: f('uuid'), published: f('published'), eventType: f('eventType') },
  },
  {
    name: 'entra_signin',
    source: 'entra',
    columns: GRAPH_SIGNIN_COLUMNS,
    match: `(${envelopeOf('SignInLogs', 'NonInteractiveUserSignInLogs', 'ServicePrincipalSignInLogs', 'ManagedIdentitySignInLogs', 'ADFSSignInLogs')} OR (NOT ${AZURE_ENVELOPE} AND ${has('createdDateTime')} AND (${has('status')} OR ${has('clientAppUsed')} OR ${has('appId')}) AND NOT ${has('riskEventType')}))`,
    body: AZURE_BODY,
    nativeId: f('id'),
    eventTime: ts(f('createdDateTime')),
    required: { id: f('id'), createdDateTime: f('createdDateTime') },
    tenant: `coalesce(${f('resourceTenantId')}, ${f('homeTenantId')}, ${str('$.tenantId')})`,
  },
  {
    name: 'entra_directory_audit',
    source: 'entra',
    columns: GRAPH_DIRECTORY_AUDIT_COLUMNS,
    match: `(${envelopeOf('AuditLogs')} OR (NOT ${AZURE_ENVELOPE} AND ${has('activityDisplayName')} AND ${has('activityDateTime')}))`,
    body: AZURE_BODY,
    nativeId: f('id'),
    eventTime: ts(f('activityDateTime')),
    required: { id: f('id'), activityDateTime: f('activityDateTime'), activityDisplayName: f('activityDisplayName') },
    tenant: str('$.tenantId'),
  },
  {
    name: 'entra_provisioning',
    source: 'entra',
    columns: GRAPH_PROVISIONING_COLUMNS,
    match: `(${envelopeOf('ProvisioningLogs')} OR (NOT ${AZURE_ENVELOPE} AND ${has('activityDateTime')} AND (${has('provisioningAction')} OR ${has('provisioningStatusInfo')} OR ${has('jobId')})))`,
    body: AZURE_BODY,
    nativeId: f('id'),
    eventTime: ts(f('activityDateTime')),
    required: { id: f('id'), activityDateTime: f('activityDateTime') },
    tenant: `coalesce(${f('tenantId')}, ${str('$.tenantId')})`,
  },
  {
    name: 'entra_pim_alert',
    source: 'entra',
    columns: GRAPH_PIM_ALERT_COLUMNS,
    match: `(${has('alertDefinitionId')} OR ${str('$."@odata.type"')} ILIKE '%AlertIncident' OR ${str('$."@odata.type"')} ILIKE '%unifiedRoleManagementAlert' OR ${str('$.riskEventType')} ILIKE '%AlertIncident')`,
    nativeId: `coalesce(${f('id')}, ${contentId})`,
    eventTime: `coalesce(${ts(f('lastScannedDateTime'))}, ${ts(f('lastModifiedDateTime'))}, ${ts(f('assignmentCreatedDateTime'))})`,
    required: { 'lastModifiedDateTime|lastScannedDateTime|assignmentCreatedDateTime': `coalesce(${f('lastScannedDateTime')}, ${f('lastModifiedDateTime')}, ${f('assignmentCreatedDateTime')})` },
  },
  {
    name: 'entra_risk_detection',
    source: 'entra',
    columns: GRAPH_RISK_DETECTION_COLUMNS,
    match: `(${envelopeOf('UserRiskEvents', 'RiskyUsers', 'ServicePrincipalRiskEvents')} OR (NOT ${AZURE_ENVELOPE} AND ${has('riskEventType')} AND ${has('detectedDateTime')}))`,
    body: AZURE_BODY,
    nativeId: f('id'),
    eventTime: coalesceTime(f('activityDateTime'), f('detectedDateTime')),
    required: { id: f('id'), detectedDateTime: `coalesce(${f('activityDateTime')}, ${f('detectedDateTime')})` },
  },
  {
    name: 'azure_activity',
    source: 'azure',
    columns: AZURE_ACTIVITY_COLUMNS,
    match: `(${has('operationName')} AND (${has('eventTimestamp')} OR ${has('time')}))`,
    nativeId: `coalesce(${f('eventDataId')}, ${contentId})`,
    eventTime: coalesceTime(f('eventTimestamp'), f('time')),
    required: { 'eventTimestamp|time': `coalesce(${f('eventTimestamp')}, ${f('time')})` },
    tenant: `coalesce(${f('tenantId')}, ${f('subscriptionId')})`,
  },
  {
    name: 'm365_audit',
    source: 'm365',
    columns: M365_AUDIT_COLUMNS,
    match: `(${has('Operation')} OR ${has('RecordType')} OR ${has('AlertId')})`,
    nativeId: f('Id'),
    eventTime: ts(f('CreationTime')),
    required: { Id: f('Id'), CreationTime: f('CreationTime') },
    tenant: f('OrganizationId'),
  },
  {
    name: 'gcp_audit',
    source: 'gcp',
    columns: GCP_LOG_ENTRY_COLUMNS,
    // Pub/Sub and some shippers wrap the LogEntry as `{"data": {...}}`.
    match: `(${has('protoPayload')} OR ${has('logName')} OR (${has('data')} AND json_exists(j, '$.data.protoPayload')))`,
    body: `CASE WHEN NOT list_contains(k, 'protoPayload') AND json_exists(j, '$.data.protoPayload') THEN j->'data' ELSE j END`,
    nativeId: f('insertId'),
    eventTime: ts(f('timestamp')),
    required: { insertId: f('insertId'), timestamp: f('timestamp') },
  },
  {
    name: 'onelogin_event',
    source: 'onelogin',
    columns: ONELOGIN_EVENT_COLUMNS,
    match: has('event_type_id'),
    nativeId: f('id'),
    eventTime: ts(f('created_at')),
    required: { id: f('id'), created_at: f('created_at') },
    tenant: f('account_id'),
  },
  {
    name: 'duo_authentication',
    source: 'duo',
    columns: DUO_AUTH_COLUMNS,
    match: `(${has('txid')} OR (${has('event_type')} AND ${has('access_device')}))`,
    nativeId: f('txid'),
    // `timestamp` is epoch seconds; v2 also gives `isotimestamp`.
    eventTime: `coalesce(${ts(f('isotimestamp'))}, try(to_timestamp(${f('timestamp')})::TIMESTAMP))`,
    required: { txid: f('txid'), timestamp: `coalesce(${f('isotimestamp')}, ${f('timestamp')}::VARCHAR)` },
  },
  { name: 'google_workspace_login', ...GWS_BASE, match: `(${gwsApp} = 'login')` },
  { name: 'google_workspace_admin', ...GWS_BASE, match: `(${gwsApp} = 'admin')` },
  { name: 'google_workspace_token', ...GWS_BASE, match: `(${gwsApp} = 'token')` },
  // Every other Reports application (drive, saml, user_accounts, groups, …): raw only.
  { name: 'google_workspace_activity', ...GWS_BASE, match: `(${has('id')} AND ${has('events')})` },
  {
    name: 'aws_cloudtrail',
    source: 'aws',
    columns: CLOUDTRAIL_COLUMNS,
    match: `(${has('eventSource')} OR ${has('eventName')} OR ${has('eventID')})`,
    nativeId: f('eventID'),
    eventTime: ts(f('eventTime')),
    required: { eventID: f('eventID'), eventTime: f('eventTime'), eventName: f('eventName') },
    tenant: `coalesce(${f('recipientAccountId')}, ${f('userIdentity', 'accountId')})`,
  },
];

function coalesceTime(...exprs: string[]): string {
  return `coalesce(${exprs.map(ts).join(', ')})`;
}

export const STREAMS_BY_NAME: ReadonlyMap<string, RawStream> = new Map(STREAMS.map((s) => [s.name, s]));

export function streamsOf(source: string): RawStream[] {
  return STREAMS.filter((s) => s.source === source);
}

export const SOURCES: readonly SourceName[] = ['okta', 'entra', 'google_workspace', 'aws', 'azure', 'm365', 'gcp', 'onelogin', 'duo'];
