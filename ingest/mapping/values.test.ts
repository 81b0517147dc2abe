import { describe, expect, it } from 'vitest';
import { graphMethod, isPhishingResistant, oktaFactorMethod } from './auth-methods.js';
import { readField } from './column-mapping.js';
import { isPrivilegedEntraRole, isPrivilegedOktaRole } from './privileged-roles.js';
import { asDate, asTimestamp, getPath, isoDurationMs, ValueError } from './values.js';

describe('asTimestamp', () => {
  it.each([
    ['2026-11-25T06:00:00Z', '2026-11-25 06:00:00.000'],
    ['2026-11-25T06:00:00.1234567Z', '2026-11-25 06:00:00.123'],
    ['2026-11-25T07:30:00+01:30', '2026-11-25 06:00:00.000'],
    ['2026-11-25T01:00:00.000-0500', '2026-11-25 06:00:00.000'], // Jira writes +hhmm
    ['2026-11-25 06:00:00', '2026-11-25 06:00:00.000'], // ServiceNow, UTC
    ['2026-11-25', '2026-11-25 00:00:00.000'],
    ['0000-00-00', null], // BambooHR's empty date
    ['0001-01-01T00:00:00Z', null], // Graph's never
    ['', null],
  ])('%s → %s', (input, out) => {
    expect(asTimestamp(input, 'f')).toBe(out);
  });

  it.each(['2026-02-30T00:00:00Z', '25/11/2026', 'yesterday', '2026-11-25T25:00:00Z'])('rejects %s', (input) => {
    expect(() => asTimestamp(input, 'when')).toThrow(ValueError);
    expect(() => asTimestamp(input, 'when')).toThrow(/^when: /);
  });
});

describe('asDate', () => {
  it('reads ISO dates, US dates and the date part of a date-time; rejects impossible dates', () => {
    expect(asDate('2024-02-29', 'd')).toBe('2024-02-29');
    expect(asDate('03/15/2024', 'd')).toBe('2024-03-15');
    expect(asDate('2024-03-15T23:00:00-05:00', 'd')).toBe('2024-03-15');
    expect(() => asDate('2023-02-29', 'd')).toThrow(/not a valid date/);
  });
});

