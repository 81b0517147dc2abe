import { inList, lit, nonEmpty, type Normalizer, type TypeMapping } from './mapping.js';

/**
 * Google Workspace Admin SDK Reports activities → identity_events, one row per element of `events[]`.
 * Event names from the Reports API reference (login, admin and token applications). Parameters are a
 * list of {name, value | multiValue | intValue | boolValue | multiIntValue | messageValue}.
 */
const TYPES: Record<string, TypeMapping> = {
  'login:login_success': ['authentication', 'logon', 'success'],
  'login:login_failure': ['authentication', 'logon', 'failure'],
  'login:login_challenge': ['mfa', 'mfa_challenge'],
  'login:login_verification': ['mfa', 'mfa_verify'],
  'login:logout': ['session', 'logoff', 'success'],
  'login:suspicious_login': ['other', 'risk_detected'],
  'login:suspicious_login_less_secure_app': ['other', 'risk_detected'],
  'login:suspicious_programmatic_login': ['other', 'risk_detected'],
  'login:gov_attack_warning': ['other', 'risk_detected'],
  'login:risky_sensitive_action_allowed': ['other', 'risk_detected'],
  'login:risky_sensitive_action_blocked': ['other', 'risk_detected'],
  'login:2sv_enroll': ['mfa', 'factor_enroll', 'success'],
  'login:2sv_disable': ['mfa', 'factor_remove', 'success'],
  'login:titanium_enroll': ['mfa', 'factor_enroll', 'success'],
  'login:titanium_unenroll': ['mfa', 'factor_remove', 'success'],
  'login:passkey_enrolled': ['mfa', 'factor_enroll', 'success'],
  'login:passkey_removed': ['mfa', 'factor_remove', 'success'],
  'login:password_edit': ['account_change', 'password_change', 'success'],
  'login:recovery_email_edit': ['account_change', 'account_update', 'success'],
  'login:recovery_phone_edit': ['account_change', 'account_update', 'success'],
  'login:recovery_secret_qa_edit': ['account_change', 'account_update', 'success'],
  'login:account_disabled_password_leak': ['account_change', 'account_disable', 'success'],
  'login:account_disabled_hijacked': ['account_change', 'account_disable', 'success'],
  'login:account_disabled_spamming': ['account_change', 'account_disable', 'success'],
  'login:account_disabled_spamming_through_relay': ['account_change', 'account_disable', 'success'],
  'login:account_disabled_generic': ['account_change', 'account_disable', 'success'],
  'admin:ASSIGN_ROLE': ['privilege_change', 'role_grant', 'success'],
  'admin:UNASSIGN_ROLE': ['privilege_change', 'role_revoke', 'success'],
  'admin:GRANT_ADMIN_PRIVILEGE': ['privilege_change', 'role_grant', 'success'],
  'admin:REVOKE_ADMIN_PRIVILEGE': ['privilege_change', 'role_revoke', 'success'],
  'admin:GRANT_DELEGATED_ADMIN_PRIVILEGES': ['privilege_change', 'role_grant', 'success'],
  'admin:CREATE_ROLE': ['privilege_change', 'other', 'success'],
  'admin:ADD_PRIVILEGE': ['privilege_change', 'other', 'success'],
  'admin:CREATE_USER': ['account_change', 'account_create', 'success'],
  'admin:DELETE_USER': ['account_change', 'account_delete', 'success'],
  'admin:UNDELETE_USER': ['account_change', 'account_enable', 'success'],
  'admin:SUSPEND_USER': ['account_change', 'account_suspend', 'success'],
  'admin:UNSUSPEND_USER': ['account_change', 'account_unsuspend', 'success'],
  'admin:ARCHIVE_USER': ['account_change', 'account_disable', 'success'],
  'admin:UNARCHIVE_USER': ['account_change', 'account_enable', 'success'],
  'admin:RENAME_USER': ['account_change', 'account_update', 'success'],
  'admin:CHANGE_USER_ORGANIZATION': ['account_change', 'account_update', 'success'],
  'admin:CHANGE_PASSWORD': ['account_change', 'password_reset', 'success'],
  'admin:CHANGE_PASSWORD_ON_NEXT_LOGIN': ['account_change', 'account_update', 'success'],
  'admin:ADD_GROUP_MEMBER': ['account_change', 'group_add_member', 'success'],
  'admin:REMOVE_GROUP_MEMBER': ['account_change', 'group_remove_member', 'success'],
  'admin:RESET_SIGNIN_COOKIES': ['session', 'session_end', 'success'],
  'admin:TURN_OFF_2_STEP_VERIFICATION': ['mfa', 'factor_remove', 'success'],
  'admin:REVOKE_SECURITY_KEY': ['mfa', 'factor_remove', 'success'],
  'admin:ENFORCE_STRONG_AUTHENTICATION': ['other', 'policy_change', 'success'],
  'admin:ALLOW_STRONG_AUTHENTICATION': ['other', 'policy_change', 'success'],
  'admin:CHANGE_ALLOWED_TWO_STEP_VERIFICATION_METHODS': ['other', 'policy_change', 'success'],
  'admin:CHANGE_TWO_STEP_VERIFICATION_ENROLLMENT_PERIOD_DURATION': ['other', 'policy_change', 'success'],
  'admin:CHANGE_APPLICATION_SETTING': ['other', 'policy_change', 'success'],
  'admin:CREATE_APPLICATION_SETTING': ['other', 'policy_change', 'success'],
  'admin:DELETE_APPLICATION_SETTING': ['other', 'policy_change', 'success'],
  'admin:TOGGLE_SERVICE_ENABLED': ['other', 'policy_change', 'success'],
  'admin:ADD_TO_TRUSTED_OAUTH2_APPS': ['other', 'policy_change', 'success'],
  'admin:REMOVE_FROM_TRUSTED_OAUTH2_APPS': ['other', 'policy_change', 'success'],
  'admin:TRUST_DOMAIN_OWNED_OAUTH2_APPS': ['other', 'policy_change', 'success'],
  'admin:UNTRUST_DOMAIN_OWNED_OAUTH2_APPS': ['other', 'policy_change', 'success'],
  'admin:BLOCK_ALL_THIRD_PARTY_API_ACCESS': ['other', 'policy_change', 'success'],
  'admin:UNBLOCK_ALL_THIRD_PARTY_API_ACCESS': ['other', 'policy_change', 'success'],
  'admin:AUTHORIZE_API_CLIENT_ACCESS': ['consent_grant', 'consent_grant', 'success'],
  'admin:REMOVE_API_CLIENT_ACCESS': ['consent_grant', 'consent_revoke', 'success'],
  'admin:REVOKE_3LO_TOKEN': ['consent_grant', 'consent_revoke', 'success'],
  'admin:REVOKE_3LO_DEVICE_TOKENS': ['consent_grant', 'consent_revoke', 'success'],
  'admin:CHANGE_SSO_SETTINGS': ['other', 'federation_change', 'success'],
  'admin:CREATE_INBOUND_SSO_PROFILE': ['other', 'federation_change', 'success'],
  'admin:UPDATE_INBOUND_SSO_PROFILE': ['other', 'federation_change', 'success'],
  'admin:DELETE_INBOUND_SSO_PROFILE': ['other', 'federation_change', 'success'],
  'admin:CREATE_INBOUND_SSO_ASSIGNMENT': ['other', 'federation_change', 'success'],
  'admin:UPDATE_INBOUND_SSO_ASSIGNMENT': ['other', 'federation_change', 'success'],
  'admin:ADD_DOMAIN_ALIAS': ['other', 'domain_change', 'success'],
  'admin:ADD_SECONDARY_DOMAIN': ['other', 'domain_change', 'success'],
  'admin:REMOVE_DOMAIN_ALIAS': ['other', 'domain_change', 'success'],
  'admin:REMOVE_SECONDARY_DOMAIN': ['other', 'domain_change', 'success'],
  'admin:VERIFY_DOMAIN_ALIAS': ['other', 'domain_change', 'success'],
  'admin:VERIFY_SECONDARY_DOMAIN': ['other', 'domain_change', 'success'],
  'token:authorize': ['consent_grant', 'consent_grant', 'success'],
  'token:revoke': ['consent_grant', 'consent_revoke', 'success'],
  'token:request': ['authentication', 'token_refresh', 'success'],
};

