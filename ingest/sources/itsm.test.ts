import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDb } from '../../store/duckdb/db.js';
import { migrate } from '../../store/duckdb/migrate.js';
import { loadItsmFile, loadItsmPath, loadItsmRecords } from './itsm.js';

const FIX = resolve(import.meta.dirname, '../../test/fixtures/itsm');
const AS_OF = '2026-11-25T06:00:00Z';

let store: { db: DuckDb };
beforeEach(async () => {
  const db = await DuckDb.open(':memory:');
  await migrate(db);
  store = { db };
});
afterEach(() => {
  store.db.close();
});

type Rec = Record<string, unknown> & { record_id: string; attributes: string | null; updated_at: Date };

async function records(where = 'TRUE', params: unknown[] = []): Promise<Rec[]> {
  return store.db.all<Rec>(`SELECT * FROM itsm_records WHERE ${where} ORDER BY source, record_id, updated_at`, params as never);
}
const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : d);
async function quarantine() {
  return store.db.all<{ stream: string; line_no: bigint; reason: string; origin: string }>(`SELECT stream, line_no, reason, origin FROM quarantine ORDER BY origin, line_no`);
}

describe('an ITSM export folder (ServiceNow, Jira, access reviews, self-service)', () => {
  it('detects each export, loads the good records and quarantines the bad ones with their line', async () => {
    const r = await loadItsmPath(store, FIX, { asOf: AS_OF });
    expect(r.files.length).toBe(6);
    expect(r).toMatchObject({ received: 28, stored: 22, duplicates: 0, quarantined: 6 });
    const per = await store.db.all<{ source: string; record_type: string; n: bigint }>(
      `SELECT source, record_type, count(*) AS n FROM itsm_records GROUP BY ALL ORDER BY ALL`,
    );
    expect(per.map((p) => [p.source, p.record_type, Number(p.n)])).toEqual([
      ['access_reviews', 'access_review', 4],
      ['jira', 'change', 1],
      ['jira', 'incident', 1],
      ['jira', 'request', 2],
      ['self_service', 'self_service', 4],
      ['servicenow', 'change', 2],
      ['servicenow', 'incident', 3],
      ['servicenow', 'request', 5],
    ]);
    const q = await quarantine();
    const at = (file: string) => q.filter((x) => x.origin === join(FIX, file));
    expect(at('access_reviews.csv').map((x) => [Number(x.line_no), x.reason])).toEqual([
      [6, expect.stringMatching(/decision: unknown value "Maybe"/)],
      [7, expect.stringMatching(/decided_at: not a valid date-time: "2026-11-31T09:00:00Z"/)],
    ]);
    expect(at('self_service.csv').map((x) => [Number(x.line_no), x.reason])).toEqual([[6, expect.stringMatching(/opened_at: required/)]]);
    expect(at('change_request.json')[0].reason).toMatch(/rolled_back: expected true or false, got "maybe"/);
    expect(at('sc_req_item.json')[0].reason).toMatch(/opened_at: not a date-time: "31\/10\/2026 10:00"/);
    expect(at('jira_search.json')[0].reason).toMatch(/opened_at: not a date-time/);
    const text = (await readFile(join(FIX, 'jira_search.json'), 'utf8')).split('\n');
    const keyLine = text.findIndex((l) => l.includes('"key": "ITSM-105"')); // 0-based; the object opens a few lines above
    const open = text.slice(0, keyLine).map((l, i) => [l, i] as const).filter(([l]) => /^\s{4}\{\s*$/.test(l)).pop()![1] + 1;
    expect(Number(at('jira_search.json')[0].line_no)).toBe(open);
  });

  it('re-loading the same exports stores nothing', async () => {
    await loadItsmPath(store, FIX, { asOf: AS_OF });
    const again = await loadItsmPath(store, FIX, { asOf: AS_OF });
    expect(again).toMatchObject({ stored: 0, duplicates: 22, quarantined: 6 });
    expect((await records()).length).toBe(22);
    expect((await quarantine()).length).toBe(6);
  });
});

describe('ServiceNow Table API', () => {
  it('reads requested items in the display_value=all shape: categories, channels, SSO go-live, versions', async () => {
    await loadItsmFile(store, join(FIX, 'sc_req_item.json'), { asOf: AS_OF });
    const sso = await records(`record_id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'`);
    expect(sso.map((s) => [s.state, iso(s.updated_at)])).toEqual([
      ['Work in Progress', '2026-10-02T10:00:00.000Z'],
      ['Closed Complete', '2026-10-20T17:00:05.000Z'],
    ]);
    expect(sso[1]).toMatchObject({ source: 'servicenow', record_type: 'request', category: 'sso_integration', channel: 'portal', priority: '4', requester: 'Ana Silva', subject_user: 'Ana Silva', assignment_group: 'IAM Engineering' });
    expect(iso(sso[1].opened_at)).toBe('2026-10-01T09:00:00.000Z');
    expect(iso(sso[1].closed_at)).toBe('2026-10-20T17:00:00.000Z');
    expect(JSON.parse(sso[1].attributes!)).toMatchObject({ number: 'RITM0010001', cat_item: 'SSO Application Onboarding', go_live_at: '2026-10-20T12:00:00.000Z' });
    const channels = (await records()).map((r) => [r.category, r.channel]);
    expect(channels).toContainEqual(['access_request', 'self_service']);
    expect(channels).toContainEqual(['mfa_reset', 'walk_in']);
    expect(channels).toContainEqual(['password_reset', 'phone']);
  });

  it('reads incidents in the default shape (reference fields as link + value) with priority and severity numbers', async () => {
    await loadItsmFile(store, join(FIX, 'incident.json'), { asOf: AS_OF });
    const [inc1, inc2, inc3] = await records();
    expect(inc1).toMatchObject({ record_type: 'incident', category: 'identity', priority: '1', severity: '1', channel: 'phone', related_record_id: 'f1e2d3c4b5a60718293a4b5c6d7e8f02' });
    expect([iso(inc1.opened_at), iso(inc1.resolved_at), iso(inc1.closed_at)]).toEqual(['2026-11-10T08:00:00.000Z', '2026-11-10T09:30:00.000Z', '2026-11-11T09:30:00.000Z']);
    expect(inc2).toMatchObject({ category: 'access', priority: '3', severity: '2', closed_at: null });
    // no sys_updated_on: the export time versions it
    expect(inc3).toMatchObject({ severity: null, priority: '2' });
    expect(iso(inc3.updated_at)).toBe('2026-11-25T06:00:00.000Z');
  });

  it('reads changes in the display_value=true shape and marks the change that caused an incident, in either load order', async () => {
    await loadItsmFile(store, join(FIX, 'change_request.json'), { asOf: AS_OF });
    let changes = await records(`record_type = 'change'`);
    expect(changes.map((c) => [JSON.parse(c.attributes!).number, c.rolled_back, c.caused_incident])).toEqual([
      ['CHG0030001', false, false],
      ['CHG0030002', true, false],
    ]);
    expect(JSON.parse(changes[1].attributes!)).toMatchObject({ close_code: 'unsuccessful', change_type: 'normal' });
    await loadItsmFile(store, join(FIX, 'incident.json'), { asOf: AS_OF });
    changes = await records(`record_type = 'change'`);
    expect(changes.map((c) => c.caused_incident)).toEqual([false, true]);

    await store.db.run('DELETE FROM itsm_records');
    await loadItsmFile(store, join(FIX, 'incident.json'), { asOf: AS_OF });
    await loadItsmFile(store, join(FIX, 'change_request.json'), { asOf: AS_OF });
    changes = await records(`record_type = 'change'`);
    expect(changes.map((c) => c.caused_incident)).toEqual([false, true]);
  });

  it('links an incident that names its change by number (display values only)', async () => {
    const change = { sys_id: 'c1', number: 'CHG0099001', sys_class_name: 'Change Request', category: 'Identity', opened_at: '2026-11-01 10:00:00', sys_updated_on: '2026-11-01 12:00:00' };
    const incident = { sys_id: 'i1', number: 'INC0099001', sys_class_name: 'Incident', category: 'Identity', caused_by: { display_value: 'CHG0099001', link: 'https://acme.service-now.com/api/now/table/change_request/c1' }, opened_at: '2026-11-01 13:00:00', sys_updated_on: '2026-11-01 14:00:00' };
    const r = await loadItsmRecords(store, [change, incident], { preset: 'servicenow' });
    expect(r.stored).toBe(2);
    const [c] = await records(`record_type = 'change'`);
    expect(c.caused_incident).toBe(true);
  });
});

describe('Jira search results', () => {
  it('maps issue types, priorities, reporters and times with +hhmm offsets', async () => {
    await loadItsmFile(store, join(FIX, 'jira_search.json'), { asOf: AS_OF });
    const by = Object.fromEntries((await records()).map((r) => [r.record_id, r]));
    expect(by['ITSM-101']).toMatchObject({ source: 'jira', record_type: 'incident', priority: '1', state: 'Resolved', category: 'identity', requester: 'ana.silva@acme.example', assignment_group: 'Bob Jones' });
    expect(iso(by['ITSM-101'].resolved_at)).toBe('2026-11-02T11:30:00.000Z');
    expect(iso(by['ITSM-101'].updated_at)).toBe('2026-11-02T11:35:12.123Z');
    expect(by['ITSM-102']).toMatchObject({ record_type: 'request', priority: '3', category: 'access_request', state: 'Waiting for support' });
    expect(iso(by['ITSM-102'].opened_at)).toBe('2026-11-03T09:00:00.000Z');
    expect(iso(by['ITSM-102'].due_at)).toBe('2026-11-10T00:00:00.000Z');
    expect(by['ITSM-101'].related_record_id).toBe('ITSM-103');
    // the change that the incident names with a Causes link
    expect(by['ITSM-103']).toMatchObject({ record_type: 'change', priority: '2', caused_incident: true, related_record_id: null });
    expect(by['ITSM-104']).toMatchObject({ record_type: 'request' }); // an Epic is not a service record type
    expect(JSON.parse(by['ITSM-101'].attributes!)).toMatchObject({ issue_id: '10101', status_category: 'done', resolution: 'Done' });
  });
});

describe('access reviews and self-service CSVs', () => {
  it('keeps decision, decision time, due time and remediation time', async () => {
    await loadItsmFile(store, join(FIX, 'access_reviews.csv'), { asOf: AS_OF });
    const by = Object.fromEntries((await records()).map((r) => [JSON.parse(r.attributes!).item_id, r]));
    expect(by['ITEM-0001']).toMatchObject({ record_id: 'CMP-2026Q4/ITEM-0001', record_type: 'access_review', decision: 'approve', state: 'decided', subject_user: 'ana.silva@acme.example', requester: 'rui.costa@acme.example', category: 'Q4 privileged access review', related_record_id: 'CMP-2026Q4' });
    expect(iso(by['ITEM-0001'].decided_at)).toBe('2026-11-05T10:00:00.000Z');
    expect(iso(by['ITEM-0001'].due_at)).toBe('2026-11-15T23:59:59.000Z');
    expect(by['ITEM-0002']).toMatchObject({ decision: 'revoke', short_description: 'Okta: Super Organization Administrator' });
    expect(JSON.parse(by['ITEM-0002'].attributes!)).toMatchObject({ remediated_at: '2026-11-09T14:30:00.000Z', reviewer: 'rui.costa@acme.example' });
    expect(iso(by['ITEM-0002'].resolved_at)).toBe('2026-11-09T14:30:00.000Z');
    expect(iso(by['ITEM-0002'].updated_at)).toBe('2026-11-09T14:30:00.000Z');
    expect(by['ITEM-0003'].short_description).toBe('Salesforce: System Administrator, Sales Cloud');
    expect(JSON.parse(by['ITEM-0003'].attributes!).remediated_at).toBeUndefined();
    expect(by['ITEM-0004']).toMatchObject({ decision: null, decided_at: null, state: 'pending' });
    expect(iso(by['ITEM-0004'].updated_at)).toBe('2026-11-25T06:00:00.000Z');
  });

  it('reads self-service events as records of their own channel', async () => {
    await loadItsmFile(store, join(FIX, 'self_service.csv'), { asOf: AS_OF });
    const rows = await records();
    expect(rows.map((r) => [r.record_id, r.category, r.channel, r.record_type])).toEqual([
      ['SS-000001', 'password_reset', 'self_service', 'self_service'],
      ['SS-000002', 'mfa_enrolment', 'self_service', 'self_service'],
      ['SS-000003', 'account_unlock', 'self_service', 'self_service'],
      ['SS-000004', 'access_request', 'self_service', 'self_service'],
    ]);
    expect(iso(rows[1].opened_at)).toBe('2026-11-02T09:15:30.000Z');
  });

  it('maps an export with a mapping from config', async () => {
    const mapping = {
      name: 'freshservice',
      fields: {
        record_id: 'id',
        record_type: { from: 'type', map: { 'Service Request': 'request', Incident: 'incident' } },
        channel: { from: 'source_name', as: 'channel' },
        priority: { from: 'priority', as: 'digit' },
        opened_at: 'created_at',
        resolved_at: 'stats.resolved_at',
        updated_at: 'updated_at',
      },
      attributes: { requester_id: 'requester_id' },
      required: ['opened_at'],
    };
    const tickets = [
      { id: 501, type: 'Incident', source_name: 'Portal', priority: 2, created_at: '2026-11-01T10:00:00Z', updated_at: '2026-11-01T12:00:00Z', requester_id: 77, stats: { resolved_at: '2026-11-01T11:00:00Z' } },
      { id: 502, type: 'Problem', source_name: 'Email', priority: 1, created_at: '2026-11-01T10:00:00Z', updated_at: '2026-11-01T12:00:00Z', requester_id: 78, stats: {} },
    ];
    const r = await loadItsmRecords(store, tickets, { mapping });
    expect(r).toMatchObject({ stored: 1, quarantined: 1 });
    const [t] = await records();
    expect(t).toMatchObject({ source: 'freshservice', record_id: '501', record_type: 'incident', channel: 'portal', priority: '2' });
    expect(JSON.parse(t.attributes!)).toEqual({ requester_id: 77 });
    await expect(loadItsmRecords(store, tickets, { mapping: { name: 'x', fields: { record_id: 'id', record_kind: 'type' } } })).rejects.toMatchObject({ code: 'config_invalid' });
  });
});

describe('survey and audit-findings registers', () => {
  it('loads stakeholder survey responses with their score and group', async () => {
    const r = await loadItsmFile(store, join(FIX, 'survey', 'stakeholder_csat.csv'));
    expect(r).toMatchObject({ stored: 3, quarantined: 1 });
    const rows = await records();
    expect(rows.map((x) => [x.record_id, x.record_type, x.category, JSON.parse(x.attributes!).score])).toEqual([
      ['SR-100001', 'survey_response', 'app_owner', '4'],
      ['SR-100002', 'survey_response', 'helpdesk', '5'],
      ['SR-100003', 'survey_response', 'it', '2'],
    ]);
    expect(JSON.parse(rows[1].attributes!).comment).toBe('Fast, friendly "SSO" onboarding');
    const [q] = await quarantine();
    expect([Number(q.line_no), q.reason]).toEqual([5, expect.stringMatching(/opened_at: required/)]);
  });

  it('loads the access audit findings register', async () => {
    await loadItsmFile(store, join(FIX, 'audit', 'access_findings.csv'));
    const rows = await records();
    expect(rows.map((x) => [x.record_id, x.record_type, x.severity, x.state, iso(x.closed_at)])).toEqual([
      ['AF-2026-011', 'audit_finding', 'Medium', 'Open', null],
      ['AF-2026-012', 'audit_finding', 'Low', 'Closed', '2026-11-06T10:00:00.000Z'],
      ['AF-2026-013', 'audit_finding', 'High', 'Open', null],
    ]);
    expect(iso(rows[1].updated_at)).toBe('2026-11-06T10:00:00.000Z');
  });
});
