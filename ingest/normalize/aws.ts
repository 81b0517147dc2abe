import { inList, lit, nonEmpty, type Normalizer, type TypeMapping } from './mapping.js';

/**
 * AWS CloudTrail records → identity_events: console sign-in (`AwsConsoleSignIn` events of
 * signin.amazonaws.com), IAM Identity Center sign-in (CredentialChallenge, CredentialVerification,
 * UserAuthentication; sso.amazonaws.com Authenticate/Federate/Logout) and IAM identity changes.
 * Keyed `eventSource:eventName`.
 */
const TYPES: Record<string, TypeMapping> = {
  'signin.amazonaws.com:ConsoleLogin': ['authentication', 'logon'],
  'signin.amazonaws.com:UserAuthentication': ['authentication', 'logon'],
  'signin.amazonaws.com:CredentialChallenge': ['mfa', 'mfa_challenge'],
  'signin.amazonaws.com:CredentialVerification': ['mfa', 'mfa_verify'],
  'signin.amazonaws.com:CheckMfa': ['mfa', 'mfa_challenge'],
  'signin.amazonaws.com:SwitchRole': ['session', 'session_start'],
  'signin.amazonaws.com:ExitRole': ['session', 'session_end'],
  'signin.amazonaws.com:RenewRole': ['session', 'token_refresh'],
  'signin.amazonaws.com:GetSigninToken': ['authentication', 'token_refresh'],
  'signin.amazonaws.com:PasswordRecoveryRequested': ['account_change', 'password_reset'],
  'signin.amazonaws.com:PasswordRecoveryCompleted': ['account_change', 'password_reset'],
  'signin.amazonaws.com:ConsoleLogout': ['session', 'logoff'],
  'sso.amazonaws.com:Authenticate': ['authentication', 'logon'],
  'sso.amazonaws.com:Federate': ['authentication', 'logon'],
  'sso.amazonaws.com:Logout': ['session', 'logoff'],
  'sso.amazonaws.com:CreateAccountAssignment': ['privilege_change', 'role_grant'],
  'sso.amazonaws.com:DeleteAccountAssignment': ['privilege_change', 'role_revoke'],
  'sso.amazonaws.com:AttachManagedPolicyToPermissionSet': ['privilege_change', 'role_grant'],
  'sso-directory.amazonaws.com:CreateUser': ['account_change', 'account_create'],
  'sso-directory.amazonaws.com:DeleteUser': ['account_change', 'account_delete'],
  'sso-directory.amazonaws.com:DisableUser': ['account_change', 'account_disable'],
  'sso-directory.amazonaws.com:EnableUser': ['account_change', 'account_enable'],
  'sso-directory.amazonaws.com:AddMemberToGroup': ['account_change', 'group_add_member'],
  'sso-directory.amazonaws.com:RemoveMemberFromGroup': ['account_change', 'group_remove_member'],
  'sso-directory.amazonaws.com:CreateMfaDeviceForUser': ['mfa', 'factor_enroll'],
  'sso-directory.amazonaws.com:DeleteMfaDeviceForUser': ['mfa', 'factor_remove'],
  'sso-directory.amazonaws.com:UpdatePassword': ['account_change', 'password_change'],
  'iam.amazonaws.com:CreateUser': ['account_change', 'account_create'],
  'iam.amazonaws.com:DeleteUser': ['account_change', 'account_delete'],
  'iam.amazonaws.com:CreateLoginProfile': ['account_change', 'account_update'],
  'iam.amazonaws.com:UpdateLoginProfile': ['account_change', 'password_reset'],
  'iam.amazonaws.com:DeleteLoginProfile': ['account_change', 'account_disable'],
  'iam.amazonaws.com:ChangePassword': ['account_change', 'password_change'],
  'iam.amazonaws.com:AddUserToGroup': ['account_change', 'group_add_member'],
  'iam.amazonaws.com:RemoveUserFromGroup': ['account_change', 'group_remove_member'],
  'iam.amazonaws.com:AttachUserPolicy': ['privilege_change', 'role_grant'],
  'iam.amazonaws.com:AttachGroupPolicy': ['privilege_change', 'role_grant'],
  'iam.amazonaws.com:AttachRolePolicy': ['privilege_change', 'role_grant'],
  'iam.amazonaws.com:PutUserPolicy': ['privilege_change', 'role_grant'],
  'iam.amazonaws.com:PutGroupPolicy': ['privilege_change', 'role_grant'],
  'iam.amazonaws.com:PutRolePolicy': ['privilege_change', 'role_grant'],
  'iam.amazonaws.com:DetachUserPolicy': ['privilege_change', 'role_revoke'],
  'iam.amazonaws.com:DetachGroupPolicy': ['privilege_change', 'role_revoke'],
  'iam.amazonaws.com:DetachRolePolicy': ['privilege_change', 'role_revoke'],
  'iam.amazonaws.com:DeleteUserPolicy': ['privilege_change', 'role_revoke'],
  'iam.amazonaws.com:CreateAccessKey': ['other', 'app_credential_add'],
  'iam.amazonaws.com:UpdateAccessKey': ['other', 'app_update'],
  'iam.amazonaws.com:DeleteAccessKey': ['other', 'app_update'],
  'iam.amazonaws.com:EnableMFADevice': ['mfa', 'factor_enroll'],
  'iam.amazonaws.com:CreateVirtualMFADevice': ['mfa', 'factor_enroll'],
  'iam.amazonaws.com:DeactivateMFADevice': ['mfa', 'factor_remove'],
  'iam.amazonaws.com:DeleteVirtualMFADevice': ['mfa', 'factor_remove'],
  'iam.amazonaws.com:ResyncMFADevice': ['mfa', 'other'],
  'iam.amazonaws.com:CreateSAMLProvider': ['other', 'federation_change'],
  'iam.amazonaws.com:UpdateSAMLProvider': ['other', 'federation_change'],
  'iam.amazonaws.com:DeleteSAMLProvider': ['other', 'federation_change'],
  'iam.amazonaws.com:CreateOpenIDConnectProvider': ['other', 'federation_change'],
  'iam.amazonaws.com:DeleteOpenIDConnectProvider': ['other', 'federation_change'],
  'iam.amazonaws.com:UpdateAccountPasswordPolicy': ['other', 'policy_change'],
  'iam.amazonaws.com:DeleteAccountPasswordPolicy': ['other', 'policy_change'],
  'iam.amazonaws.com:CreateRole': ['other', 'app_create'],
  'iam.amazonaws.com:UpdateAssumeRolePolicy': ['other', 'policy_change'],
  'sts.amazonaws.com:AssumeRole': ['session', 'session_start'],
  'sts.amazonaws.com:AssumeRoleWithSAML': ['authentication', 'logon'],
  'sts.amazonaws.com:AssumeRoleWithWebIdentity': ['authentication', 'logon'],
  'sts.amazonaws.com:GetFederationToken': ['session', 'session_start'],
  'sts.amazonaws.com:GetSessionToken': ['session', 'session_start'],
};

