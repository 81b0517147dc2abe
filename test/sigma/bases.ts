import { fixture } from './harness.js';

/**
 * Whole, real-shaped records per raw stream, used as the starting point of generated events
 * (the fields a rule reads are removed first and then written from the rule's own selections).
 */
export function baseRecord(stream: string): Record<string, unknown> {
  switch (stream) {
    case 'okta_system_log':
      return fixture('okta_system_log');
    case 'entra_signin':
      return fixture('entra_signin_graph');
    case 'entra_directory_audit':
      return fixture('entra_directory_audit_graph');
    case 'google_workspace_admin':
      return fixture('google_workspace_admin');
    case 'google_workspace_login':
      return {
        kind: 'admin#reports#activity',
        id: { time: '2024-03-11T12:05:00.000Z', uniqueQualifier: '5521982201', applicationName: 'login', customerId: 'C03az79cb' },
        etag: '"JDMC8884sebSctZ17CIssbQ/b2c3"',
        actor: { callerType: 'USER', email: 'user@example.org', profileId: '114511147312345678901' },
        ipAddress: '192.0.2.45',
        events: [{ type: 'login', name: 'login_success', parameters: [{ name: 'login_type', value: 'google_password' }, { name: 'is_suspicious', boolValue: false }] }],
      };
    case 'entra_risk_detection':
      return {
        id: '6a0a0f7e-4bcb-4e2f-9f49-7b5b8a5f0001',
        requestId: '1b2c3d4e-0000-4000-8000-000000000002',
        correlationId: 'c2d3e4f5-0000-4000-8000-000000000003',
        riskType: 'unlikelyTravel',
        riskEventType: 'unlikelyTravel',
        riskState: 'atRisk',
        riskLevel: 'medium',
        riskDetail: 'none',
        source: 'IdentityProtection',
        detectionTimingType: 'offline',
        activity: 'signin',
        tokenIssuerType: 'AzureAD',
        ipAddress: '203.0.113.50',
        location: { city: 'Sydney', state: 'NSW', countryOrRegion: 'AU', geoCoordinates: { latitude: -33.86, longitude: 151.2, altitude: null } },
        activityDateTime: '2024-03-11T08:00:00Z',
        detectedDateTime: '2024-03-11T08:10:00Z',
        lastUpdatedDateTime: '2024-03-11T08:20:00Z',
        userId: '4e1e5bd0-6a33-4d2b-9a4a-2e1f0c7f9a11',
        userDisplayName: 'Megan Bowen',
        userPrincipalName: 'MeganB@contoso.com',
        additionalInfo: '[{"Key":"userAgent","Value":"Mozilla/5.0"}]',
      };
    case 'entra_pim_alert':
      return {
        '@odata.type': '#microsoft.graph.staleSignInAlertIncident',
        id: 'a1b2c3d4-0000-4000-8000-00000000pim1',
        riskEventType: 'staleSignInAlertIncident',
        assigneeId: '4e1e5bd0-6a33-4d2b-9a4a-2e1f0c7f9a11',
        assigneeDisplayName: 'Megan Bowen',
        assigneeUserPrincipalName: 'MeganB@contoso.com',
        roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10',
        roleDisplayName: 'Global Administrator',
        roleTemplateId: '62e90394-69f5-4237-9190-012177145e10',
        lastSignInDateTime: '2023-11-01T09:00:00Z',
        assignmentCreatedDateTime: '2023-01-01T09:00:00Z',
        lastScannedDateTime: '2024-03-11T07:00:00Z',
      };
    case 'azure_activity':
      return {
        authorization: { action: 'Microsoft.Compute/virtualMachines/start/action', scope: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1' },
        caller: 'admin@contoso.com',
        channels: 'Operation',
        claims: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'admin@contoso.com' },
        correlationId: 'b1c2d3e4-0000-4000-8000-000000000010',
        description: '',
        eventDataId: 'e1f2a3b4-0000-4000-8000-000000000011',
        eventName: { value: 'EndRequest', localizedValue: 'End request' },
        category: { value: 'Administrative', localizedValue: 'Administrative' },
        eventTimestamp: '2024-03-11T06:00:00.0000000Z',
        id: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1/events/e1f2a3b4/ticks/638457000000000000',
        level: 'Informational',
        operationId: 'f1a2b3c4-0000-4000-8000-000000000012',
        operationName: { value: 'Microsoft.Compute/virtualMachines/start/action', localizedValue: 'Start Virtual Machine' },
        resourceGroupName: 'rg1',
        resourceProviderName: { value: 'Microsoft.Compute', localizedValue: 'Microsoft.Compute' },
        resourceType: { value: 'Microsoft.Compute/virtualMachines', localizedValue: 'Microsoft.Compute/virtualMachines' },
        resourceId: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1',
        status: { value: 'Succeeded', localizedValue: 'Succeeded' },
        subStatus: { value: '', localizedValue: '' },
        submissionTimestamp: '2024-03-11T06:00:30.0000000Z',
        subscriptionId: '00000000-0000-0000-0000-000000000001',
        tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        properties: { statusCode: 'OK' },
        relatedEvents: [],
      };
    case 'm365_audit':
      return {
        CreationTime: '2024-03-11T05:00:00',
        Id: '9c1d2e3f-0000-4000-8000-000000000020',
        Operation: 'FileAccessed',
        OrganizationId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        RecordType: 6,
        ResultStatus: 'Succeeded',
        UserKey: 'i:0h.f|membership|10032001@live.com',
        UserType: 0,
        Version: 1,
        Workload: 'SharePoint',
        ClientIP: '203.0.113.61',
        ObjectId: 'https://contoso.sharepoint.com/sites/hr/Shared Documents/plan.docx',
        UserId: 'meganb@contoso.com',
      };
    case 'gcp_audit':
      return {
        protoPayload: {
          '@type': 'type.googleapis.com/google.cloud.audit.AuditLog',
          status: {},
          authenticationInfo: { principalEmail: 'admin@example.org' },
          requestMetadata: { callerIp: '192.0.2.80', callerSuppliedUserAgent: 'google-cloud-sdk gcloud/460.0.0' },
          serviceName: 'compute.googleapis.com',
          methodName: 'v1.compute.instances.start',
          authorizationInfo: [{ resource: 'projects/p1/zones/us-central1-a/instances/vm1', permission: 'compute.instances.start', granted: true, resourceAttributes: {} }],
          resourceName: 'projects/p1/zones/us-central1-a/instances/vm1',
          request: { '@type': 'type.googleapis.com/compute.instances.start' },
        },
        insertId: '-x1y2z3a4b5',
        resource: { type: 'gce_instance', labels: { instance_id: '1234567890', project_id: 'p1', zone: 'us-central1-a' } },
        timestamp: '2024-03-11T04:00:00.123456Z',
        severity: 'NOTICE',
        logName: 'projects/p1/logs/cloudaudit.googleapis.com%2Factivity',
        operation: { id: 'operation-1710129600000', producer: 'compute.googleapis.com', first: true },
        receiveTimestamp: '2024-03-11T04:00:01.000000Z',
      };
    case 'aws_cloudtrail':
      return {
        eventVersion: '1.09',
        userIdentity: {
          type: 'IAMUser',
          principalId: 'AIDAEXAMPLEPRINCIPAL',
          arn: 'arn:aws:iam::111122223333:user/alice',
          accountId: '111122223333',
          accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
          userName: 'alice',
        },
        eventTime: '2024-03-11T03:00:00Z',
        eventSource: 'ec2.amazonaws.com',
        eventName: 'DescribeInstances',
        awsRegion: 'us-east-1',
        sourceIPAddress: '198.51.100.70',
        userAgent: 'aws-cli/2.15.0 Python/3.11.6',
        requestParameters: { instancesSet: {}, filterSet: {} },
        responseElements: null,
        requestID: '7c3f0c2a-0000-4000-8000-000000000030',
        eventID: '0f3c1b2a-0000-4000-8000-000000000031',
        readOnly: true,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: '111122223333',
        eventCategory: 'Management',
        tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'ec2.us-east-1.amazonaws.com' },
      };
    case 'onelogin_event':
      return {
        id: 999001,
        created_at: '2024-03-11T02:00:00Z',
        account_id: 12345,
        user_id: 678,
        event_type_id: 5,
        notes: null,
        ipaddr: '192.0.2.90',
        actor_user_id: 679,
        actor_user_name: 'Admin User',
        user_name: 'Jane Doe',
        app_id: null,
        directory_id: null,
        resolution: null,
        role_id: null,
        role_name: null,
      };
    case 'duo_authentication':
      return {
        access_device: { browser: 'Chrome', browser_version: '120.0', ip: '198.51.100.99', location: { city: 'Ann Arbor', country: 'United States', state: 'Michigan' }, os: 'Mac OS X', os_version: '14.2' },
        application: { key: 'DIY231J8BR23QK4UKBY8', name: 'Microsoft Azure Active Directory' },
        auth_device: { ip: '198.51.100.100', location: { city: 'Ann Arbor', country: 'United States', state: 'Michigan' }, name: 'My iPhone' },
        event_type: 'authentication',
        factor: 'duo_push',
        isotimestamp: '2024-03-11T01:00:00.000+00:00',
        reason: 'user_approved',
        result: 'success',
        timestamp: 1710118800,
        txid: '340a23e3-23f3-4f4c-8a2d-000000000040',
        user: { key: 'DU3KC77WJ06Y5HIV7XKQ', name: 'narroway@example.com', groups: ['Duo Users'] },
      };
    default:
      throw new Error(`no base record for stream ${stream}`);
  }
}
