import { inList, lit, nonEmpty, type Normalizer, type TypeMapping } from './mapping.js';

/**
 * Okta System Log LogEvent → identity_events. Event types from the Okta Event Types catalogue
 * (developer.okta.com/docs/reference/api/event-types), Classic and Identity Engine.
 */
const TYPES: Record<string, TypeMapping> = {
  // sign-in
  'user.session.start': ['authentication', 'logon'],
  'user.authentication.sso': ['authentication', 'logon'],
  'user.authentication.authenticate': ['authentication', 'logon'],
  'user.authentication.auth_via_IDP': ['authentication', 'logon'],
  'user.authentication.auth_via_social': ['authentication', 'logon'],
  'user.authentication.auth_via_radius': ['authentication', 'logon'],
  'user.authentication.auth_via_LDAP': ['authentication', 'logon'],
  'user.authentication.auth_via_AD_agent': ['authentication', 'logon'],
  'user.authentication.auth_via_richclient': ['authentication', 'logon'],
  'user.authentication.auth_via_inbound_SAML': ['authentication', 'logon'],
  'user.authentication.auth_via_inbound_delauth': ['authentication', 'logon'],
  'user.authentication.auth_via_iwa': ['authentication', 'logon'],
  'user.authentication.auth': ['authentication', 'logon'],
  'user.session.access_admin_app': ['authentication', 'logon'],
  'policy.evaluate_sign_on': ['authentication', 'other'],
  'app.oauth2.as.token.grant.refresh_token': ['authentication', 'token_refresh'],
  'app.oauth2.token.grant.refresh_token': ['authentication', 'token_refresh'],
  'app.oauth2.as.token.grant.access_token': ['authentication', 'other'],
  'app.oauth2.as.token.grant.id_token': ['authentication', 'other'],
  'app.oauth2.as.token.grant': ['authentication', 'other'],
  'app.oauth2.token.grant': ['authentication', 'other'],
  'app.oauth2.as.token.revoke': ['session', 'session_end'],
  // MFA
  'user.authentication.auth_via_mfa': ['mfa', 'mfa_verify'],
  'user.authentication.verify': ['mfa', 'mfa_verify'],
  'user.mfa.okta_verify.deny_push': ['mfa', 'mfa_deny', 'failure'],
  'user.mfa.okta_verify.deny_push_upgrade_needed': ['mfa', 'mfa_deny', 'failure'],
  'system.push.send_factor_verify_push': ['mfa', 'mfa_challenge', 'challenge'],
  'system.sms.send_factor_verify_message': ['mfa', 'mfa_challenge', 'challenge'],
  'system.voice.send_mfa_challenge_call': ['mfa', 'mfa_challenge', 'challenge'],
  'system.email.mfa_challenge': ['mfa', 'mfa_challenge', 'challenge'],
  'system.email.send_factor_verify_message': ['mfa', 'mfa_challenge', 'challenge'],
  'user.mfa.attempt_bypass': ['mfa', 'other'],
  'user.mfa.factor.activate': ['mfa', 'factor_enroll'],
  'user.mfa.factor.update': ['mfa', 'factor_enroll'],
  'user.mfa.factor.deactivate': ['mfa', 'factor_remove'],
  'user.mfa.factor.reset_all': ['mfa', 'factor_reset'],
  'user.mfa.factor.suspend': ['mfa', 'other'],
  'user.mfa.factor.unsuspend': ['mfa', 'other'],
  'system.mfa.factor.activate': ['mfa', 'other'],
  'system.mfa.factor.deactivate': ['mfa', 'other'],
  'user.authenticator.enroll': ['mfa', 'factor_enroll'],
  // session
  'user.session.end': ['session', 'session_end'],
  'user.session.clear': ['session', 'session_end'],
  'user.authentication.slo': ['session', 'logoff'],
  'user.session.expire': ['session', 'session_end'],
  'user.session.context.change': ['session', 'session_context_change'],
  'user.session.impersonation.initiate': ['session', 'impersonation'],
  'user.session.impersonation.grant': ['session', 'impersonation'],
  'user.session.impersonation.begin': ['session', 'impersonation'],
  'user.session.impersonation.extend': ['session', 'impersonation'],
  'user.session.impersonation.end': ['session', 'session_end'],
  'user.session.impersonation.revoke': ['session', 'session_end'],
  'security.session.detect_client_roaming': ['session', 'risk_detected'],
  // lifecycle
  'user.lifecycle.create': ['account_change', 'account_create'],
  'user.lifecycle.activate': ['account_change', 'account_enable'],
  'user.lifecycle.reactivate': ['account_change', 'account_enable'],
  'user.lifecycle.deactivate': ['account_change', 'account_disable'],
  'user.lifecycle.suspend': ['account_change', 'account_suspend'],
  'user.lifecycle.unsuspend': ['account_change', 'account_unsuspend'],
  'user.lifecycle.delete.initiated': ['account_change', 'account_delete'],
  'user.lifecycle.delete.completed': ['account_change', 'account_delete'],
  'user.lifecycle.password_mode.change': ['account_change', 'account_update'],
  'user.account.update_profile': ['account_change', 'account_update'],
  'user.account.lock': ['account_change', 'account_lock'],
  'user.account.lock.limit': ['account_change', 'account_lock'],
  'user.account.unlock': ['account_change', 'account_unlock'],
  'user.account.unlock_by_admin': ['account_change', 'account_unlock'],
  'user.account.unlock_token': ['account_change', 'account_unlock'],
  'user.account.reset_password': ['account_change', 'password_reset'],
  'user.credential.forgot_password': ['account_change', 'password_reset'],
  'user.account.update_password': ['account_change', 'password_change'],
  'user.account.expire_password': ['account_change', 'account_update'],
  'user.account.update_primary_email': ['account_change', 'account_update'],
  'user.account.update_secondary_email': ['account_change', 'account_update'],
  'user.account.update_phone': ['account_change', 'account_update'],
  'group.user_membership.add': ['account_change', 'group_add_member'],
  'group.user_membership.remove': ['account_change', 'group_remove_member'],
  // privilege
  'user.account.privilege.grant': ['privilege_change', 'role_grant'],
  'user.account.privilege.revoke': ['privilege_change', 'role_revoke'],
  'group.privilege.grant': ['privilege_change', 'role_grant'],
  'group.privilege.revoke': ['privilege_change', 'role_revoke'],
  'iam.resourceset.bindings.add': ['privilege_change', 'role_grant'],
  'iam.resourceset.bindings.delete': ['privilege_change', 'role_revoke'],
  'iam.role.create': ['privilege_change', 'other'],
  // consent and apps
  'app.oauth2.as.consent.grant': ['consent_grant', 'consent_grant'],
  'app.oauth2.as.consent.revoke': ['consent_grant', 'consent_revoke'],
  'app.oauth2.as.consent.revoke.user': ['consent_grant', 'consent_revoke'],
  'app.oauth2.as.consent.revoke.user.client': ['consent_grant', 'consent_revoke'],
  'app.oauth2.consent.grant': ['consent_grant', 'consent_grant'],
  'app.oauth2.consent.revoke': ['consent_grant', 'consent_revoke'],
  'application.lifecycle.create': ['other', 'app_create'],
  'application.lifecycle.update': ['other', 'app_update'],
  'application.lifecycle.activate': ['other', 'app_update'],
  'application.lifecycle.deactivate': ['other', 'app_update'],
  'application.lifecycle.delete': ['other', 'app_update'],
  'app.oauth2.client.lifecycle.create': ['other', 'app_create'],
  'app.oauth2.client_secret.create': ['other', 'app_credential_add'],
  'app.oauth2.client.secret.create': ['other', 'app_credential_add'],
  'system.api_token.create': ['other', 'app_credential_add'],
  'system.api_token.revoke': ['other', 'app_update'],
  // identity providers, policies, zones
  'system.idp.lifecycle.create': ['other', 'federation_change'],
  'system.idp.lifecycle.update': ['other', 'federation_change'],
  'system.idp.lifecycle.activate': ['other', 'federation_change'],
  'system.idp.lifecycle.deactivate': ['other', 'federation_change'],
  'system.idp.lifecycle.delete': ['other', 'federation_change'],
  'policy.lifecycle.create': ['other', 'policy_change'],
  'policy.lifecycle.update': ['other', 'policy_change'],
  'policy.lifecycle.activate': ['other', 'policy_change'],
  'policy.lifecycle.deactivate': ['other', 'policy_change'],
  'policy.lifecycle.delete': ['other', 'policy_change'],
  'policy.rule.add': ['other', 'policy_change'],
  'policy.rule.update': ['other', 'policy_change'],
  'policy.rule.activate': ['other', 'policy_change'],
  'policy.rule.deactivate': ['other', 'policy_change'],
  'policy.rule.delete': ['other', 'policy_change'],
  'zone.create': ['other', 'policy_change'],
  'zone.update': ['other', 'policy_change'],
  'zone.activate': ['other', 'policy_change'],
  'zone.deactivate': ['other', 'policy_change'],
  'zone.delete': ['other', 'policy_change'],
  'system.org.rate_limit.violation': ['other', 'other'],
  // ThreatInsight and risk
  'security.threat.detected': ['other', 'risk_detected'],
  'security.attack.start': ['other', 'risk_detected'],
  'security.attack.end': ['other', 'risk_detected'],
  'security.request.blocked': ['other', 'risk_detected'],
  'user.risk.change': ['other', 'risk_detected'],
  'user.risk.detect': ['other', 'risk_detected'],
  'security.events.provider.receive_event': ['other', 'risk_detected'],
  'user.account.report_suspicious_activity_by_enduser': ['other', 'risk_detected'],
  // provisioning (Okta → applications)
  'application.provision.user.push': ['provisioning', 'provision_create'],
  'application.provision.user.push_profile': ['provisioning', 'provision_update'],
  'application.provision.user.push_password': ['provisioning', 'provision_update'],
  'application.provision.user.push_okta_password': ['provisioning', 'provision_update'],
  'application.provision.user.sync': ['provisioning', 'provision_update'],
  'application.provision.user.reactivate': ['provisioning', 'provision_update'],
  'application.provision.user.deactivate': ['provisioning', 'provision_disable'],
  'application.provision.user.delete': ['provisioning', 'provision_delete'],
  'application.provision.user.import': ['provisioning', 'provision_other'],
  'application.provision.user.verify_exists': ['provisioning', 'provision_other'],
  'application.provision.group.push': ['provisioning', 'provision_update'],
  'application.user_membership.add': ['provisioning', 'provision_create'],
  'application.user_membership.remove': ['provisioning', 'provision_delete'],
  'application.user_membership.update': ['provisioning', 'provision_update'],
  'application.user_membership.change_username': ['provisioning', 'provision_update'],
  'app.user_management.push_new_user': ['provisioning', 'provision_create'],
  'app.user_management.provision_user': ['provisioning', 'provision_create'],
  'app.user_management.provision_user_failed': ['provisioning', 'provision_create', 'failure'],
  'app.user_management.push_profile_update': ['provisioning', 'provision_update'],
  'app.user_management.update_from_app': ['provisioning', 'provision_update'],
  'app.user_management.push_password_update': ['provisioning', 'provision_update'],
  'app.user_management.reactivate_user': ['provisioning', 'provision_update'],
  'app.user_management.deactivate_user': ['provisioning', 'provision_disable'],
  'app.user_management.deprovision_user': ['provisioning', 'provision_disable'],
  'app.user_management.delete_user': ['provisioning', 'provision_delete'],
  'app.user_management.app_group_member_import.insert_success': ['provisioning', 'provision_other'],
  'app.user_management.user_group_import.upsert_success': ['provisioning', 'provision_other'],
};

