import { describe, expect, it } from 'vitest';
import { scoreAlerts, type Labels } from '../../detections/engine/score.js';
import type { Alert } from '../../detections/alerts/model.js';

const alert = (id: string, rule: string, user: string | null, ip: string | null, first: string, last = first, extra: Partial<Alert> = {}): Alert => ({
  alert_id: id, rule_id: rule, rule_title: rule, rule_author: null, rule_kind: 'analytic', severity: 'medium', tactics: [], techniques: [],
  entity: { user, ip, app: null }, tenant_id: null, first_seen: first, last_seen: last, event_count: 1, evidence_event_ids: [], explanation: '', details: {},
  status: 'new', resolution: null, status_note: null, suppressed_by: null, created_at: first, updated_at: first, ...extra,
});

const labels: Labels = {
  scenarios: [
    { id: 'a1', kind: 'impossible_travel', benign: false, detection: 'impossible_travel', entity: { user: 'Betty@acme.example' }, window: { start: '2026-11-02T08:06:00Z', end: '2026-11-02T09:12:00Z' } },
    { id: 'a2', kind: 'password_spray', benign: false, detection: 'password_spray', entity: { ip: '104.248.80.52' }, window: { start: '2026-11-08T02:14:00Z', end: '2026-11-08T02:49:00Z' } },
    { id: 'a3', kind: 'mfa_fatigue', benign: false, detection: 'mfa_fatigue', entity: { user: 'noah@acme.example' }, window: { start: '2026-11-06T20:55:00Z', end: '2026-11-06T21:04:00Z' }, native_ids: ['n1'] },
    { id: 'b1', kind: 'vpn_hop', benign: true, detection: 'impossible_travel', entity: { user: 'deepa@acme.example' }, window: { start: '2026-11-05T14:06:00Z', end: '2026-11-05T14:14:00Z' } },
  ],
};

describe('scoreAlerts', () => {
  it('matches on entity and window ± slack, counts look-alikes as false alarms and ignores suppressed alerts', () => {
    const report = scoreAlerts(labels, [
      alert('x1', 'impossible_travel', 'betty@acme.example', '1.2.3.4', '2026-11-02T09:12:00Z'),
      alert('x2', 'password_spray', null, '104.248.80.52', '2026-11-08T02:14:00Z', '2026-11-08T02:50:00Z'),
      alert('x3', 'impossible_travel', 'deepa@acme.example', null, '2026-11-05T14:14:00Z'),
      alert('x4', 'impossible_travel', 'zed@acme.example', null, '2026-11-05T14:14:00Z', undefined, { suppressed_by: 'vpn' }),
      alert('x5', 'mfa_fatigue', 'other@acme.example', null, '2026-11-06T21:00:00Z', undefined, { evidence_event_ids: ['u1'] }),
      alert('x6', 'password_spray', null, '104.248.80.52', '2026-11-09T05:00:00Z'),
    ], { nativeIdsOf: (a) => (a.evidence_event_ids.includes('u1') ? ['n1'] : []) });
    expect(report.detections.impossible_travel).toEqual({ tp: 1, fp: 1, fn: 0, precision: 0.5, recall: 1 });
    expect(report.detections.password_spray).toEqual({ tp: 1, fp: 1, fn: 0, precision: 0.5, recall: 1 });
    expect(report.detections.mfa_fatigue.tp).toBe(1); // matched through the evidence's vendor ids
    expect(report.false_alarms).toEqual([{ id: 'b1', kind: 'vpn_hop', detection: 'impossible_travel', alert_ids: ['x3'] }]);
    expect(report.missed).toEqual([]);
    expect(report.unlabelled.password_spray).toEqual(['x6']);
  });
  it('reports a scenario without a matching alert as missed', () => {
    const report = scoreAlerts(labels, []);
    expect(report.missed.map((m) => m.id)).toEqual(['a1', 'a3', 'a2']);
    expect(report.detections.impossible_travel.recall).toBe(0);
  });
});
