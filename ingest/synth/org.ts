/**
 * The demo organisation's fixed facts: tenants, applications, roles. Application and role ids that
 * belong to vendors (Microsoft first-party app ids, Entra role template ids) are the real ones, so
 * that rules written against vendor documentation recognise them.
 */
import type { Rng } from './prng.js';

export const DOMAIN = 'acme.example';
export const OKTA_HOST = 'acme.okta.com';
export const COMPANY = 'Acme Corp';

export interface Tenants {
  okta: string;
  entra: string;
  entraName: string;
  googleCustomerId: string;
  awsAccountId: string;
}

export function tenantsFor(rng: Rng): Tenants {
  return {
    okta: OKTA_HOST,
    entra: rng.uuid(),
    entraName: 'Acme Corp',
    googleCustomerId: `C0${rng.base62(7).toLowerCase()}`,
    awsAccountId: rng.digits(12),
  };
}

/** Microsoft's own tenant: owner of first-party applications. */
export const MICROSOFT_TENANT = 'f8cdef31-a31e-4b4a-93e4-5f571e91255a';

export interface EntraApp {
  appId: string;
  name: string;
  resourceId: string;
  resourceName: string;
  firstParty: boolean;
}

export const ENTRA_APPS = {
  officeHome: { appId: '4765445b-32c6-49b0-83e6-1d93765276ca', name: 'OfficeHome', resourceId: '00000003-0000-0000-c000-000000000000', resourceName: 'Microsoft Graph', firstParty: true },
  teams: { appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', name: 'Microsoft Teams', resourceId: '00000003-0000-0ff1-ce00-000000000000', resourceName: 'Office 365 SharePoint Online', firstParty: true },
  outlook: { appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c', name: 'Microsoft Office', resourceId: '00000002-0000-0ff1-ce00-000000000000', resourceName: 'Office 365 Exchange Online', firstParty: true },
  exchange: { appId: '00000002-0000-0ff1-ce00-000000000000', name: 'Office 365 Exchange Online', resourceId: '00000002-0000-0ff1-ce00-000000000000', resourceName: 'Office 365 Exchange Online', firstParty: true },
  oneDrive: { appId: 'ab9b8c07-8f02-4f72-87fa-80105867a763', name: 'OneDrive SyncEngine', resourceId: '00000003-0000-0ff1-ce00-000000000000', resourceName: 'Office 365 SharePoint Online', firstParty: true },
  azurePortal: { appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', name: 'Azure Portal', resourceId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', resourceName: 'Windows Azure Service Management API', firstParty: true },
  authBroker: { appId: '29d9ed98-a469-4536-ade2-f981bc1d605e', name: 'Microsoft Authentication Broker', resourceId: '00000003-0000-0000-c000-000000000000', resourceName: 'Microsoft Graph', firstParty: true },
  windowsSignIn: { appId: '38aa3b87-a06d-4817-b275-7a316988d93b', name: 'Windows Sign In', resourceId: '00000002-0000-0000-c000-000000000000', resourceName: 'Windows Azure Active Directory', firstParty: true },
  graphCli: { appId: '14d82eec-204b-4c2f-b7e8-296a70dab67e', name: 'Microsoft Graph Command Line Tools', resourceId: '00000003-0000-0000-c000-000000000000', resourceName: 'Microsoft Graph', firstParty: true },
  myApps: { appId: '2793995e-0a7d-40d7-bd35-6968ba142197', name: 'My Apps', resourceId: '00000003-0000-0000-c000-000000000000', resourceName: 'Microsoft Graph', firstParty: true },
} as const satisfies Record<string, EntraApp>;

/** The service principal through which PIM writes role membership ("MS-PIM"). */
export const MS_PIM = { appId: '01fc33a7-78ba-4d2f-a4b7-768e336e890e', displayName: 'MS-PIM' };

/**
 * Third-party apps the organisation has approved (the known-apps list a consent detection checks).
 * The first-party Microsoft apps above are known as well.
 */
export const KNOWN_THIRD_PARTY_APPS = [
  { appId: '00000007-0000-0ff1-ce00-000000000000', name: 'Microsoft Dynamics CRM Online' },
  { appId: '4580fd1d-e5a3-4f56-9ad1-aab0e3bf8f76', name: 'Zoom' },
  { appId: 'c9a559d2-7aab-4f13-a6ed-e7e9c52aec87', name: 'Slack' },
] as const;

export function knownAppIds(): string[] {
  return [...Object.values(ENTRA_APPS).map((a) => a.appId), ...KNOWN_THIRD_PARTY_APPS.map((a) => a.appId)];
}

/** Entra built-in roles (template ids are Microsoft's). */
export const ENTRA_ROLES = {
  globalAdmin: { id: '62e90394-69f5-4237-9190-012177145e10', name: 'Global Administrator', wellKnown: 'CompanyAdministrator', privileged: true },
  privRoleAdmin: { id: 'e8611ab8-c189-46e8-94e1-60213ab1f814', name: 'Privileged Role Administrator', wellKnown: 'PrivilegedRoleAdministrator', privileged: true },
  securityAdmin: { id: '194ae4cb-b126-40b2-bd5b-6091b380977d', name: 'Security Administrator', wellKnown: 'SecurityAdministrator', privileged: true },
  userAdmin: { id: 'fe930be7-5e62-47db-91af-98c3a49a38b1', name: 'User Administrator', wellKnown: 'UserAccountAdministrator', privileged: true },
  exchangeAdmin: { id: '29232cdf-9323-42fd-ade2-1d097af3e4de', name: 'Exchange Administrator', wellKnown: 'ExchangeServiceAdministrator', privileged: true },
  appAdmin: { id: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', name: 'Application Administrator', wellKnown: 'ApplicationAdministrator', privileged: true },
  cloudAppAdmin: { id: '158c047a-c907-4556-b7ef-446551a6b5f7', name: 'Cloud Application Administrator', wellKnown: 'CloudApplicationAdministrator', privileged: true },
  helpdeskAdmin: { id: '729827e3-9c14-49f7-bb1b-9608f156bbb8', name: 'Helpdesk Administrator', wellKnown: 'HelpdeskAdministrator', privileged: true },
  authAdmin: { id: 'c4e39bd9-1100-46d3-8c65-fb160da0071f', name: 'Authentication Administrator', wellKnown: 'AuthenticationAdministrator', privileged: true },
  caAdmin: { id: 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9', name: 'Conditional Access Administrator', wellKnown: 'ConditionalAccessAdministrator', privileged: true },
  intuneAdmin: { id: '3a2c62db-5318-420d-8d74-23affee5d9d5', name: 'Intune Administrator', wellKnown: 'IntuneServiceAdministrator', privileged: true },
  globalReader: { id: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451', name: 'Global Reader', wellKnown: 'GlobalReader', privileged: false },
  reportsReader: { id: '4a5d8f65-41da-4de4-8968-e035b65339cf', name: 'Reports Reader', wellKnown: 'ReportsReader', privileged: false },
} as const;
export type EntraRoleKey = keyof typeof ENTRA_ROLES;

export const ROLE_ACTIONS: Record<EntraRoleKey, string[]> = {
  globalAdmin: ['microsoft.directory/*/allTasks', 'microsoft.azure.serviceHealth/allEntities/allTasks', 'microsoft.office365.exchange/allEntities/allProperties/allTasks'],
  privRoleAdmin: ['microsoft.directory/roleAssignments/allProperties/allTasks', 'microsoft.directory/roleDefinitions/allProperties/allTasks', 'microsoft.directory/privilegedIdentityManagement/allProperties/allTasks'],
  securityAdmin: ['microsoft.directory/conditionalAccessPolicies/basic/update', 'microsoft.directory/identityProtection/allProperties/allTasks', 'microsoft.office365.protectionCenter/allEntities/allProperties/allTasks'],
  userAdmin: ['microsoft.directory/users/create', 'microsoft.directory/users/delete', 'microsoft.directory/users/password/update', 'microsoft.directory/groups/members/update'],
  exchangeAdmin: ['microsoft.office365.exchange/allEntities/basic/allTasks', 'microsoft.directory/groups.unified/create'],
  appAdmin: ['microsoft.directory/applications/create', 'microsoft.directory/applications/credentials/update', 'microsoft.directory/servicePrincipals/appRoleAssignedTo/update'],
  cloudAppAdmin: ['microsoft.directory/applications/create', 'microsoft.directory/applications/credentials/update'],
  helpdeskAdmin: ['microsoft.directory/users/password/update', 'microsoft.directory/users/invalidateAllRefreshTokens'],
  authAdmin: ['microsoft.directory/users/authenticationMethods/create', 'microsoft.directory/users/authenticationMethods/delete', 'microsoft.directory/users/password/update'],
  caAdmin: ['microsoft.directory/conditionalAccessPolicies/create', 'microsoft.directory/conditionalAccessPolicies/basic/update'],
  intuneAdmin: ['microsoft.intune/allEntities/allTasks', 'microsoft.directory/devices/basic/update'],
  globalReader: ['microsoft.directory/users/allProperties/read', 'microsoft.directory/roleAssignments/allProperties/read'],
  reportsReader: ['microsoft.directory/auditLogs/allProperties/read', 'microsoft.directory/signInReports/allProperties/read'],
};

/** Okta administrator role types and their labels (GET /api/v1/users/{id}/roles). */
export const OKTA_ROLES = {
  SUPER_ADMIN: 'Super Administrator',
  ORG_ADMIN: 'Organizational Administrator',
  APP_ADMIN: 'Application Administrator',
  USER_ADMIN: 'Group Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  READ_ONLY_ADMIN: 'Read Only Administrator',
  REPORT_ADMIN: 'Report Administrator',
} as const;
export type OktaRoleType = keyof typeof OKTA_ROLES;

export interface OktaApp {
  id: string;
  name: string;
  label: string;
  signOnMode: string;
  provisioning: boolean;
}

/** Okta app instances (ids are fixed per org; derived from the org's random stream). */
export function oktaAppsFor(rng: Rng): Record<string, OktaApp> {
  const mk = (name: string, label: string, signOnMode: string, provisioning: boolean): OktaApp => ({ id: `0oa${rng.base62(17)}`, name, label, signOnMode, provisioning });
  return {
    dashboard: mk('okta_enduser', 'Okta Dashboard', 'OPENID_CONNECT', false),
    adminConsole: mk('saasure', 'Okta Admin Console', 'OPENID_CONNECT', false),
    office365: mk('office365', 'Microsoft Office 365', 'WS_FEDERATION', true),
    google: mk('google', 'Google Workspace', 'SAML_2_0', true),
    slack: mk('slack', 'Slack', 'SAML_2_0', true),
    salesforce: mk('salesforce', 'Salesforce.com', 'SAML_2_0', true),
    zoom: mk('zoomus', 'Zoom', 'SAML_2_0', true),
    github: mk('githubcloud', 'GitHub Enterprise Cloud - Organization', 'SAML_2_0', false),
    jira: mk('atlassian', 'Atlassian Cloud', 'SAML_2_0', true),
    servicenow: mk('servicenow_app2', 'ServiceNow UD', 'SAML_2_0', true),
    workday: mk('workday', 'Workday', 'SAML_2_0', false),
    aws: mk('amazon_aws_sso', 'AWS IAM Identity Center', 'SAML_2_0', true),
    box: mk('boxnet', 'Box', 'SAML_2_0', true),
  };
}

/** Apps provisioned by Entra's provisioning service (provisioningObjectSummary targetSystem). */
export const ENTRA_PROVISIONING_APPS = [
  { name: 'ServiceNow', jobPrefix: 'ServiceNowOutDelta' },
  { name: 'Salesforce Sandbox', jobPrefix: 'SalesforceOutDelta' },
  { name: 'Dropbox Business', jobPrefix: 'DropboxOutDelta' },
  { name: 'Workday to Microsoft Entra ID User Provisioning', jobPrefix: 'Workday2AAD', inbound: true },
] as const;

export const DEPARTMENTS: { name: string; weight: number; titles: string[]; engineering?: boolean }[] = [
  { name: 'Engineering', weight: 30, engineering: true, titles: ['Software Engineer', 'Senior Software Engineer', 'Staff Engineer', 'Engineering Manager', 'Site Reliability Engineer', 'QA Engineer'] },
  { name: 'Product', weight: 6, titles: ['Product Manager', 'Senior Product Manager', 'Product Designer', 'UX Researcher'] },
  { name: 'Sales', weight: 16, titles: ['Account Executive', 'Sales Development Representative', 'Regional Sales Director', 'Solutions Engineer'] },
  { name: 'Marketing', weight: 7, titles: ['Marketing Manager', 'Content Strategist', 'Demand Generation Manager', 'Brand Designer'] },
  { name: 'Customer Success', weight: 10, titles: ['Customer Success Manager', 'Support Engineer', 'Technical Account Manager'] },
  { name: 'Finance', weight: 5, titles: ['Financial Analyst', 'Accountant', 'Controller', 'Payroll Specialist'] },
  { name: 'People', weight: 4, titles: ['HR Business Partner', 'Recruiter', 'People Operations Specialist'] },
  { name: 'Legal', weight: 2, titles: ['Counsel', 'Paralegal', 'Privacy Officer'] },
  { name: 'IT', weight: 5, engineering: true, titles: ['IT Support Specialist', 'Systems Administrator', 'IAM Engineer', 'Endpoint Engineer'] },
  { name: 'Security', weight: 3, engineering: true, titles: ['Security Engineer', 'Security Analyst', 'Detection Engineer'] },
  { name: 'Operations', weight: 12, titles: ['Operations Analyst', 'Program Manager', 'Business Operations Manager', 'Office Manager'] },
];

export const FIRST_NAMES = [
  'james', 'mary', 'robert', 'patricia', 'john', 'jennifer', 'michael', 'linda', 'david', 'elizabeth', 'william', 'barbara',
  'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen', 'daniel', 'lisa', 'matthew', 'nancy',
  'anthony', 'betty', 'mark', 'sandra', 'paul', 'ashley', 'steven', 'emily', 'andrew', 'donna', 'joshua', 'michelle',
  'lukas', 'anna', 'leon', 'lena', 'felix', 'julia', 'jonas', 'laura', 'maximilian', 'sophie', 'paul', 'marie',
  'oliver', 'amelia', 'harry', 'isla', 'george', 'ava', 'noah', 'mia', 'arjun', 'priya', 'rahul', 'ananya', 'vikram',
  'deepa', 'rohan', 'kavya', 'wei', 'mei', 'jun', 'yuki', 'haruto', 'sakura', 'min-jun', 'seo-yeon', 'lucas', 'camila',
  'mateo', 'valentina', 'gabriel', 'isabella', 'hugo', 'chloe', 'louis', 'manon', 'lars', 'ingrid', 'erik', 'astrid',
  'piotr', 'zofia', 'jakub', 'olga', 'marco', 'giulia', 'luca', 'chiara', 'diego', 'lucia', 'pablo', 'carmen', 'noa',
  'yosef', 'omar', 'layla', 'thabo', 'naledi', 'liam', 'grace', 'ethan', 'zoe', 'aiden', 'nora', 'samuel', 'hannah',
];

export const LAST_NAMES = [
  'smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez', 'hernandez',
  'lopez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin', 'lee', 'thompson', 'white', 'harris',
  'clark', 'lewis', 'walker', 'hall', 'young', 'allen', 'king', 'wright', 'scott', 'green', 'baker', 'adams', 'nelson',
  'mueller', 'schmidt', 'schneider', 'fischer', 'weber', 'meyer', 'wagner', 'becker', 'schulz', 'hoffmann', 'koch',
  'patel', 'sharma', 'singh', 'kumar', 'reddy', 'iyer', 'nair', 'gupta', 'chen', 'wang', 'li', 'zhang', 'liu', 'tanaka',
  'sato', 'suzuki', 'kim', 'park', 'choi', 'silva', 'santos', 'oliveira', 'dubois', 'moreau', 'laurent', 'bernard',
  'johansson', 'andersson', 'nielsen', 'hansen', 'kowalski', 'nowak', 'rossi', 'russo', 'ferrari', 'fernandez',
  'gonzalez', 'cohen', 'levi', 'haddad', 'dlamini', 'nkosi', 'obrien', 'murphy', 'kelly', 'walsh', 'murray', 'campbell',
];

export function titleCase(s: string): string {
  return s.split(/([-\s])/).map((p) => (p.length > 1 ? p[0].toUpperCase() + p.slice(1) : p)).join('');
}
