/**
 * The small vocabulary of authentication methods every inventory row uses, and the vendor values
 * that map onto it. Phishing resistance follows NIST SP 800-63B (verifier-impersonation resistant
 * authenticators) and Microsoft's phishing-resistant list: FIDO2 security keys, passkeys, Windows
 * Hello for Business, certificate-based authentication (and the platform credentials built like
 * them: Okta FastPass, macOS Platform SSO secure-enclave keys).
 */
export const AUTH_METHODS = [
  'push',
  'totp',
  'sms',
  'voice',
  'email',
  'fido2',
  'passkey',
  'windows_hello',
  'certificate',
  'password',
  'temporary_access_pass',
  'security_question',
  'other',
] as const;

export type AuthMethod = (typeof AUTH_METHODS)[number];

export const PHISHING_RESISTANT: ReadonlySet<AuthMethod> = new Set<AuthMethod>(['fido2', 'passkey', 'windows_hello', 'certificate']);

export function isPhishingResistant(m: AuthMethod): boolean {
  return PHISHING_RESISTANT.has(m);
}

/**
 * Graph `userRegistrationDetails.methodsRegistered` values (an evolvable enum: the
 * `userRegistrationMethod` / `usageAuthMethod` members), plus the authentication-method resource
 * names a collector may pass through. Keys are lower-cased.
 */
const GRAPH_METHODS: Record<string, AuthMethod> = {
  password: 'password',
  email: 'email',
  mobilephone: 'sms', // the phone number registered for SMS and voice; SMS is the default use
  mobilesms: 'sms',
  sms: 'sms',
  mobilecall: 'voice',
  alternatemobilephone: 'voice', // alternate mobile numbers only receive calls
  alternatemobilecall: 'voice',
  officephone: 'voice',
  voicemobile: 'voice',
  voicealternatemobile: 'voice',
  voiceoffice: 'voice',
  microsoftauthenticatorpush: 'push',
  microsoftauthenticatorpasswordless: 'push', // phone sign-in: a number-matching push, not origin-bound
  microsoftauthenticator: 'push',
  appnotification: 'push',
  push: 'push',
  softwareonetimepasscode: 'totp',
  hardwareonetimepasscode: 'totp',
  onetimepasscode: 'totp',
  appcode: 'totp',
  oath: 'totp',
  softwareoath: 'totp',
  hardwareoath: 'totp',
  fido2: 'fido2',
  fido: 'fido2',
  fido2securitykey: 'fido2',
  passkeydevicebound: 'passkey',
  passkeydeviceboundauthenticator: 'passkey', // passkey held in Microsoft Authenticator
  passkeydeviceboundwindowshello: 'windows_hello',
  passkeysynced: 'passkey',
  windowshelloforbusiness: 'windows_hello',
  macossecureenclavekey: 'passkey', // Platform SSO secure-enclave key: device-bound and origin-bound
  platformcredential: 'passkey',
  certificatebasedauthentication: 'certificate',
  x509certificate: 'certificate',
  x509certificatesinglefactor: 'certificate',
  x509certificatemultifactor: 'certificate',
  temporaryaccesspass: 'temporary_access_pass',
  securityquestion: 'security_question',
  apppassword: 'password',
};

export function graphMethod(value: string): AuthMethod | null {
  return GRAPH_METHODS[value.replace(/^#?microsoft\.graph\./i, '').replace(/AuthenticationMethod$/i, '').toLowerCase()] ?? null;
}

/** `userPreferredMethodForSecondaryAuthentication` → the method it names (to mark the default row). */
export const GRAPH_PREFERRED: Record<string, AuthMethod> = {
  push: 'push',
  oath: 'totp',
  voicemobile: 'voice',
  voicealternatemobile: 'voice',
  voiceoffice: 'voice',
  sms: 'sms',
};

/**
 * Okta `factorType` (Factors API). `webauthn` is any WebAuthn authenticator — a security key, a
 * platform authenticator or a passkey; the factor profile's `authenticatorName` tells which.
 * `signed_nonce` is Okta Verify FastPass: a device-bound key pair with origin binding, phishing
 * resistant by Okta's own classification.
 */
const OKTA_FACTORS: Record<string, AuthMethod> = {
  push: 'push',
  'token:software:totp': 'totp',
  'token:hotp': 'totp',
  'token:hardware': 'totp',
  token: 'totp',
  sms: 'sms',
  call: 'voice',
  email: 'email',
  webauthn: 'fido2',
  u2f: 'fido2',
  signed_nonce: 'passkey',
  question: 'security_question',
  password: 'password',
  web: 'push', // Duo Security: the Duo prompt, push by default
  claims_provider: 'other',
};

export function oktaFactorMethod(factorType: string, authenticatorName?: string | null): AuthMethod {
  const base = OKTA_FACTORS[factorType.toLowerCase()] ?? 'other';
  if (base === 'fido2' && authenticatorName) {
    if (/windows hello/i.test(authenticatorName)) return 'windows_hello';
    if (/passkey|icloud|touch id|face id|google password manager|1password|bitwarden|dashlane/i.test(authenticatorName)) return 'passkey';
  }
  return base;
}