describe('getPath', () => {
  const scim = {
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: '701984', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
    emails: [
      { value: 'home@example.com', type: 'home' },
      { value: 'work@example.com', type: 'work', primary: true },
    ],
  };
  it('reads keys that contain dots, array filters and indexes', () => {
    expect(getPath(scim, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.employeeNumber')).toBe('701984');
    expect(getPath(scim, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.manager.value')).toBe('26118915-6090-4610-87e4-49d8ca9f808d');
    expect(getPath(scim, 'emails[primary=true].value')).toBe('work@example.com');
    expect(getPath(scim, 'emails[type=home].value')).toBe('home@example.com');
    expect(getPath(scim, 'emails[1].type')).toBe('work');
    expect(getPath(scim, 'emails[5].type')).toBeUndefined();
    const issue = { fields: { issuelinks: [{ type: { name: 'Blocks' }, outwardIssue: { key: 'A-1' } }, { type: { name: 'Causes' }, inwardIssue: { key: 'CHG-7' } }] } };
    expect(getPath(issue, 'fields.issuelinks[type.name=Causes].inwardIssue.key')).toBe('CHG-7');
  });
});

describe('readField', () => {
  it('reads ServiceNow reference halves and applies transforms in order', () => {
    const rec = { priority: { display_value: '1 - Critical', value: '1' }, caused_by: { link: 'https://x/api/now/table/change_request/abc', value: 'abc' }, number: 'INC0010001' };
    expect(readField(rec, { from: 'priority', as: 'display' }, 'p')).toBe('1 - Critical');
    expect(readField(rec, { from: 'priority', as: ['display', 'digit'] }, 'p')).toBe('1');
    expect(readField(rec, { from: 'caused_by', as: 'value' }, 'c')).toBe('abc');
    expect(readField(rec, { from: 'number', as: 'prefix' }, 'n')).toBe('INC');
    expect(readField(rec, ['missing', 'number'], 'n')).toBe('INC0010001');
  });
  it('maps values case-insensitively, with defaults and kept values', () => {
    const spec = { from: 'S', map: { Active: 'active' } };
    expect(readField({ S: 'ACTIVE' }, spec, 's')).toBe('active');
    expect(() => readField({ S: 'Gone' }, spec, 's')).toThrow(/unknown value "Gone"/);
    expect(readField({ S: 'Gone' }, { ...spec, default: 'other' }, 's')).toBe('other');
    expect(readField({ S: 'Gone' }, { ...spec, unmapped: 'keep' as const }, 's')).toBe('gone');
    expect(readField({}, { ...spec, default: 'pending' }, 's')).toBe('pending');
  });
});

describe('authentication method vocabulary', () => {
  it('maps Graph methodsRegistered values', () => {
    const cases: [string, string, boolean][] = [
      ['fido2', 'fido2', true],
      ['passKeyDeviceBound', 'passkey', true],
      ['passKeyDeviceBoundAuthenticator', 'passkey', true],
      ['passKeyDeviceBoundWindowsHello', 'windows_hello', true],
      ['windowsHelloForBusiness', 'windows_hello', true],
      ['microsoftAuthenticatorPush', 'push', false],
      ['microsoftAuthenticatorPasswordless', 'push', false],
      ['softwareOneTimePasscode', 'totp', false],
      ['hardwareOneTimePasscode', 'totp', false],
      ['mobilePhone', 'sms', false],
      ['officePhone', 'voice', false],
      ['email', 'email', false],
      ['temporaryAccessPass', 'temporary_access_pass', false],
      ['certificateBasedAuthentication', 'certificate', true],
      ['#microsoft.graph.x509CertificateAuthenticationMethod', 'certificate', true],
    ];
    for (const [raw, method, pr] of cases) {
      const m = graphMethod(raw);
      expect([raw, m, m ? isPhishingResistant(m) : null]).toEqual([raw, method, pr]);
    }
    expect(graphMethod('somethingNew')).toBeNull();
  });

  it('maps Okta factor types, using the authenticator name for WebAuthn', () => {
    expect(oktaFactorMethod('push')).toBe('push');
    expect(oktaFactorMethod('token:software:totp')).toBe('totp');
    expect(oktaFactorMethod('token:hardware')).toBe('totp');
    expect(oktaFactorMethod('sms')).toBe('sms');
    expect(oktaFactorMethod('call')).toBe('voice');
    expect(oktaFactorMethod('email')).toBe('email');
    expect(oktaFactorMethod('u2f')).toBe('fido2');
    expect(oktaFactorMethod('webauthn', 'YubiKey 5 NFC')).toBe('fido2');
    expect(oktaFactorMethod('webauthn', 'Windows Hello')).toBe('windows_hello');
    expect(oktaFactorMethod('webauthn', 'iCloud Keychain')).toBe('passkey');
    expect(isPhishingResistant(oktaFactorMethod('signed_nonce'))).toBe(true);
    expect(oktaFactorMethod('question')).toBe('security_question');
    expect(oktaFactorMethod('something:new')).toBe('other');
  });
});

describe('privileged roles', () => {
  it('uses the Entra PRIVILEGED label by template id or name, and the definition flag when present', () => {
    expect(isPrivilegedEntraRole({ templateId: '62e90394-69f5-4237-9190-012177145e10' })).toBe(true);
    expect(isPrivilegedEntraRole({ roleDefinitionId: 'E8611AB8-C189-46E8-94E1-60213AB1F814' })).toBe(true);
    expect(isPrivilegedEntraRole({ displayName: 'Security Administrator' })).toBe(true);
    expect(isPrivilegedEntraRole({ templateId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b', displayName: 'Directory Readers' })).toBe(false);
    expect(isPrivilegedEntraRole({ templateId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b', isPrivileged: true })).toBe(true);
    expect(isPrivilegedEntraRole({ displayName: 'Global Reader' }, { extra: [], exclude: ['global reader'] })).toBe(false);
  });
  it('counts Okta admin roles except the read-only ones', () => {
    for (const t of ['SUPER_ADMIN', 'ORG_ADMIN', 'APP_ADMIN', 'USER_ADMIN', 'HELP_DESK_ADMIN', 'API_ACCESS_MANAGEMENT_ADMIN', 'CUSTOM']) expect(isPrivilegedOktaRole(t)).toBe(true);
    expect(isPrivilegedOktaRole('READ_ONLY_ADMIN')).toBe(false);
    expect(isPrivilegedOktaRole('REPORT_ADMIN')).toBe(false);
  });
});

describe('isoDurationMs', () => {
  it('reads PIM durations', () => {
    expect(isoDurationMs('PT8H')).toBe(8 * 3600_000);
    expect(isoDurationMs('P180D')).toBe(180 * 86400_000);
    expect(isoDurationMs('P1DT30M')).toBe(86400_000 + 1800_000);
    expect(isoDurationMs('8 hours')).toBeNull();
  });
});
