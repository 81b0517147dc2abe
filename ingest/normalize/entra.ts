import { inList, lit, listLit, nonEmpty, unquote, type Normalizer, type TypeMapping } from './mapping.js';

/**
 * Microsoft Entra ID (Graph signIn, directoryAudit, provisioningObjectSummary) → identity_events.
 * The same mappings serve Graph API pages and the Azure Monitor diagnostic export (the raw stream's
 * `body` unwraps `properties`, so the typed columns are the Graph object either way).
 */

/**
 * Sign-in error codes that interrupt rather than fail a sign-in (Microsoft Entra "sign-ins interrupted"
 * guidance and AADSTS reference): the user is asked for MFA, registration, device state, consent or an
 * account choice, and usually completes in a following sign-in.
 */
export const ENTRA_INTERRUPT_CODES = [
  16000, 16001, 16003, 50055, 50058, 50072, 50074, 50076, 50079, 50097, 50125, 50127, 50129, 50140, 50143, 50158, 50199, 51006,
  52004, 65001, 81010, 81012, 81014, 530032,
];

/** clientAppUsed values of basic/legacy authentication protocols (Entra sign-in logs, "Client app" filter). */
export const ENTRA_LEGACY_CLIENT_APPS = [
  'Exchange ActiveSync',
  'IMAP4',
  'IMAP',
  'POP3',
  'POP',
  'SMTP',
  'Authenticated SMTP',
  'MAPI Over HTTP',
  'Other clients',
  'Exchange Web Services',
  'AutoDiscover',
  'Autodiscover',
  'Offline Address Book',
  'Reporting Web Services',
  'Exchange Online PowerShell',
  'Exchange Remote PowerShell',
  'Outlook Anywhere (RPC over HTTP)',
  'Universal Outlook',
  'Outlook Service',
];

/** authenticationDetails[].authenticationMethod values that are phishing-resistant. */
export const ENTRA_PHISHING_RESISTANT = [
  'fido2 security key',
  'fido2',
  'windows hello for business',
  'certificate-based authentication',
  'certificate based authentication',
  'x.509 certificate',
  'passkey (microsoft authenticator)',
  'passkey (device-bound)',
  'passkey',
  'platform credential for macos',
  'macos platform credential',
];

const s = (c: string) => `r."${c}"`;
const errorCode = `${s('status')}."errorCode"`;
const methods = `list_distinct(list_filter(list_concat(
    list_transform(list_filter(${s('authenticationDetails')}, d -> coalesce(d."succeeded", true)), d -> d."authenticationMethod"),
    [${s('mfaDetail')}."authMethod"],
    coalesce(${s('authenticationMethodsUsed')}, [])
  ), x -> x IS NOT NULL AND x <> '' AND x <> 'Previously satisfied'))`;
const interactive = `coalesce(${s('isInteractive')}, list_contains(${s('signInEventTypes')}, 'interactiveUser'))`;

