/**
 * Sign-in failure codes by cause, for the authentication error rate. A table of values: adding a
 * vendor's codes is a new line, not new logic.
 *
 * Configuration or policy failures — the user did nothing wrong; an app, a policy or an assignment did:
 * - Microsoft Entra (AADSTS codes, `status.errorCode`): 53000 device not compliant, 53001 device not
 *   domain joined, 53002 app not approved, 53003 blocked by Conditional Access, 53004 proof-up
 *   blocked, 530032 blocked by security defaults, 50105 user not assigned to the app, 65001 consent
 *   required, 65002 first-party consent, 700016 application not found, 500011 resource principal not
 *   found, 50011 reply URL mismatch, 900971 no reply address, 7000112 application disabled,
 *   50001 resource disabled or missing, 700054 response type not enabled, 50146 app-specific
 *   identifier missing, 7000215 invalid client secret, 7000222 client secret expired, 700027 client
 *   assertion failed, 7000218 client credential missing, 50020 user from an IdP the tenant does not
 *   trust, 90072 external account not in the tenant, 50131 device state required by policy.
 * - Okta (`outcome.reason`): sign-on/app policy denials, user not assigned to the app, network zone
 *   blocks, invalid client configuration.
 * User errors (not counted as configuration failures, but still attempts): Entra 50126 invalid
 * username or password, 50034 user not found, 50053 locked; Okta INVALID_CREDENTIALS, LOCKED_OUT.
 * Interrupts (not failures and not attempts to rate): Entra 50074/50076/50079 MFA required or
 * registration needed, 50072 proof-up, 50097 device authentication required, 50125 password reset
 * interrupt, 50140 "keep me signed in" interrupt, 50199 user confirmation, 16000/16001/16003
 * account selection; and any event the normalizer flagged `is_interrupt`.
 */
export const CONFIG_POLICY_STATUS_CODES = [
  '53000', '53001', '53002', '53003', '53004', '530032', '50105', '65001', '65002', '700016', '500011', '50011', '900971',
  '7000112', '50001', '700054', '50146', '7000215', '7000222', '700027', '7000218', '50020', '90072', '50131',
];

export const INTERRUPT_STATUS_CODES = ['50074', '50076', '50079', '50072', '50097', '50125', '50140', '50199', '16000', '16001', '16003'];

/** Upper-cased `outcome_reason` values that mean a configuration or policy failure. */
export const CONFIG_POLICY_REASONS = [
  'POLICY_DENY',
  'ACCESS_DENIED_BY_POLICY',
  'SIGN_ON_POLICY_DENY',
  'NOT_ASSIGNED',
  'USER_NOT_ASSIGNED',
  'APP_NOT_ASSIGNED',
  'NETWORK_ZONE_BLACKLIST',
  'NETWORK_ZONE_BLOCKLIST',
  'UNAUTHORIZED_APP_ACCESS',
  'INVALID_CLIENT',
  'UNAUTHORIZED_CLIENT',
  'INVALID_SCOPE',
  'CONSENT_REQUIRED',
];

/**
 * Free-text reasons (lower-cased, RE2) that mean the same, for sources that write a sentence:
 * Okta's "Sign-on policy evaluation resulted in DENY", "User is not assigned to this app".
 */
export const CONFIG_POLICY_REASON_PATTERN =
  'policy evaluation resulted in deny|denied by (sign-on |access )?policy|not assigned to (this|the) app|unauthorized (app )?access|network zone|conditional access';