/** Managed policies that amount to administrator access. */
const ADMIN_POLICIES = ['AdministratorAccess', 'IAMFullAccess', 'PowerUserAccess', 'AWSOrganizationsFullAccess', 'AdministratorAccess-Amplify'];

const x = (path: string) => `(r."additionalEventData"->>${lit(path)})`;
const rp = (path: string) => `(r."requestParameters"->>${lit(path)})`;
const svc = (path: string) => `(r."serviceEventDetails"->>${lit(path)})`;
const key = `(r."eventSource" || ':' || r."eventName")`;
const ui = `r."userIdentity"`;
/** A sign-in event's own verdict: responseElements.ConsoleLogin or serviceEventDetails.<eventName> ("Success"/"Failure"). */
const verdict = `coalesce(r."responseElements"->>'ConsoleLogin', ${svc('CredentialVerification')}, ${svc('UserAuthentication')}, ${svc('CredentialChallenge')})`;
const mfaType = `coalesce(${x('MfaType')}, ${x('MFAIdentifier')}, ${x('CredentialType')})`;
const policy = `coalesce(regexp_extract(${rp('policyArn')}, '[^/]+$'), ${rp('policyName')})`;

export const awsNormalizer: Normalizer = {
  stream: 'aws_cloudtrail',
  typeKey: key,
  types: TYPES,
  columns: {
    outcome: `CASE
      WHEN lower(${verdict}) = 'success' THEN CASE WHEN r."eventName" = 'CredentialChallenge' THEN 'challenge' ELSE 'success' END
      WHEN lower(${verdict}) = 'failure' THEN 'failure'
      WHEN r."errorCode" IS NOT NULL THEN 'failure'
      WHEN r."eventName" = 'CredentialChallenge' THEN 'challenge'
      ELSE 'success' END`,
    outcome_reason: `coalesce(r."errorMessage", r."errorCode")`,
    status_code: `coalesce(r."errorCode", ${verdict})`,
    actor_id: `coalesce(${ui}."onBehalfOf"."userId", ${ui}."principalId", ${ui}."arn")`,
    // assumed-role principalId is "<role id>:<session name>"; the session name is usually the person
    actor_name: `coalesce(${ui}."userName", ${x('UserName')}, ${ui}."onBehalfOf"."userId", CASE WHEN ${ui}."type" = 'AssumedRole' THEN split_part(${ui}."principalId", ':', 2) END, CASE WHEN ${ui}."type" = 'Root' THEN 'root' END, ${ui}."arn")`,
    actor_type: `${ui}."type"`,
    target_user_id: `CASE WHEN ${rp('userName')} IS NOT NULL THEN ${rp('userName')} ELSE coalesce(${ui}."onBehalfOf"."userId", ${ui}."principalId") END`,
    target_user_name: `coalesce(${rp('userName')}, ${ui}."userName", ${x('UserName')}, CASE WHEN ${ui}."type" = 'AssumedRole' THEN split_part(${ui}."principalId", ':', 2) END, CASE WHEN ${ui}."type" = 'Root' THEN 'root' END)`,
    target_resource_type: `CASE WHEN ${rp('policyArn')} IS NOT NULL THEN 'policy' WHEN ${rp('groupName')} IS NOT NULL THEN 'group' WHEN ${rp('roleName')} IS NOT NULL THEN 'role' END`,
    target_resource_id: `coalesce(${rp('policyArn')}, ${rp('groupName')}, ${rp('roleName')}, ${rp('permissionSetArn')})`,
    target_resource_name: `coalesce(${policy}, ${rp('groupName')}, ${rp('roleName')})`,
    app_id: `CASE WHEN m.event_class IN ('authentication', 'mfa') THEN r."eventSource" END`,
    app_name: `CASE WHEN m.event_class IN ('authentication', 'mfa') THEN coalesce(${x('LoginTo')}, r."eventSource") END`,
    src_ip: `r."sourceIPAddress"`,
    user_agent: `r."userAgent"`,
    client_app: `CASE WHEN r."eventType" = 'AwsConsoleSignIn' THEN 'console' END`,
    is_legacy_auth: `CASE WHEN m.event_class = 'authentication' THEN false END`,
    is_interactive: `CASE WHEN r."eventType" = 'AwsConsoleSignIn' THEN true END`,
    auth_protocol: `CASE WHEN ${ui}."type" = 'SAMLUser' OR r."eventName" = 'AssumeRoleWithSAML' THEN 'saml' WHEN r."eventName" = 'AssumeRoleWithWebIdentity' THEN 'oidc' END`,
    mfa_required: `CASE WHEN r."eventName" = 'ConsoleLogin' THEN ${x('MFAUsed')} = 'Yes' END`,
    mfa_satisfied: `CASE
      WHEN r."eventName" = 'ConsoleLogin' THEN ${x('MFAUsed')} = 'Yes'
      WHEN r."eventName" IN ('CredentialVerification', 'UserAuthentication') AND ${x('CredentialType')} IS NOT NULL THEN lower(${verdict}) = 'success' AND len(list_filter(string_split(${x('CredentialType')}, ','), c -> trim(c) <> 'PASSWORD')) > 0
      WHEN ${ui}."sessionContext"."attributes"."mfaAuthenticated" IS NOT NULL THEN ${ui}."sessionContext"."attributes"."mfaAuthenticated" = 'true' END`,
    // Identity Center CredentialType may list several ("PASSWORD,WEBAUTHN")
    auth_methods: nonEmpty(`list_filter(list_concat(list_transform(string_split(coalesce(${x('CredentialType')}, ''), ','), c -> trim(c)), [${x('MfaType')}, CASE WHEN ${x('MFAUsed')} = 'Yes' AND ${x('MfaType')} IS NULL THEN 'mfa' END, CASE WHEN r."eventName" = 'ConsoleLogin' THEN 'password' END]), v -> v IS NOT NULL AND v <> '')`),
    // U2F / FIDO security keys and passkeys (MfaType "U2F MFA", Identity Center CredentialType "WEBAUTHN")
    phishing_resistant: `CASE WHEN ${mfaType} IS NOT NULL THEN ${mfaType} ILIKE '%u2f%' OR ${mfaType} ILIKE '%fido%' OR ${mfaType} ILIKE '%webauthn%' OR ${mfaType} ILIKE '%passkey%' WHEN ${x('MFAUsed')} = 'No' THEN false END`,
    privilege_name: `CASE WHEN m.event_class = 'privilege_change' THEN coalesce(${policy}, ${rp('permissionSetArn')}) END`,
    privilege_is_admin: `CASE WHEN m.event_class = 'privilege_change' THEN ${inList(policy, ADMIN_POLICIES)} OR ${rp('policyDocument')} LIKE '%"Action":"*"%' OR ${rp('policyDocument')} LIKE '%"Action": "*"%' END`,
    assignment_kind: `CASE WHEN m.event_class = 'privilege_change' THEN 'permanent' END`,
    session_id: `${ui}."accessKeyId"`,
    correlation_id: `coalesce(r."sharedEventID", r."requestID")`,
  },
};