export const entraSigninNormalizer: Normalizer = {
  stream: 'entra_signin',
  // beta `signInEventTypes` names the kind; v1.0 sign-ins are interactive user sign-ins
  typeKey: `coalesce(${s('signInEventTypes')}[1], CASE WHEN ${s('isInteractive')} = false THEN 'nonInteractiveUser' ELSE 'interactiveUser' END)`,
  types: {
    interactiveUser: ['authentication', 'logon'],
    nonInteractiveUser: ['authentication', 'logon'],
    servicePrincipal: ['authentication', 'logon'],
    managedIdentity: ['authentication', 'logon'],
  },
  columns: {
    outcome: `CASE WHEN ${errorCode} = 0 THEN 'success' WHEN ${errorCode} IS NULL THEN 'unknown' WHEN ${inList(`${errorCode}::VARCHAR`, ENTRA_INTERRUPT_CODES.map(String))} THEN 'challenge' ELSE 'failure' END`,
    outcome_reason: `nullif(concat_ws('; ', nullif(${s('status')}."failureReason", 'Other.'), ${s('status')}."additionalDetails"), '')`,
    status_code: `${errorCode}::VARCHAR`,
    is_interrupt: `${inList(`${errorCode}::VARCHAR`, ENTRA_INTERRUPT_CODES.map(String))}`,
    actor_id: `coalesce(${s('userId')}, ${s('servicePrincipalId')})`,
    actor_name: `coalesce(${s('userPrincipalName')}, ${s('servicePrincipalName')})`,
    actor_type: `CASE WHEN ${s('signInEventTypes')}[1] = 'servicePrincipal' OR (${s('userId')} IS NULL AND ${s('servicePrincipalId')} IS NOT NULL) THEN 'ServicePrincipal' WHEN ${s('signInEventTypes')}[1] = 'managedIdentity' THEN 'ManagedIdentity' ELSE 'User' END`,
    target_user_id: s('userId'),
    target_user_name: s('userPrincipalName'),
    target_resource_type: `CASE WHEN ${s('resourceId')} IS NOT NULL THEN 'resource' END`,
    target_resource_id: s('resourceId'),
    target_resource_name: s('resourceDisplayName'),
    app_id: s('appId'),
    app_name: s('appDisplayName'),
    src_ip: s('ipAddress'),
    src_asn: `nullif(${s('autonomousSystemNumber')}, 0)`,
    geo_city: `${s('location')}."city"`,
    geo_region: `${s('location')}."state"`,
    geo_country_iso2: `${s('location')}."countryOrRegion"`,
    geo_lat: `${s('location')}."geoCoordinates"."latitude"`,
    geo_lon: `${s('location')}."geoCoordinates"."longitude"`,
    user_agent: s('userAgent'),
    client_app: s('clientAppUsed'),
    is_legacy_auth: `coalesce(${inList(`lower(${s('clientAppUsed')})`, ENTRA_LEGACY_CLIENT_APPS.map((x) => x.toLowerCase()))}, false)`,
    is_interactive: interactive,
    auth_protocol: s('authenticationProtocol'),
    mfa_required: `${s('authenticationRequirement')} = 'multiFactorAuthentication'`,
    mfa_satisfied: `coalesce(list_bool_or(list_transform(${s('authenticationDetails')}, d -> d."succeeded" AND (d."authenticationStepRequirement" ILIKE '%multifactor%' OR d."authenticationMethodDetail" ILIKE '%MFA%' OR (d."authenticationMethod" NOT IN ('Password') AND d."authenticationMethod" IS NOT NULL)))), false)
      OR (${s('authenticationRequirement')} = 'multiFactorAuthentication' AND ${errorCode} = 0)`,
    auth_methods: nonEmpty(methods),
    phishing_resistant: `CASE WHEN len(${methods}) > 0 THEN list_bool_or(list_transform(${methods}, x -> ${inList('lower(x)', ENTRA_PHISHING_RESISTANT)})) END`,
    session_id: s('sessionId'),
    correlation_id: s('correlationId'),
    risk_level: `coalesce(nullif(${s('riskLevelDuringSignIn')}, 'hidden'), nullif(${s('riskLevelAggregated')}, 'hidden'))`,
    risk_reasons: nonEmpty(`list_filter(coalesce(${s('riskEventTypes_v2')}, ${s('riskEventTypes')}, []), x -> x IS NOT NULL AND x <> 'none')`),
  },
};

// ---------------------------------------------------------------------------------------------
// directoryAudit

/** Role names that administer the tenant or its identities (Entra built-in privileged roles). */
const PRIVILEGED_ROLES = [
  'Global Administrator',
  'Company Administrator',
  'Privileged Role Administrator',
  'Privileged Authentication Administrator',
  'Security Administrator',
  'User Administrator',
  'Application Administrator',
  'Cloud Application Administrator',
  'Exchange Administrator',
  'SharePoint Administrator',
  'Conditional Access Administrator',
  'Authentication Administrator',
  'Authentication Policy Administrator',
  'Helpdesk Administrator',
  'Password Administrator',
  'Hybrid Identity Administrator',
  'Intune Administrator',
  'Teams Administrator',
  'Billing Administrator',
  'Domain Name Administrator',
  'External Identity Provider Administrator',
  'Directory Writers',
  'Partner Tier2 Support',
  'Partner Tier1 Support',
  'Security Operator',
  'Compliance Administrator',
  'Groups Administrator',
  'Identity Governance Administrator',
  'Lifecycle Workflows Administrator',
];