/** Factor / authenticator identifiers that resist phishing (FIDO2/WebAuthn, Okta FastPass signed nonce, smart card). */
const PHISHING_RESISTANT = ['fido_webauthn', 'webauthn', 'signed_nonce', 'okta_fastpass', 'fastpass', 'smart_card_idp', 'piv', 'security key or biometric', 'u2f', 'token:hardware:fido'];
/** Okta `authenticationContext.interface` / client values of basic-auth protocols (Office 365 legacy clients through Okta). */
const LEGACY_INTERFACES = ['imap', 'pop', 'pop3', 'smtp', 'exchange activesync', 'activesync', 'mapi', 'ews', 'exchange web services', 'other clients', 'autodiscover', 'offline address book'];

const dd = (key: string) => `(r."debugContext"."debugData"->>${lit(key)})`;
const firstTarget = (pred: string) => `list_filter(r."target", t -> ${pred})[1]`;
const userTarget = firstTarget(`t."type" = 'User'`);
const otherTarget = firstTarget(`t."type" IS DISTINCT FROM 'User'`);
const appTarget = firstTarget(`t."type" IN ('AppInstance', 'PublicClientApp', 'Client')`);
/** The actor is the subject of its own sign-in, MFA, session and consent events. */
const isUserActor = `(r."actor"."type" = 'User' AND m.event_class IN ('authentication', 'mfa', 'session', 'consent_grant'))`;
const et = `r."eventType"`;

