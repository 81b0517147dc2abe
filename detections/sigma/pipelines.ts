import type { Logsource } from './types.js';

/**
 * Processing pipelines: per Sigma logsource, the raw stream its rules run on and how Sigma field
 * names map onto that stream's stored vendor fields (ingest/streams.ts). Field mapping lives here and
 * only here; compile targets never see a Sigma field name.
 *
 * A Sigma field maps to one or more candidate accesses; the field matches when any candidate does
 * (so one rule runs on several shapes of the same log, e.g. a Graph `signIn` and the Azure Monitor
 * diagnostic export that nests it under `properties`). A field missing from `fields` is read as a
 * dotted path on the body. Keys match exactly first, then ignoring case (Log Analytics names such as
 * `DeviceDetail.trusttype` reach Graph's `deviceDetail.trustType`).
 */
export type Access =
  /** a dotted path on the stream body (`scope: 'body'`) or on the record as received (`'root'`) */
  | { kind: 'path'; scope: 'body' | 'root'; path: string[]; valueMap?: { map: Record<string, string>; otherwise: string }; exact?: boolean }
  /** the value of the element of a key/value list whose key field equals `key` (Workspace parameters) */
  | { kind: 'keyed'; scope: 'body' | 'root'; list: string[]; keyField: string; key: string; valueFields: string[] }
  /** a value that is the same for every record of the stream */
  | { kind: 'const'; value: string };

export interface Pipeline {
  name: string;
  logsources: Logsource[];
  /** raw stream name (ingest/streams.ts) */
  stream: string;
  /**
   * JS twin of the stream's SQL `body` expression: the object the typed columns are projected from.
   * Must agree with `RawStream.body`.
   */
  body?: (root: unknown) => unknown;
  /** where the body sits in an envelope record (for targets that index the record as received) */
  bodyUnder?: string[];
  /** body paths of the event time, first present wins (JS twin of the stream's `eventTime`) */
  time: string[];
  /** lower-cased Sigma field name → candidates */
  fields: Record<string, Access[]>;
  /** lower-cased Sigma prefix (with its dot) → candidates built from the rest of the name */
  prefixes?: Record<string, (rest: string[], full: string[]) => Access[]>;
}

/** Mapped paths are written in the vendor's own case: keys match exactly (no case-folding lookup). */
const body = (p: string): Access => ({ kind: 'path', scope: 'body', path: p.split('.'), exact: true });
const root = (p: string): Access => ({ kind: 'path', scope: 'root', path: p.split('.'), exact: true });
const keyed = (list: string, key: string, keyField = 'name', valueFields = ['value']): Access => ({
  kind: 'keyed',
  scope: 'body',
  list: list.split('.'),
  keyField,
  key,
  valueFields,
});
const constant = (value: string): Access => ({ kind: 'const', value });

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Azure Monitor diagnostic export: the Graph object under `properties` (streams.ts AZURE_BODY). */
const azureBody = (j: unknown): unknown =>
  isObj(j) && 'properties' in j && 'category' in j && ('time' in j || 'operationName' in j) && isObj(j.properties) ? j.properties : j;

/** `properties.X` in the SigmaHQ Azure rules is the Graph object's X (and the envelope's own key). */
const azurePrefixes: Pipeline['prefixes'] = {
  'properties.': (rest, full) => [{ kind: 'path', scope: 'body', path: rest }, { kind: 'path', scope: 'root', path: full }],
};