const AUDIT_TYPES: Record<string, TypeMapping> = {
  // roles (PIM and direct)
  'Add member to role': ['privilege_change', 'role_grant'],
  'Add scoped member to role': ['privilege_change', 'role_grant'],
  'Add member to role outside of PIM (permanent)': ['privilege_change', 'role_grant'],
  'Add member to role in PIM completed (permanent)': ['privilege_change', 'role_grant'],
  'Add member to role in PIM completed (timebound)': ['privilege_change', 'role_grant'],
  'Add member to role completed (PIM activation)': ['privilege_change', 'role_activate'],
  'Add eligible member to role': ['privilege_change', 'role_eligible_add'],
  'Add eligible member to role in PIM completed (permanent)': ['privilege_change', 'role_eligible_add'],
  'Add eligible member to role in PIM completed (timebound)': ['privilege_change', 'role_eligible_add'],
  'Remove member from role': ['privilege_change', 'role_revoke'],
  'Remove scoped member from role': ['privilege_change', 'role_revoke'],
  'Remove member from role in PIM completed (permanent)': ['privilege_change', 'role_revoke'],
  'Remove member from role in PIM completed (timebound)': ['privilege_change', 'role_revoke'],
  'Remove member from role (PIM activation expired)': ['privilege_change', 'role_revoke'],
  'Remove eligible member from role': ['privilege_change', 'role_eligible_remove'],
  // PIM requests and approvals precede the "completed" event that changes access
  'Add member to role requested (PIM activation)': ['privilege_change', 'other'],
  'Add member to role request approved (PIM activation)': ['privilege_change', 'other'],
  'Add member to role request denied (PIM activation)': ['privilege_change', 'other'],
  'Remove eligible member from role in PIM completed (permanent)': ['privilege_change', 'role_eligible_remove'],
  'Remove eligible member from role in PIM completed (timebound)': ['privilege_change', 'role_eligible_remove'],
  // consent and permission grants
  'Consent to application': ['consent_grant', 'consent_grant'],
  'Add delegated permission grant': ['consent_grant', 'consent_grant'],
  'Add app role assignment to service principal': ['consent_grant', 'consent_grant'],
  'Add app role assignment grant to user': ['consent_grant', 'consent_grant'],
  'Remove delegated permission grant': ['consent_grant', 'consent_revoke'],
  'Remove app role assignment from service principal': ['consent_grant', 'consent_revoke'],
  'Revoke consent': ['consent_grant', 'consent_revoke'],
  // applications and service principals
  'Add application': ['other', 'app_create'],
  'Add service principal': ['other', 'app_create'],
  'Update application': ['other', 'app_update'],
  'Update service principal': ['other', 'app_update'],
  'Delete application': ['other', 'app_update'],
  'Delete service principal': ['other', 'app_update'],
  'Add owner to application': ['other', 'app_update'],
  'Add owner to service principal': ['other', 'app_update'],
  'Add service principal credentials': ['other', 'app_credential_add'],
  'Update application – Certificates and secrets management': ['other', 'app_credential_add'],
  'Update application - Certificates and secrets management': ['other', 'app_credential_add'],
  'Remove service principal credentials': ['other', 'app_update'],
  // domains and federation
  'Set domain authentication': ['other', 'federation_change'],
  'Set federation settings on domain': ['other', 'federation_change'],
  'Set DirSyncEnabled flag': ['other', 'federation_change'],
  'Add unverified domain': ['other', 'domain_change'],
  'Add verified domain': ['other', 'domain_change'],
  'Verify domain': ['other', 'domain_change'],
  'Verify email verified domain': ['other', 'domain_change'],
  'Remove unverified domain': ['other', 'domain_change'],
  'Delete domain': ['other', 'domain_change'],
  'Update domain': ['other', 'domain_change'],
  // accounts
  'Add user': ['account_change', 'account_create'],
  'Invite external user': ['account_change', 'account_create'],
  'Update user': ['account_change', 'account_update'],
  'Redeem external user invite': ['account_change', 'account_update'],
  'Delete user': ['account_change', 'account_delete'],
  'Hard delete user': ['account_change', 'account_delete'],
  'Restore user': ['account_change', 'account_enable'],
  'Disable account': ['account_change', 'account_disable'],
  'Enable account': ['account_change', 'account_enable'],
  'Reset password (by admin)': ['account_change', 'password_reset'],
  'Reset user password': ['account_change', 'password_reset'],
  'Reset password (self-service)': ['account_change', 'password_reset'],
  'Change user password': ['account_change', 'password_change'],
  'Change password (self-service)': ['account_change', 'password_change'],
  'Set force change user password': ['account_change', 'account_update'],
  'Unlock user account (self-service)': ['account_change', 'account_unlock'],
  'Self-service password reset flow activity progress': ['account_change', 'other'],
  'Add member to group': ['account_change', 'group_add_member'],
  'Add group': ['account_change', 'other'],
  'Update group': ['account_change', 'other'],
  'Delete group': ['account_change', 'other'],
  'Remove member from group': ['account_change', 'group_remove_member'],
  'Add owner to group': ['account_change', 'group_add_member'],
  'Update StsRefreshTokenValidFrom Timestamp': ['session', 'session_end'],
  'Revoke user sessions': ['session', 'session_end'],
  // authentication methods (security info)
  'User registered security info': ['mfa', 'factor_enroll'],
  'User registered all required security info': ['mfa', 'factor_enroll'],
  'Admin registered security info': ['mfa', 'factor_enroll'],
  'User changed default security info': ['mfa', 'other'],
  'Admin updated security info': ['mfa', 'other'],
  'User deleted security info': ['mfa', 'factor_remove'],
  'Admin deleted security info': ['mfa', 'factor_remove'],
  'User started security info registration': ['mfa', 'other'],
  'User canceled security info registration': ['mfa', 'other'],
  'Reset user strong authentication': ['mfa', 'factor_reset'],
  'Require re-register multifactor authentication': ['mfa', 'factor_reset'],
  // policies
  'Add conditional access policy': ['other', 'policy_change'],
  'Update conditional access policy': ['other', 'policy_change'],
  'Delete conditional access policy': ['other', 'policy_change'],
  'Add named location': ['other', 'policy_change'],
  'Update named location': ['other', 'policy_change'],
  'Delete named location': ['other', 'policy_change'],
  'Add policy': ['other', 'policy_change'],
  'Update policy': ['other', 'policy_change'],
  'Delete policy': ['other', 'policy_change'],
  'Update authorization policy': ['other', 'policy_change'],
  'Authentication Methods Policy Update': ['other', 'policy_change'],
  'Update authentication methods policy': ['other', 'policy_change'],
  'Set Company Information': ['other', 'policy_change'],
  'Update company settings': ['other', 'policy_change'],
  'Update cross tenant access settings': ['other', 'policy_change'],
};