/** Challenge methods that resist phishing (security keys, passkeys). */
const PHISHING_RESISTANT = ['security_key', 'passkey', 'idv_security_key'];

const param = (name: string) => `list_filter(e."parameters", p -> p."name" = ${lit(name)})[1]`;
const pv = (name: string) => `${param(name)}."value"`;
const pmv = (name: string) => `${param(name)}."multiValue"`;
const pb = (name: string) => `${param(name)}."boolValue"`;
const key = `(r."id"."applicationName" || ':' || e."name")`;
const challengeMethods = `list_distinct(list_filter(list_concat(coalesce(${pmv('login_challenge_method')}, []), [${pv('login_challenge_method')}]), x -> x IS NOT NULL AND x <> ''))`;
const challengeStatus = `lower(${pv('login_challenge_status')})`;
const subjectEmail = `coalesce(${pv('USER_EMAIL')}, ${pv('affected_email_address')}, r."actor"."email")`;
const scopes = `list_distinct(list_filter(list_concat(coalesce(${pmv('scope')}, []), [${pv('scope')}]), x -> x IS NOT NULL AND x <> ''))`;

export const googleWorkspaceNormalizer: Normalizer = {
  stream: 'google_workspace_login',
  each: { list: 'events', as: 'e' },
  typeKey: key,
  types: TYPES,
  columns: {
    outcome: `coalesce(
      CASE WHEN e."name" IN ('login_challenge', 'login_verification') THEN
        CASE WHEN ${challengeStatus} LIKE '%pass%' THEN 'success' WHEN ${challengeStatus} LIKE '%fail%' THEN 'failure' ELSE 'challenge' END END,
      m.outcome, 'unknown')`,
    outcome_reason: `coalesce(${pv('login_failure_type')}, ${pv('login_challenge_status')}, ${pv('failure_type')})`,
    status_code: `e."type"`,
    actor_id: `r."actor"."profileId"`,
    actor_name: `coalesce(r."actor"."email", r."actor"."key")`,
    actor_type: `r."actor"."callerType"`,
    target_user_name: subjectEmail,
    target_resource_type: `CASE WHEN ${pv('ROLE_NAME')} IS NOT NULL THEN 'role' WHEN ${pv('GROUP_EMAIL')} IS NOT NULL THEN 'group' WHEN ${pv('app_name')} IS NOT NULL THEN 'application' END`,
    target_resource_id: `coalesce(${pv('ROLE_ID')}, ${pv('GROUP_EMAIL')}, ${pv('client_id')}, ${pv('API_CLIENT_NAME')})`,
    target_resource_name: `coalesce(${pv('ROLE_NAME')}, ${pv('GROUP_EMAIL')}, ${pv('app_name')})`,
    app_id: `coalesce(${pv('client_id')}, ${pv('API_CLIENT_NAME')}, r."actor"."applicationInfo"."oauthClientId")`,
    app_name: `coalesce(${pv('app_name')}, r."actor"."applicationInfo"."applicationName")`,
    src_ip: `r."ipAddress"`,
    src_asn: `r."networkInfo"."ipAsn"[1]`,
    geo_country_iso2: `r."networkInfo"."regionCode"`,
    geo_region: `r."networkInfo"."subdivisionCode"`,
    client_app: `coalesce(${pv('login_type')}, ${pv('client_type')})`,
    // login_type "exchange": Google Workspace Sync / legacy mail clients authenticating with a password
    is_legacy_auth: `CASE WHEN m.event_class = 'authentication' THEN coalesce(lower(${pv('login_type')}) = 'exchange' OR e."name" = 'suspicious_login_less_secure_app', false) END`,
    is_interactive: `CASE WHEN m.event_class = 'authentication' AND m.action = 'logon' THEN true END`,
    auth_protocol: pv('login_type'),
    mfa_satisfied: `CASE WHEN e."name" = 'login_verification' OR (e."name" = 'login_challenge' AND coalesce(${pb('is_second_factor')}, false)) THEN ${challengeStatus} LIKE '%pass%' END`,
    mfa_required: `CASE WHEN e."name" IN ('login_challenge', 'login_verification') THEN coalesce(${pb('is_second_factor')}, e."name" = 'login_verification') END`,
    auth_methods: nonEmpty(challengeMethods),
    phishing_resistant: `CASE WHEN len(${challengeMethods}) > 0 THEN list_bool_or(list_transform(${challengeMethods}, x -> ${inList('lower(x)', PHISHING_RESISTANT)})) END`,
    privilege_name: `CASE WHEN m.event_class = 'privilege_change' THEN coalesce(${pv('ROLE_NAME')}, CASE WHEN e."name" LIKE '%ADMIN_PRIVILEGE%' THEN 'Super Admin' END) END`,
    privilege_is_admin: `CASE WHEN m.event_class = 'privilege_change' THEN true END`,
    consent_scopes: `CASE WHEN m.event_class = 'consent_grant' THEN ${nonEmpty(scopes)} END`,
    // AUTHORIZE_API_CLIENT_ACCESS is domain-wide delegation: an administrator grants for every user
    consent_is_admin: `CASE WHEN m.event_class = 'consent_grant' THEN r."id"."applicationName" = 'admin' END`,
    consent_all_users: `CASE WHEN m.event_class = 'consent_grant' THEN r."id"."applicationName" = 'admin' END`,
    risk_level: `CASE WHEN m.action = 'risk_detected' OR coalesce(${pb('is_suspicious')}, false) THEN 'high' END`,
    risk_reasons: `CASE WHEN m.action = 'risk_detected' THEN [e."name"] WHEN coalesce(${pb('is_suspicious')}, false) THEN ['is_suspicious'] END`,
  },
};

/** The same mapping over the admin and token application streams. */
export const googleWorkspaceAdminNormalizer: Normalizer = { ...googleWorkspaceNormalizer, stream: 'google_workspace_admin' };
export const googleWorkspaceTokenNormalizer: Normalizer = { ...googleWorkspaceNormalizer, stream: 'google_workspace_token' };