export const PIPELINES: Pipeline[] = [
  {
    name: 'okta',
    time: ['published'],
    logsources: [{ product: 'okta', service: 'okta' }, { product: 'okta' }],
    stream: 'okta_system_log',
    fields: {},
  },
  {
    // Log Analytics `SigninLogs` names → Graph `signIn` (v1.0/beta) and the diagnostic envelope
    name: 'azure_signinlogs',
    time: ['createdDateTime'],
    logsources: [{ product: 'azure', service: 'signinlogs' }],
    stream: 'entra_signin',
    body: azureBody,
    bodyUnder: ['properties'],
    prefixes: azurePrefixes,
    fields: {
      resulttype: [body('status.errorCode'), root('resultType')],
      resultdescription: [body('status.failureReason'), root('resultDescription')],
      resultsignature: [root('resultSignature')],
      // LA `Status` is the status object; the rules also say `Status: Success` for errorCode 0
      status: [
        { kind: 'path', scope: 'body', path: ['status', 'errorCode'], valueMap: { map: { '0': 'Success' }, otherwise: 'Failure' }, exact: true },
        body('status'),
      ],
      appdisplayname: [body('appDisplayName')],
      appid: [body('appId')],
      clientapp: [body('clientAppUsed')],
      clientappused: [body('clientAppUsed')],
      username: [body('userPrincipalName')],
      userprincipalname: [body('userPrincipalName')],
      ipaddress: [body('ipAddress')],
      calleripaddress: [body('ipAddress'), root('callerIpAddress')],
      location: [body('location.countryOrRegion')],
      locationdetails: [body('location')],
      activitydetails: [root('category')],
      riskstate: [body('riskState')],
      risklevelduringsignin: [body('riskLevelDuringSignIn')],
      authenticationrequirement: [body('authenticationRequirement')],
      conditionalaccessstatus: [body('conditionalAccessStatus')],
      resourcedisplayname: [body('resourceDisplayName')],
      useragent: [body('userAgent')],
      devicedetail: [body('deviceDetail')],
      networklocationdetails: [body('networkLocationDetails')],
      hometenantid: [body('homeTenantId')],
      resourcetenantid: [body('resourceTenantId')],
      category: [root('category')],
      operationname: [root('operationName')],
    },
  },
  {
    // Log Analytics `AuditLogs` names → Graph `directoryAudit` and the diagnostic envelope
    name: 'azure_auditlogs',
    time: ['activityDateTime'],
    logsources: [{ product: 'azure', service: 'auditlogs' }],
    stream: 'entra_directory_audit',
    body: azureBody,
    bodyUnder: ['properties'],
    prefixes: {
      'properties.': (rest, full) =>
        rest.length === 1 && rest[0]!.toLowerCase() === 'message'
          ? [body('activityDisplayName'), root('operationName')]
          : [{ kind: 'path', scope: 'body', path: rest }, { kind: 'path', scope: 'root', path: full }],
    },
    fields: {
      operationname: [body('activityDisplayName'), root('operationName')],
      activitydisplayname: [body('activityDisplayName')],
      activitytype: [body('activityDisplayName')],
      category: [body('category')],
      status: [body('result')],
      result: [body('result')],
      resultreason: [body('resultReason')],
      failure_status_reason: [body('resultReason')],
      loggedbyservice: [body('loggedByService')],
      operationtype: [body('operationType')],
      targetresources: [body('targetResources')],
      target: [body('targetResources')],
      initiatedby: [body('initiatedBy')],
      'additionaldetails.additionalinfo': [keyed('additionalDetails', 'AdditionalInfo', 'key')],
      'consentcontext.isadminconsent': [keyed('targetResources.modifiedProperties', 'ConsentContext.IsAdminConsent', 'displayName', ['newValue'])],
    },
  },
  {
    name: 'azure_riskdetection',
    time: ['activityDateTime', 'detectedDateTime'],
    logsources: [{ product: 'azure', service: 'riskdetection' }],
    stream: 'entra_risk_detection',
    body: azureBody,
    bodyUnder: ['properties'],
    prefixes: azurePrefixes,
    fields: {},
  },
  {
    name: 'azure_pim',
    time: ['lastScannedDateTime', 'lastModifiedDateTime', 'assignmentCreatedDateTime', 'detectedDateTime'],
    logsources: [{ product: 'azure', service: 'pim' }],
    stream: 'entra_pim_alert',
    fields: {},
  },
  {
    // Activity Log: REST/Event Hub events carry `operationName: {value, localizedValue}`, the
    // diagnostic export carries the plain text; the LA `*Value` columns are the `.value` parts
    name: 'azure_activitylogs',
    time: ['eventTimestamp', 'time'],
    logsources: [{ product: 'azure', service: 'activitylogs' }],
    stream: 'azure_activity',
    fields: {
      operationname: [body('operationName.value'), body('operationName')],
      operationnamevalue: [body('operationName.value'), body('operationName')],
      categoryvalue: [body('category.value'), body('category')],
      category: [body('category.value'), body('category')],
      resourceprovidervalue: [body('resourceProviderName.value'), body('resourceProviderName')],
      resourceid: [body('resourceId')],
      activitystatusvalue: [body('status.value'), body('status')],
    },
  },
  {
    // Office 365 Management Activity API records; the SigmaHQ threat_management rules use
    // eventSource/eventName/status for the Security & Compliance alert's workload, name and result
    name: 'm365',
    time: ['CreationTime'],
    logsources: [{ product: 'm365' }],
    stream: 'm365_audit',
    fields: {
      eventsource: [body('Workload')],
      eventname: [body('Name'), body('Operation')],
      status: [body('ResultStatus'), body('Status')],
      payload: [body('Data')],
    },
  },
  {
    // Admin SDK Reports `activities` (applicationName admin); the rules use the Cloud Logging names
    name: 'google_workspace_admin',
    time: ['id.time'],
    logsources: [{ product: 'gcp', service: 'google_workspace.admin' }],
    stream: 'google_workspace_admin',
    fields: {
      eventservice: [constant('admin.googleapis.com')],
      'protopayload.servicename': [constant('admin.googleapis.com')],
      eventname: [body('events.name')],
      'protopayload.metadata.event.eventname': [body('events.name')],
      setting_name: [keyed('events.parameters', 'SETTING_NAME')],
      new_value: [keyed('events.parameters', 'NEW_VALUE')],
      old_value: [keyed('events.parameters', 'OLD_VALUE')],
      application_name: [keyed('events.parameters', 'APPLICATION_NAME')],
      user_email: [keyed('events.parameters', 'USER_EMAIL')],
    },
  },
  {
    name: 'google_workspace_login',
    time: ['id.time'],
    logsources: [{ product: 'gcp', service: 'google_workspace.login' }],
    stream: 'google_workspace_login',
    fields: {
      eventservice: [constant('login.googleapis.com')],
      'protopayload.servicename': [constant('login.googleapis.com')],
      eventname: [body('events.name')],
      'protopayload.metadata.event.eventname': [body('events.name')],
      login_type: [keyed('events.parameters', 'login_type')],
      login_challenge_method: [keyed('events.parameters', 'login_challenge_method')],
    },
  },
  {
    name: 'google_workspace_token',
    time: ['id.time'],
    logsources: [{ product: 'gcp', service: 'google_workspace.token' }],
    stream: 'google_workspace_token',
    fields: {
      eventservice: [constant('oauth2.googleapis.com')],
      eventname: [body('events.name')],
    },
  },
  {
    // Cloud Audit LogEntry; `data.` is the Pub/Sub wrapper (streams.ts body), `gcp.audit.*` the
    // Elastic integration names
    name: 'gcp_audit',
    time: ['timestamp'],
    logsources: [{ product: 'gcp', service: 'gcp.audit' }],
    stream: 'gcp_audit',
    body: (j) => (isObj(j) && !('protoPayload' in j) && isObj(j.data) && 'protoPayload' in j.data ? j.data : j),
    bodyUnder: ['data'],
    prefixes: {
      'data.': (rest) => [{ kind: 'path', scope: 'body', path: rest }],
    },
    fields: {
      'data.protopayload.resource.type': [body('resource.type'), body('protoPayload.resource.type')],
      'data.protopayload.logname': [body('logName'), body('protoPayload.logName')],
      'gcp.audit.method_name': [body('protoPayload.methodName')],
      'gcp.audit.service_name': [body('protoPayload.serviceName')],
      'gcp.audit.resource_name': [body('protoPayload.resourceName')],
      'gcp.audit.authorization_info.permission': [body('protoPayload.authorizationInfo.permission')],
      'gcp.audit.authorization_info.granted': [body('protoPayload.authorizationInfo.granted')],
      'gcp.audit.authentication_info.principal_email': [body('protoPayload.authenticationInfo.principalEmail')],
      'gcp.audit.request_metadata.caller_ip': [body('protoPayload.requestMetadata.callerIp')],
    },
  },
  {
    name: 'aws_cloudtrail',
    time: ['eventTime'],
    logsources: [{ product: 'aws', service: 'cloudtrail' }],
    stream: 'aws_cloudtrail',
    fields: {
      src_ip: [body('sourceIPAddress')],
    },
  },
  {
    name: 'onelogin',
    time: ['created_at'],
    logsources: [{ product: 'onelogin' }],
    stream: 'onelogin_event',
    fields: {},
  },
  {
    name: 'cisco_duo',
    time: ['isotimestamp'],
    logsources: [{ product: 'cisco', service: 'duo' }],
    stream: 'duo_authentication',
    fields: {},
  },
];

/** The pipeline for a rule's logsource: product and service must match; a pipeline without a
 * service serves every service of its product. */
export function pipelineFor(ls: Logsource, pipelines: Pipeline[] = PIPELINES): Pipeline | undefined {
  const norm = (s?: string) => s?.toLowerCase();
  return (
    pipelines.find((p) => p.logsources.some((l) => norm(l.product) === norm(ls.product) && l.service !== undefined && norm(l.service) === norm(ls.service))) ??
    pipelines.find((p) => p.logsources.some((l) => norm(l.product) === norm(ls.product) && l.service === undefined))
  );
}

/** Candidates for a Sigma field name under a pipeline. */
export function mapField(p: Pipeline, field: string): Access[] {
  const lower = field.toLowerCase();
  const mapped = p.fields[lower];
  if (mapped) return mapped;
  const parts = field.split('.');
  for (const [prefix, fn] of Object.entries(p.prefixes ?? {})) {
    if (lower.startsWith(prefix) && lower.length > prefix.length) return fn(field.slice(prefix.length).split('.'), parts);
  }
  return [{ kind: 'path', scope: 'body', path: parts }];
}

export { isObj };