/** A modifiedProperties value by name, from any target (JSON inside the string decoded). */
const prop = (name: string) =>
  unquote(
    `list_filter(flatten(list_transform(r."targetResources", t -> coalesce(t."modifiedProperties", []))), p -> p."displayName" = ${lit(name)})[1]."newValue"`,
  );
const targetOf = (types: string[]) => `list_filter(r."targetResources", t -> ${inList('t."type"', types)})[1]`;
const tUser = targetOf(['User']);
const tOther = `list_filter(r."targetResources", t -> t."type" IS DISTINCT FROM 'User')[1]`;
const tApp = targetOf(['ServicePrincipal', 'Application']);
const activity = `trim(r."activityDisplayName")`;
const detail = (key: string) => `list_filter(r."additionalDetails", d -> d."key" = ${lit(key)})[1]."value"`;

/** Scopes granted by a consent: `ConsentAction.Permissions` reads "[old] => [[Id: …, Scope: a b c, …]]". */
const permissionsScopes = `regexp_extract_all(coalesce(split_part(${prop('ConsentAction.Permissions')}, '=>', 2), ''), 'Scope:\\s*([^,\\]]*)', 1)`;
const scopeText = `concat_ws(' ', array_to_string(${permissionsScopes}, ' '), ${prop('DelegatedPermissionGrant.Scope')}, ${prop('AppRole.Value')})`;
const consentScopes = `list_distinct(list_filter(string_split(trim(${scopeText}), ' '), x -> x <> ''))`;
const roleName = `coalesce(${prop('Role.DisplayName')}, ${targetOf(['Role'])}."displayName", ${detail('RoleDefinitionOriginId')}, ${detail('Role')})`;

