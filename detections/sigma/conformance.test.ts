import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Buffer } from 'node:buffer';
import { DuckDb } from '../../store/duckdb/db.js';
import { fixture, patch, prepareText, verdicts } from '../../test/sigma/harness.js';
import type { Placeholders } from './types.js';

/**
 * The shared conformance suite: every case runs through the in-memory matcher and DuckDB (the record
 * stored in its raw table exactly as ingest stores it) and both must give the expected verdict.
 */
const okta = fixture('okta_system_log');
const signin = fixture('entra_signin_graph');
const signinDiag = fixture('entra_signin_diag');
const audit = fixture('entra_directory_audit_graph');
const gws = fixture('google_workspace_admin');

const LS: Record<string, string> = {
  okta: 'product: okta\n  service: okta',
  signin: 'product: azure\n  service: signinlogs',
  audit: 'product: azure\n  service: auditlogs',
  gws: 'product: gcp\n  service: google_workspace.admin',
};

function rule(ls: string, detection: string, extra = ''): string {
  return `title: conformance case\nid: 5b0f2f4e-0000-4000-8000-000000000001\nlogsource:\n  ${LS[ls]}\ndetection:\n${detection
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n${extra}`;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64u16 = (s: string) => Buffer.from(s, 'utf16le').toString('base64');

type Case = { name: string; ls?: string; det: string; event: unknown; expect: boolean; placeholders?: Placeholders; yaml?: string };

const withMsg = (m: string) => patch(okta, { displayMessage: m });

const CASES: Case[] = [
  // equality, case-insensitive by default; cased
  { name: 'eq ignores case', det: 'sel:\n  eventType: USER.ACCOUNT.PRIVILEGE.GRANT\ncondition: sel', event: okta, expect: true },
  { name: 'eq other value', det: 'sel:\n  eventType: user.session.start\ncondition: sel', event: okta, expect: false },
  { name: 'cased differs', det: 'sel:\n  eventType|cased: USER.ACCOUNT.PRIVILEGE.GRANT\ncondition: sel', event: okta, expect: false },
  { name: 'cased same', det: 'sel:\n  eventType|cased: user.account.privilege.grant\ncondition: sel', event: okta, expect: true },
  { name: 'eq is not substring', det: 'sel:\n  eventType: privilege\ncondition: sel', event: okta, expect: false },
  // contains / startswith / endswith
  { name: 'contains', det: 'sel:\n  displayMessage|contains: USER PRIV\ncondition: sel', event: okta, expect: true },
  { name: 'contains miss', det: 'sel:\n  displayMessage|contains: revoke\ncondition: sel', event: okta, expect: false },
  { name: 'startswith', det: 'sel:\n  displayMessage|startswith: grant\ncondition: sel', event: okta, expect: true },
  { name: 'startswith miss', det: 'sel:\n  displayMessage|startswith: privilege\ncondition: sel', event: okta, expect: false },
  { name: 'endswith', det: 'sel:\n  displayMessage|endswith: PRIVILEGE\ncondition: sel', event: okta, expect: true },
  { name: 'endswith miss', det: 'sel:\n  displayMessage|endswith: grant\ncondition: sel', event: okta, expect: false },
  { name: 'contains|all', det: "sel:\n  displayMessage|contains|all: ['grant', 'user']\ncondition: sel", event: okta, expect: true },
  { name: 'contains|all miss', det: "sel:\n  displayMessage|contains|all: ['grant', 'revoke']\ncondition: sel", event: okta, expect: false },
  { name: 'list is OR', det: "sel:\n  eventType: ['user.session.start', 'user.account.privilege.grant']\ncondition: sel", event: okta, expect: true },
  { name: 'list OR miss', det: "sel:\n  eventType: ['user.session.start', 'user.session.end']\ncondition: sel", event: okta, expect: false },
  // wildcards and escapes
  { name: 'star wildcard', det: "sel:\n  displayMessage: 'grant*privilege'\ncondition: sel", event: okta, expect: true },
  { name: 'question wildcard', det: "sel:\n  displayMessage: 'Grant?user?privilege'\ncondition: sel", event: okta, expect: true },
  { name: 'question needs one char', det: "sel:\n  displayMessage: 'Grant?user privilege?'\ncondition: sel", event: okta, expect: false },
  { name: 'escaped star is literal (match)', det: "sel:\n  displayMessage: 'a\\*b'\ncondition: sel", event: withMsg('a*b'), expect: true },
  { name: 'escaped star is literal (no wildcard)', det: "sel:\n  displayMessage: 'a\\*b'\ncondition: sel", event: withMsg('axxb'), expect: false },
  { name: 'escaped question mark', det: "sel:\n  displayMessage: 'why\\?'\ncondition: sel", event: withMsg('why?'), expect: true },
  { name: 'escaped question mark no wildcard', det: "sel:\n  displayMessage: 'why\\?'\ncondition: sel", event: withMsg('whyX'), expect: false },
  { name: 'escaped backslash then star', det: "sel:\n  displayMessage: 'C:\\\\Temp\\\\*'\ncondition: sel", event: withMsg('C:\\Temp\\evil.exe'), expect: true },
  { name: 'plain backslash kept', det: "sel:\n  displayMessage: 'C:\\Windows\\System32'\ncondition: sel", event: withMsg('C:\\Windows\\System32'), expect: true },
  { name: 'percent and underscore are literal', det: "sel:\n  displayMessage|contains: '100%_x'\ncondition: sel", event: withMsg('got 100%_x done'), expect: true },
  { name: 'percent and underscore not wildcards', det: "sel:\n  displayMessage|contains: '100%_x'\ncondition: sel", event: withMsg('got 100abx done'), expect: false },
  { name: 'quote in value', det: "sel:\n  displayMessage|contains: \"it's\"\ncondition: sel", event: withMsg("it's here"), expect: true },
  // null, empty, exists
  { name: 'null matches null', det: 'sel:\n  outcome.reason: null\ncondition: sel', event: okta, expect: true },
  { name: 'null matches missing', det: 'sel:\n  no.such.field: null\ncondition: sel', event: okta, expect: true },
  { name: 'null on present field', det: 'sel:\n  outcome.result: null\ncondition: sel', event: okta, expect: false },
  { name: 'empty string matches empty', det: "sel:\n  outcome.reason: ''\ncondition: sel", event: patch(okta, { outcome: { reason: '' } }), expect: true },
  { name: 'empty string is not null', det: "sel:\n  outcome.reason: ''\ncondition: sel", event: okta, expect: false },
  { name: 'exists true', det: 'sel:\n  outcome.result|exists: true\ncondition: sel', event: okta, expect: true },
  { name: 'exists true on null', det: 'sel:\n  outcome.reason|exists: true\ncondition: sel', event: okta, expect: false },
  { name: 'exists false', det: 'sel:\n  no.such|exists: false\ncondition: sel', event: okta, expect: true },
  { name: 'neq', det: 'sel:\n  eventType|neq: user.session.start\ncondition: sel', event: okta, expect: true },
  { name: 'neq same', det: 'sel:\n  eventType|neq: user.account.privilege.grant\ncondition: sel', event: okta, expect: false },
  // numbers and booleans
  { name: 'number on BIGINT column', det: 'sel:\n  securityContext.asNumber: 64496\ncondition: sel', event: okta, expect: true },
  { name: 'numeric string on BIGINT column', det: "sel:\n  securityContext.asNumber: '64496'\ncondition: sel", event: okta, expect: true },
  { name: 'number mismatch', det: 'sel:\n  securityContext.asNumber: 64497\ncondition: sel', event: okta, expect: false },
  { name: 'number equals numeric string value', det: 'sel:\n  outcome.reason: 42\ncondition: sel', event: patch(okta, { outcome: { reason: '42.0' } }), expect: true },
  { name: 'number vs non-numeric string', det: 'sel:\n  outcome.reason: 42\ncondition: sel', event: patch(okta, { outcome: { reason: '42abc' } }), expect: false },
  { name: 'number on JSON double', det: 'sel:\n  client.geographicalContext.geolocation.lat: 52.5196\ncondition: sel', event: okta, expect: true },
  { name: 'bool false', det: 'sel:\n  securityContext.isProxy: false\ncondition: sel', event: okta, expect: true },
  { name: "bool as string 'false'", det: "sel:\n  securityContext.isProxy: 'false'\ncondition: sel", event: okta, expect: true },
  { name: 'bool true miss', det: 'sel:\n  securityContext.isProxy: true\ncondition: sel', event: okta, expect: false },
  { name: 'lt', det: 'sel:\n  securityContext.asNumber|lt: 64497\ncondition: sel', event: okta, expect: true },
  { name: 'lt miss', det: 'sel:\n  securityContext.asNumber|lt: 64496\ncondition: sel', event: okta, expect: false },
  { name: 'lte', det: 'sel:\n  securityContext.asNumber|lte: 64496\ncondition: sel', event: okta, expect: true },
  { name: 'gt', det: 'sel:\n  securityContext.asNumber|gt: 100\ncondition: sel', event: okta, expect: true },
  { name: 'gt miss', det: 'sel:\n  securityContext.asNumber|gt: 64496\ncondition: sel', event: okta, expect: false },
  { name: 'gte', det: 'sel:\n  securityContext.asNumber|gte: 64496\ncondition: sel', event: okta, expect: true },
  { name: 'gte on string number', det: 'sel:\n  debugContext.debugData.count|gte: 5\ncondition: sel', event: patch(okta, { debugContext: { debugData: { count: '12' } } }), expect: true },
  { name: 'compare ignores non-numbers', det: 'sel:\n  displayMessage|gte: 0\ncondition: sel', event: okta, expect: false },
  // regular expressions (search semantics, flags)
  { name: 're search', det: "sel:\n  actor.alternateId|re: 'admin@example'\ncondition: sel", event: okta, expect: true },
  { name: 're anchored', det: "sel:\n  actor.alternateId|re: '^example'\ncondition: sel", event: okta, expect: false },
  { name: 're is case-sensitive', det: "sel:\n  actor.alternateId|re: '^ADMIN@'\ncondition: sel", event: okta, expect: false },
  { name: 're|i', det: "sel:\n  actor.alternateId|re|i: '^ADMIN@'\ncondition: sel", event: okta, expect: true },
  { name: 're without m: ^ only at start', det: "sel:\n  displayMessage|re: '^second'\ncondition: sel", event: withMsg('first\nsecond'), expect: false },
  { name: 're|m: ^ at line start', det: "sel:\n  displayMessage|re|m: '^second'\ncondition: sel", event: withMsg('first\nsecond'), expect: true },
  { name: 're without s: dot stops at newline', det: "sel:\n  displayMessage|re: 'first.second'\ncondition: sel", event: withMsg('first\nsecond'), expect: false },
  { name: 're|s: dot matches newline', det: "sel:\n  displayMessage|re|s: 'first.second'\ncondition: sel", event: withMsg('first\nsecond'), expect: true },
  { name: 're with backslash class', det: "sel:\n  client.ipAddress|re: '^\\d+\\.\\d+\\.100\\.'\ncondition: sel", event: okta, expect: true },
  { name: 're catastrophic pattern runs linear', det: "sel:\n  displayMessage|re: '^(a+)+$'\ncondition: sel", event: withMsg(`${'a'.repeat(5000)}!`), expect: false },
  // cidr
  { name: 'cidr v4', det: 'sel:\n  client.ipAddress|cidr: 198.51.100.0/24\ncondition: sel', event: okta, expect: true },
  { name: 'cidr v4 miss', det: 'sel:\n  client.ipAddress|cidr: 198.51.101.0/24\ncondition: sel', event: okta, expect: false },
  { name: 'cidr v4 /12 odd boundary', det: 'sel:\n  client.ipAddress|cidr: 172.16.0.0/12\ncondition: sel', event: patch(okta, { client: { ipAddress: '172.31.255.1' } }), expect: true },
  { name: 'cidr v4 /12 outside', det: 'sel:\n  client.ipAddress|cidr: 172.16.0.0/12\ncondition: sel', event: patch(okta, { client: { ipAddress: '172.32.0.1' } }), expect: false },
  { name: 'cidr list', det: "sel:\n  client.ipAddress|cidr: ['10.0.0.0/8', '198.51.0.0/16']\ncondition: sel", event: okta, expect: true },
  { name: 'cidr v6', det: "sel:\n  client.ipAddress|cidr: '2001:db8::/32'\ncondition: sel", event: patch(okta, { client: { ipAddress: '2001:DB8:0:1::7' } }), expect: true },
  { name: 'cidr v6 miss', det: "sel:\n  client.ipAddress|cidr: '2001:db9::/32'\ncondition: sel", event: patch(okta, { client: { ipAddress: '2001:db8::7' } }), expect: false },
  { name: 'cidr v6 /127', det: "sel:\n  client.ipAddress|cidr: 'fe80::/127'\ncondition: sel", event: patch(okta, { client: { ipAddress: 'fe80::1' } }), expect: true },
  { name: 'cidr v6 full form', det: "sel:\n  client.ipAddress|cidr: '2001:db8::/48'\ncondition: sel", event: patch(okta, { client: { ipAddress: '2001:0db8:0000:ffff:0000:0000:0000:0001' } }), expect: true },
  { name: 'cidr v6 not v4', det: "sel:\n  client.ipAddress|cidr: '::/0'\ncondition: sel", event: okta, expect: false },
  { name: 'cidr v4 not v6', det: 'sel:\n  client.ipAddress|cidr: 0.0.0.0/0\ncondition: sel', event: patch(okta, { client: { ipAddress: '::1' } }), expect: false },
  { name: 'cidr invalid address text', det: 'sel:\n  client.ipAddress|cidr: 0.0.0.0/0\ncondition: sel', event: patch(okta, { client: { ipAddress: '256.1.1.1' } }), expect: false },
  // encodings
  { name: 'base64', det: "sel:\n  debugContext.debugData.payload|base64: 'whoami'\ncondition: sel", event: patch(okta, { debugContext: { debugData: { payload: b64('whoami') } } }), expect: true },
  { name: 'base64 miss', det: "sel:\n  debugContext.debugData.payload|base64: 'whoami'\ncondition: sel", event: patch(okta, { debugContext: { debugData: { payload: b64('id') } } }), expect: false },
  ...[0, 1, 2].map((pad) => ({
    name: `base64offset|contains offset ${pad}`,
    det: "sel:\n  debugContext.debugData.payload|base64offset|contains: 'http://evil'\ncondition: sel",
    event: patch(okta, { debugContext: { debugData: { payload: b64(`${'x'.repeat(pad)}curl http://evil.example/a`) } } }),
    expect: true,
  })),
  { name: 'base64offset|contains miss', det: "sel:\n  debugContext.debugData.payload|base64offset|contains: 'http://evil'\ncondition: sel", event: patch(okta, { debugContext: { debugData: { payload: b64('curl http://good.example/') } } }), expect: false },
  { name: 'utf16le|base64offset|contains', det: "sel:\n  debugContext.debugData.payload|utf16le|base64offset|contains: 'Invoke'\ncondition: sel", event: patch(okta, { debugContext: { debugData: { payload: b64u16('IEX; Invoke-Expression') } } }), expect: true },
  { name: 'wide|base64offset|contains miss', det: "sel:\n  debugContext.debugData.payload|wide|base64offset|contains: 'Invoke'\ncondition: sel", event: patch(okta, { debugContext: { debugData: { payload: b64('IEX; Invoke-Expression') } } }), expect: false },
  { name: 'windash slash variant', det: "sel:\n  displayMessage|windash|contains: ' -enc '\ncondition: sel", event: withMsg('powershell /enc AAAA'), expect: true },
  { name: 'windash en dash variant', det: "sel:\n  displayMessage|windash|contains: ' -enc '\ncondition: sel", event: withMsg('powershell \u2013enc AAAA'), expect: true },
  { name: 'windash miss', det: "sel:\n  displayMessage|windash|contains: ' -enc '\ncondition: sel", event: withMsg('powershell enc AAAA'), expect: false },
  // placeholders
  { name: 'expand', det: "sel:\n  actor.alternateId|expand: '%admins%'\ncondition: sel", event: okta, expect: true, placeholders: { admins: ['root@example.com', 'admin@example.com'] } },
  { name: 'expand miss', det: "sel:\n  actor.alternateId|expand: '%admins%'\ncondition: sel", event: okta, expect: false, placeholders: { admins: ['root@example.com'] } },
  { name: 'expand with wildcard value', det: "sel:\n  actor.alternateId|expand: '%admins%'\ncondition: sel", event: okta, expect: true, placeholders: { admins: ['*@example.com'] } },
  // fieldref
  { name: 'fieldref differs', det: 'sel:\n  actor.alternateId|fieldref: target.alternateId\ncondition: sel', event: okta, expect: false },
  { name: 'fieldref any element equal', det: 'sel:\n  actor.alternateId|fieldref: target.alternateId\ncondition: sel', event: patch(okta, { actor: { alternateId: 'JOHN.DOE@example.com' } }), expect: true },
  { name: 'not fieldref', det: 'sel:\n  eventType: user.account.privilege.grant\nfilter:\n  actor.alternateId|fieldref: target.alternateId\ncondition: sel and not filter', event: okta, expect: true },
  // time parts
  { name: 'hour', det: 'sel:\n  published|hour: 9\ncondition: sel', event: okta, expect: true },
  { name: 'hour miss', det: 'sel:\n  published|hour: 10\ncondition: sel', event: okta, expect: false },
  { name: 'minute', det: 'sel:\n  published|minute: 15\ncondition: sel', event: okta, expect: true },
  { name: 'day', det: 'sel:\n  published|day: 11\ncondition: sel', event: okta, expect: true },
  { name: 'week (ISO)', det: 'sel:\n  published|week: 11\ncondition: sel', event: okta, expect: true },
  { name: 'month', det: 'sel:\n  published|month: 3\ncondition: sel', event: okta, expect: true },
  { name: 'year', det: 'sel:\n  published|year: 2024\ncondition: sel', event: okta, expect: true },
  { name: 'hour with offset', det: 'sel:\n  published|hour: 7\ncondition: sel', event: patch(okta, { published: '2024-03-11T09:15:32+02:00' }), expect: true },
  { name: 'hour|gte', det: 'sel:\n  published|hour|gte: 20\ncondition: sel', event: okta, expect: false },
  // nested objects and arrays
  { name: 'any element of target[]', det: "sel:\n  target.displayName: 'Super administrator'\ncondition: sel", event: okta, expect: true },
  { name: 'no element of target[]', det: "sel:\n  target.displayName: 'Help desk'\ncondition: sel", event: okta, expect: false },
  { name: 'into JSON column inside list', det: 'sel:\n  target.detailEntry.roleType: SUPER_ADMIN\ncondition: sel', event: okta, expect: true },
  { name: 'list of structs of structs', det: 'sel:\n  request.ipChain.geographicalContext.city: berlin\ncondition: sel', event: okta, expect: true },
  { name: 'path missing from typed schema', det: "sel:\n  debugContext.debugData.requestUri|startswith: '/api/v1/users'\ncondition: sel", event: okta, expect: true },
  { name: 'key case ignored', det: 'sel:\n  Actor.AlternateID: ADMIN@example.com\ncondition: sel', event: okta, expect: true },
  { name: 'contains on object', det: "sel:\n  debugContext.debugData|contains: 'privilegeGranted'\ncondition: sel", event: okta, expect: true },
  { name: 'contains on array of objects', det: "sel:\n  target|contains: '\"id\":\"SUPER_ADMIN\"'\ncondition: sel", event: okta, expect: true },
  { name: 'contains on struct', det: "sel:\n  client.geographicalContext|contains: 'postalCode'\ncondition: sel", event: okta, expect: true },
  { name: 'nested arrays of scalars', det: "sel:\n  debugContext.debugData.groups.names: 'ops'\ncondition: sel", event: patch(okta, { debugContext: { debugData: { groups: [{ names: ['dev', 'ops'] }, { names: ['hr'] }] } } }), expect: true },
  { name: 'nested arrays miss', det: "sel:\n  debugContext.debugData.groups.names: 'sec'\ncondition: sel", event: patch(okta, { debugContext: { debugData: { groups: [{ names: ['dev', 'ops'] }] } } }), expect: false },
  // keywords
  { name: 'keyword', det: "keywords:\n  - 'privilege.GRANT'\ncondition: keywords", event: okta, expect: true },
  { name: 'keyword miss', det: "keywords:\n  - 'nothing-like-this'\ncondition: keywords", event: okta, expect: false },
  { name: 'keyword in nested value', det: "keywords:\n  - 'Land Berlin'\ncondition: keywords", event: okta, expect: true },
  // condition forms
  { name: 'and not', det: 'sel:\n  eventType: user.account.privilege.grant\nfilter:\n  outcome.result: FAILURE\ncondition: sel and not filter', event: okta, expect: true },
  { name: 'and not (excluded)', det: 'sel:\n  eventType: user.account.privilege.grant\nfilter:\n  outcome.result: SUCCESS\ncondition: sel and not filter', event: okta, expect: false },
  { name: '1 of pattern', det: 'sel_a:\n  eventType: x\nsel_b:\n  outcome.result: success\ncondition: 1 of sel_*', event: okta, expect: true },
  { name: 'all of pattern', det: 'sel_a:\n  eventType: x\nsel_b:\n  outcome.result: success\ncondition: all of sel_*', event: okta, expect: false },
  { name: 'all of them', det: 'a:\n  eventType: user.account.privilege.grant\nb:\n  outcome.result: success\ncondition: all of them', event: okta, expect: true },
  { name: '1 of them ignores _ids', det: '_helper:\n  outcome.result: success\na:\n  eventType: x\ncondition: 1 of them', event: okta, expect: false },
  { name: 'not 1 of filter*', det: 'sel:\n  eventType: user.account.privilege.grant\nfilter_a:\n  actor.alternateId: x\nfilter_b:\n  outcome.result: success\ncondition: sel and not 1 of filter_*', event: okta, expect: false },
  { name: 'parentheses', det: 'a:\n  eventType: x\nb:\n  outcome.result: success\nc:\n  actor.type: user\ncondition: (a or b) and c', event: okta, expect: true },
  { name: 'precedence not > and > or', det: 'a:\n  eventType: x\nb:\n  outcome.result: success\nc:\n  actor.type: nobody\ncondition: a or b and not c', event: okta, expect: true },
  { name: 'condition list is OR', det: 'a:\n  eventType: x\nb:\n  outcome.result: success\ncondition:\n  - a\n  - b', event: okta, expect: true },
  { name: 'list of maps is OR', det: 'sel:\n  - eventType: x\n  - outcome.result: success\ncondition: sel', event: okta, expect: true },
  { name: 'map is AND', det: 'sel:\n  eventType: user.account.privilege.grant\n  outcome.result: failure\ncondition: sel', event: okta, expect: false },
  // Azure: Log Analytics names on the Graph object and on the diagnostic export
  { name: 'ResultType on Graph', ls: 'signin', det: 'sel:\n  ResultType: 50126\ncondition: sel', event: signin, expect: true },
  { name: 'ResultType on diagnostic export', ls: 'signin', det: 'sel:\n  ResultType: 50126\ncondition: sel', event: signinDiag, expect: true },
  { name: 'ResultType miss', ls: 'signin', det: 'sel:\n  ResultType: 0\ncondition: sel', event: signinDiag, expect: false },
  { name: 'Status Failure', ls: 'signin', det: 'sel:\n  Status: Failure\ncondition: sel', event: signin, expect: true },
  { name: 'Status Success on failure', ls: 'signin', det: 'sel:\n  Status: Success\ncondition: sel', event: signinDiag, expect: false },
  { name: 'Status|contains on the status object', ls: 'signin', det: "sel:\n  Status|contains: 'right credentials'\ncondition: sel", event: signin, expect: true },
  { name: 'ResultDescription|contains', ls: 'signin', det: "sel:\n  ResultDescription|contains: 'invalid username'\ncondition: sel", event: signinDiag, expect: true },
  { name: 'properties.appId Graph', ls: 'signin', det: "sel:\n  properties.appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064'\ncondition: sel", event: signin, expect: true },
  { name: 'DeviceDetail.trusttype empty', ls: 'signin', det: "sel:\n  DeviceDetail.trusttype: ''\ncondition: sel", event: signinDiag, expect: true },
  { name: 'Location country', ls: 'signin', det: 'sel:\n  Location: us\ncondition: sel', event: signinDiag, expect: true },
  { name: 'audit properties.message', ls: 'audit', det: "sel:\n  properties.message: 'Add member to role'\ncondition: sel", event: audit, expect: true },
  { name: 'audit TargetResources any modified property', ls: 'audit', det: "sel:\n  TargetResources.modifiedProperties.newValue|contains: '62e90394'\ncondition: sel", event: audit, expect: true },
  { name: 'audit TargetResources|contains', ls: 'audit', det: "sel:\n  TargetResources|contains: '62e90394-69f5-4237-9190-012177145e10'\ncondition: sel", event: audit, expect: true },
  { name: 'audit Category', ls: 'audit', det: "sel:\n  Category: 'UserManagement'\ncondition: sel", event: audit, expect: false },
  { name: 'audit additionalInfo keyed miss', ls: 'audit', det: "sel:\n  additionalDetails.additionalInfo|contains: 'recovered'\ncondition: sel", event: audit, expect: false },
  // Workspace: events[].parameters[] keyed values, constants
  { name: 'workspace setting_name', ls: 'gws', det: "sel:\n  eventService: admin.googleapis.com\n  eventName: CHANGE_APPLICATION_SETTING\n  setting_name|startswith: ContextAwareAccess\ncondition: sel", event: gws, expect: true },
  { name: 'workspace new_value', ls: 'gws', det: "sel:\n  new_value: 'false'\ncondition: sel", event: gws, expect: true },
  { name: 'workspace keyed value is per parameter', ls: 'gws', det: "sel:\n  new_value: 'enterprise'\ncondition: sel", event: gws, expect: false },
  { name: 'workspace constant service miss', ls: 'gws', det: 'sel:\n  eventService: login.googleapis.com\ncondition: sel', event: gws, expect: false },
];

const FILTER_CASES: Case[] = [
  {
    name: 'filter rules: any excludes',
    det: '',
    event: okta,
    expect: false,
    yaml: `${rule('okta', 'sel:\n  eventType: user.account.privilege.grant\ncondition: sel')}---\ntitle: no admins\nlogsource:\n  product: okta\nfilter:\n  rules: any\n  sel:\n    actor.alternateId: admin@example.com\n  condition: not sel\n`,
  },
  {
    name: 'filter by id does not touch another rule',
    det: '',
    event: okta,
    expect: true,
    yaml: `${rule('okta', 'sel:\n  eventType: user.account.privilege.grant\ncondition: sel')}---\ntitle: no admins\nlogsource:\n  product: okta\nfilter:\n  rules:\n    - 00000000-0000-4000-8000-00000000ffff\n  sel:\n    actor.alternateId: admin@example.com\n  condition: not sel\n`,
  },
  {
    name: 'filter by id applies',
    det: '',
    event: okta,
    expect: false,
    yaml: `${rule('okta', 'sel:\n  eventType: user.account.privilege.grant\ncondition: sel')}---\ntitle: no admins\nlogsource:\n  product: okta\nfilter:\n  rules:\n    - 5b0f2f4e-0000-4000-8000-000000000001\n  sel:\n    actor.alternateId: admin@example.com\n  condition: not sel\n`,
  },
];

let db: DuckDb;
beforeAll(async () => {
  db = await DuckDb.open(':memory:');
});
afterAll(() => db.close());

describe('conformance: in-memory matcher and DuckDB agree', () => {
  for (const c of [...CASES, ...FILTER_CASES]) {
    test(`${c.expect ? '+' : '-'} ${c.name}`, async () => {
      const prepared = prepareText(c.yaml ?? rule(c.ls ?? 'okta', c.det), c.placeholders);
      const v = await verdicts(db, prepared, c.event);
      expect(v).toEqual({ memory: c.expect, duckdb: c.expect });
    });
  }
});