const methods = `list_distinct(list_filter([
    ${dd('factor')},
    r."authenticationContext"."credentialType",
    ${firstTarget(`t."type" = 'AuthenticatorEnrollment'`)}."detailEntry"->>'methodTypeUsed',
    ${firstTarget(`t."type" = 'AuthenticatorEnrollment'`)}."displayName"
  ], x -> x IS NOT NULL AND x <> ''))`;

const scopes = `list_distinct(list_concat(
    list_transform(list_filter(r."target", t -> t."type" ILIKE '%scope%'), t -> coalesce(t."alternateId", t."displayName")),
    list_filter(string_split(replace(coalesce(${dd('grantedScopes')}, ${dd('scopes')}, ''), ',', ' '), ' '), s -> s <> '')
  ))`;

/** outcome.result: SUCCESS, ALLOW → success; FAILURE, DENY, REJECTED → failure; CHALLENGE → challenge. */
const outcome = `coalesce(m.outcome,
  CASE WHEN ${et} = 'user.authentication.auth_via_mfa' AND upper(r."outcome"."result") IN ('FAILURE', 'DENY') THEN 'failure' END,
  CASE upper(r."outcome"."result") WHEN 'SUCCESS' THEN 'success' WHEN 'ALLOW' THEN 'success' WHEN 'FAILURE' THEN 'failure'
    WHEN 'DENY' THEN 'failure' WHEN 'REJECTED' THEN 'failure' WHEN 'CHALLENGE' THEN 'challenge' ELSE 'unknown' END)`;