export const entraAuditNormalizer: Normalizer = {
  stream: 'entra_directory_audit',
  typeKey: activity,
  types: AUDIT_TYPES,
  columns: {
    outcome: `CASE lower(r."result") WHEN 'success' THEN 'success' WHEN 'failure' THEN 'failure' WHEN 'timeout' THEN 'failure' ELSE 'unknown' END`,
    outcome_reason: `nullif(r."resultReason", '')`,
    status_code: `r."result"`,
    actor_id: `coalesce(r."initiatedBy"."user"."id", r."initiatedBy"."app"."servicePrincipalId", r."initiatedBy"."app"."appId")`,
    actor_name: `coalesce(r."initiatedBy"."user"."userPrincipalName", r."initiatedBy"."app"."displayName", r."initiatedBy"."app"."servicePrincipalName")`,
    actor_type: `CASE WHEN r."initiatedBy"."user"."id" IS NOT NULL OR r."initiatedBy"."user"."userPrincipalName" IS NOT NULL THEN 'User' WHEN r."initiatedBy"."app" IS NOT NULL THEN 'ServicePrincipal' END`,
    target_user_id: `coalesce(${tUser}."id", CASE WHEN m.event_class = 'mfa' THEN r."initiatedBy"."user"."id" END)`,
    target_user_name: `coalesce(${tUser}."userPrincipalName", ${tUser}."displayName", CASE WHEN m.event_class = 'mfa' THEN r."initiatedBy"."user"."userPrincipalName" END)`,
    target_resource_type: `${tOther}."type"`,
    target_resource_id: `${tOther}."id"`,
    target_resource_name: `${tOther}."displayName"`,
    app_id: `CASE WHEN m.event_class = 'consent_grant' OR m.action IN ('app_create', 'app_update', 'app_credential_add') THEN coalesce(${prop('AppId')}, ${tApp}."id") END`,
    app_name: `CASE WHEN m.event_class = 'consent_grant' OR m.action IN ('app_create', 'app_update', 'app_credential_add') THEN ${tApp}."displayName" END`,
    src_ip: `nullif(r."initiatedBy"."user"."ipAddress", '')`,
    user_agent: detail('User-Agent'),
    privilege_name: `CASE WHEN m.event_class = 'privilege_change' THEN ${roleName} END`,
    privilege_is_admin: `CASE WHEN m.event_class = 'privilege_change' THEN list_contains(${listLit(PRIVILEGED_ROLES)}, ${roleName}) OR ${roleName} ILIKE '%Administrator%' END`,
    assignment_kind: `CASE
      WHEN m.event_class <> 'privilege_change' THEN NULL
      WHEN ${activity} ILIKE '%eligible%' THEN 'eligible'
      WHEN ${activity} ILIKE '%PIM activation%' THEN 'activated'
      WHEN ${activity} ILIKE '%(timebound)%' THEN 'timebound'
      ELSE 'permanent' END`,
    consent_scopes: `CASE WHEN m.event_class = 'consent_grant' THEN ${nonEmpty(consentScopes)} END`,
    consent_is_admin: `CASE WHEN m.event_class = 'consent_grant' THEN coalesce(lower(${prop('ConsentContext.IsAdminConsent')}) = 'true', ${activity} = 'Add app role assignment to service principal') END`,
    consent_all_users: `CASE WHEN m.event_class = 'consent_grant' THEN coalesce(lower(${prop('ConsentContext.OnBehalfOfAll')}) = 'true', ${prop('DelegatedPermissionGrant.ConsentType')} = 'AllPrincipals', ${prop('ConsentAction.Permissions')} ILIKE '%ConsentType: AllPrincipals%') END`,
    correlation_id: `r."correlationId"`,
  },
};

// ---------------------------------------------------------------------------------------------
// provisioningObjectSummary

export const entraProvisioningNormalizer: Normalizer = {
  stream: 'entra_provisioning',
  typeKey: `lower(coalesce(r."provisioningAction", r."action"))`,
  types: {
    create: ['provisioning', 'provision_create'],
    update: ['provisioning', 'provision_update'],
    delete: ['provisioning', 'provision_delete'],
    disable: ['provisioning', 'provision_disable'],
    stageddelete: ['provisioning', 'provision_disable'],
    other: ['provisioning', 'provision_other'],
  },
  columns: {
    outcome: `CASE lower(r."provisioningStatusInfo"."status") WHEN 'success' THEN 'success' WHEN 'failure' THEN 'failure' WHEN 'warning' THEN 'success' WHEN 'skipped' THEN 'unknown' ELSE 'unknown' END`,
    outcome_reason: `coalesce(r."provisioningStatusInfo"."errorInformation"."reason", list_filter(r."provisioningSteps", p -> p."status" IN ('failure', 'skipped', 'warning'))[1]."description")`,
    status_code: `coalesce(r."provisioningStatusInfo"."errorInformation"."errorCode", r."provisioningStatusInfo"."status")`,
    actor_id: `r."initiatedBy"."id"`,
    actor_name: `r."initiatedBy"."displayName"`,
    actor_type: `r."initiatedBy"."initiatorType"`,
    target_user_id: `r."targetIdentity"."id"`,
    target_user_name: `coalesce(r."targetIdentity"."displayName", r."sourceIdentity"."displayName")`,
    target_resource_type: `'provisioningTarget'`,
    target_resource_id: `r."targetSystem"."id"`,
    target_resource_name: `r."targetSystem"."displayName"`,
    app_id: `r."servicePrincipal"."id"`,
    app_name: `r."servicePrincipal"."displayName"`,
    provisioning_status: `lower(r."provisioningStatusInfo"."status")`,
    correlation_id: `r."changeId"`,
  },
};
