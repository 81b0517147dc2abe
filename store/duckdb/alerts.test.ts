import { describe, expect, it } from 'vitest';
import { DuckDbStore } from './store.js';
import { alertSet, mfaFatigue } from '../../test/forward/alerts.js';

describe('DuckDB alerts and outbox', () => {
  it('stores alerts and queues new ones for every sink in one go; a re-run creates nothing', async () => {
    const store = await DuckDbStore.open(':memory:');
    const list = alertSet(6);
    expect(await store.upsertAlerts(list, ['siem', 'file'])).toEqual({ created: 6, updated: 0 });
    expect(await store.upsertAlerts(list, ['siem', 'file'])).toEqual({ created: 0, updated: 6 });
    const status = await store.sinkStatus();
    expect(status.map((s) => [s.sink, s.queued, s.delivered])).toEqual([
      ['file', 6, 0],
      ['siem', 6, 0],
    ]);
    const got = await store.getAlert(list[1].alert_id);
    expect(got?.explanation).toBe(list[1].explanation);
    expect(got?.evidence_event_ids).toEqual(list[1].evidence_event_ids);
    expect(got?.entity).toEqual(list[1].entity);
    expect(got?.first_seen).toBe(list[1].first_seen);
    expect(got?.details).toEqual(list[1].details);
    await store.close();
  });

  it('merges repeated hits without resetting triage status', async () => {
    const store = await DuckDbStore.open(':memory:');
    const a = mfaFatigue();
    const first = { ...a, evidence_event_ids: a.evidence_event_ids.slice(0, 4), event_count: 4, last_seen: '2026-11-20T03:13:00.000Z' };
    await store.upsertAlerts([first], ['siem']);
    await store.setAlertStatus(a.alert_id, 'acknowledged', null, 'looking');
    const second = { ...a, evidence_event_ids: a.evidence_event_ids.slice(3), event_count: 4, explanation: 'updated' };
    expect(await store.upsertAlerts([second], ['siem'])).toEqual({ created: 0, updated: 1 });
    const got = (await store.getAlert(a.alert_id))!;
    expect(got.status).toBe('acknowledged');
    expect(got.status_note).toBe('looking');
    expect(got.event_count).toBe(7);
    expect(got.evidence_event_ids.sort()).toEqual([...a.evidence_event_ids].sort());
    expect(got.first_seen).toBe(a.first_seen);
    expect(got.last_seen).toBe(a.last_seen);
    expect(got.explanation).toBe('updated');
    // updating an alert does not queue it again
    expect((await store.sinkStatus())[0].queued).toBe(1);
    await store.close();
  });

  it('enforces the triage lifecycle', async () => {
    const store = await DuckDbStore.open(':memory:');
    const [a, b] = alertSet(2);
    await store.upsertAlerts([a, b], []);
    await expect(store.setAlertStatus('nope', 'acknowledged')).rejects.toThrow(/no alert with id/);
    await expect(store.setAlertStatus(a.alert_id, 'closed')).rejects.toThrow(/needs a resolution/);
    await expect(store.setAlertStatus(a.alert_id, 'acknowledged', 'benign')).rejects.toThrow(/only recorded when an alert is closed/);
    expect((await store.setAlertStatus(a.alert_id, 'acknowledged')).status).toBe('acknowledged');
    await expect(store.setAlertStatus(a.alert_id, 'acknowledged')).rejects.toThrow(/already acknowledged/);
    const closed = await store.setAlertStatus(a.alert_id, 'closed', 'true_positive', 'reset password');
    expect([closed.status, closed.resolution, closed.status_note]).toEqual(['closed', 'true_positive', 'reset password']);
    await expect(store.setAlertStatus(a.alert_id, 'acknowledged')).rejects.toThrow(/cannot go from closed/);
    expect((await store.setAlertStatus(b.alert_id, 'closed', 'false_positive')).status).toBe('closed');
    expect((await store.listAlerts({ status: 'closed' })).length).toBe(2);
    expect((await store.listAlerts({ ruleId: 'impossible_travel' })).length).toBe(1);
    await store.close();
  });

  it('tracks attempts, backoff times, failures and delivery per sink', async () => {
    const store = await DuckDbStore.open(':memory:');
    const list = alertSet(5);
    await store.upsertAlerts(list, ['siem']);
    const t0 = new Date();
    const due = await store.pendingOutbox('siem', 3, t0);
    expect(due.length).toBe(3);
    expect(due[0].alert.rule_id).toBeTruthy();
    const later = new Date(t0.getTime() + 60_000);
    await store.markFailed('siem', due.map((d) => d.alert_id), 'HTTP 503 Server is busy', later);
    let st = (await store.sinkStatus())[0];
    expect(st.queued).toBe(5);
    expect(st.failing_since).not.toBeNull();
    expect(st.last_error).toBe('HTTP 503 Server is busy');
    // the failed ones wait for their next attempt; the other two are due now
    expect((await store.pendingOutbox('siem', 10, t0)).length).toBe(2);
    expect((await store.pendingOutbox('siem', 10, later)).length).toBe(5);
    await store.markDelivered('siem', list.map((a) => a.alert_id));
    st = (await store.sinkStatus())[0];
    expect([st.queued, st.delivered, st.failing_since, st.last_error]).toEqual([0, 5, null, null]);
    expect(await store.enqueueOutbox('siem', list.map((a) => a.alert_id))).toBe(0);
    expect(await store.enqueueOutbox('other', [list[0].alert_id, list[0].alert_id])).toBe(1);
    await store.close();
  });

  it('folds the same alert given twice in one call into one, and handles large batches', async () => {
    const store = await DuckDbStore.open(':memory:');
    const a = mfaFatigue();
    const part1 = { ...a, evidence_event_ids: a.evidence_event_ids.slice(0, 3), event_count: 3, last_seen: '2026-11-20T03:12:00.000Z' };
    const part2 = { ...a, evidence_event_ids: a.evidence_event_ids.slice(3), event_count: 4, first_seen: '2026-11-20T03:12:30.000Z' };
    expect(await store.upsertAlerts([part1, part2], ['siem'])).toEqual({ created: 1, updated: 0 });
    const got = (await store.getAlert(a.alert_id))!;
    expect([got.event_count, got.first_seen, got.last_seen]).toEqual([7, a.first_seen, a.last_seen]);
    const many = alertSet(300);
    const t0 = Date.now();
    expect(await store.upsertAlerts(many, ['siem', 'file'])).toEqual({ created: 299, updated: 1 });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect((await store.sinkStatus()).map((s) => s.queued)).toEqual([299, 300]);
    await store.close();
  });

  it('does not forward suppressed alerts', async () => {
    const store = await DuckDbStore.open(':memory:');
    const [a, b] = alertSet(2);
    await store.upsertAlerts([a, { ...b, suppressed_by: 'allow-vpn-egress' }], ['siem']);
    expect((await store.sinkStatus())[0].queued).toBe(1);
    await store.close();
  });
});