export const oktaNormalizer: Normalizer = {
  stream: 'okta_system_log',
  typeKey: et,
  types: TYPES,
  columns: {
    // OIE: a failed MFA verification of a push is the user (or a timeout) denying it
    action: `CASE WHEN ${et} = 'user.authentication.auth_via_mfa' AND upper(r."outcome"."result") IN ('FAILURE', 'DENY') THEN 'mfa_deny' ELSE m.action END`,
    outcome,
    outcome_reason: `r."outcome"."reason"`,
    status_code: `r."outcome"."result"`,
    is_interrupt: `upper(r."outcome"."result") = 'CHALLENGE'`,
    actor_id: `r."actor"."id"`,
    actor_name: `r."actor"."alternateId"`,
    actor_type: `r."actor"."type"`,
    target_user_id: `coalesce(${userTarget}."id", CASE WHEN ${isUserActor} THEN r."actor"."id" END)`,
    target_user_name: `coalesce(${userTarget}."alternateId", CASE WHEN ${isUserActor} THEN r."actor"."alternateId" END)`,
    target_resource_type: `${otherTarget}."type"`,
    target_resource_id: `${otherTarget}."id"`,
    target_resource_name: `coalesce(${otherTarget}."displayName", ${otherTarget}."alternateId")`,
    app_id: `${appTarget}."id"`,
    app_name: `coalesce(${appTarget}."displayName", ${appTarget}."alternateId")`,
    src_ip: `r."client"."ipAddress"`,
    src_asn: `r."securityContext"."asNumber"`,
    src_as_org: `coalesce(r."securityContext"."asOrg", r."securityContext"."isp")`,
    src_is_proxy: `r."securityContext"."isProxy"`,
    geo_city: `r."client"."geographicalContext"."city"`,
    geo_region: `r."client"."geographicalContext"."state"`,
    geo_country_iso2: `r."client"."geographicalContext"."country"`,
    geo_lat: `r."client"."geographicalContext"."geolocation"."lat"`,
    geo_lon: `r."client"."geographicalContext"."geolocation"."lon"`,
    user_agent: `r."client"."userAgent"."rawUserAgent"`,
    client_app: `coalesce(r."authenticationContext"."interface", r."client"."userAgent"."browser")`,
    is_legacy_auth: `CASE WHEN m.event_class = 'authentication' THEN coalesce(${inList(`lower(r."authenticationContext"."interface")`, LEGACY_INTERFACES)}, false) END`,
    is_interactive: `CASE WHEN m.action = 'logon' THEN true WHEN m.action = 'token_refresh' THEN false END`,
    auth_protocol: `coalesce(${dd('authnRequestProtocol')}, ${dd('protocol')}, r."authenticationContext"."authenticationProvider")`,
    mfa_satisfied: `CASE WHEN m.event_class = 'mfa' AND m.action = 'mfa_verify' THEN upper(r."outcome"."result") IN ('SUCCESS', 'ALLOW') END`,
    auth_methods: nonEmpty(methods),
    phishing_resistant: `CASE WHEN len(${methods}) > 0 THEN list_bool_or(list_transform(${methods}, x -> ${inList('lower(x)', PHISHING_RESISTANT)})) END`,
    privilege_name: `CASE WHEN m.event_class = 'privilege_change' THEN coalesce(${dd('privilegeGranted')}, ${dd('privilegeRevoked')}, ${firstTarget(`t."type" ILIKE '%role%'`)}."displayName") END`,
    // every Okta administrator role (Super, Org, App, Group, Help Desk, Read-only, custom) is an admin role
    privilege_is_admin: `CASE WHEN m.event_class = 'privilege_change' THEN true END`,
    consent_scopes: `CASE WHEN m.event_class = 'consent_grant' THEN ${nonEmpty(scopes)} END`,
    // app.oauth2.consent.* is an administrator granting Okta API scopes to an app for the whole org
    consent_is_admin: `CASE WHEN m.event_class = 'consent_grant' THEN ${et} LIKE 'app.oauth2.consent.%' END`,
    consent_all_users: `CASE WHEN m.event_class = 'consent_grant' THEN ${et} LIKE 'app.oauth2.consent.%' END`,
    provisioning_status: `CASE WHEN m.event_class = 'provisioning' THEN lower(r."outcome"."result") END`,
    session_id: `coalesce(r."authenticationContext"."externalSessionId", r."authenticationContext"."rootSessionId")`,
    correlation_id: `r."transaction"."id"`,
    // debugData.risk reads like "{reasons=Anomalous Device, level=HIGH}"
    risk_level: `lower(nullif(regexp_extract(coalesce(${dd('risk')}, ${dd('logOnlySecurityData')}, ''), 'level=([A-Za-z]+)', 1), ''))`,
    risk_reasons: nonEmpty(`list_filter(list_transform(string_split(regexp_extract(coalesce(${dd('risk')}, ''), 'reasons=(.*?)(, level=|})', 1), ','), x -> trim(x)), x -> x <> '')`),
  },
};
