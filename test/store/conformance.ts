import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../store/event-store.js';
import type { Alert } from '../../detections/alerts/model.js';

/**
 * The EventStore conformance suite: every store implementation (DuckDB, Elasticsearch) runs these
 * same cases over the same real-shaped vendor records. A store that cannot do something says so
 * through its capabilities, never by skipping a case here.
 */
const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures');

export function fixtureLines(rel: string): string[] {
  return readFileSync(path.join(FIXTURES, rel), 'utf8').split('\n').filter((l) => l.trim());
}

export function sampleAlert(id: string, over: Partial<Alert> = {}): Alert {
  return {
    alert_id: id,
    rule_id: 'mfa_fatigue',
    rule_title: 'MFA fatigue (push bombing)',
    rule_author: null,
    rule_kind: 'analytic',
    severity: 'medium',
    tactics: ['TA0006'],
    techniques: ['T1621'],
    entity: { user: 'dana.kim@acme.example', ip: '185.220.101.4', app: 'Okta Verify' },
    tenant_id: 'acme.okta.com',
    first_seen: '2026-11-20T10:55:00.000Z',
    last_seen: '2026-11-20T11:03:00.000Z',
    event_count: 6,
    evidence_event_ids: ['okta:acme.okta.com:1', 'okta:acme.okta.com:2'],
    explanation: '6 denied pushes for dana.kim@acme.example in 8 min',
    details: { denials: 6 },
    status: 'new',
    resolution: null,
    status_note: null,
    suppressed_by: null,
    created_at: '2026-11-20T11:05:00.000Z',
    updated_at: '2026-11-20T11:05:00.000Z',
    ...over,
  };
}

export function eventStoreConformance(name: string, open: () => Promise<EventStore>): void {
  describe(`EventStore conformance: ${name}`, () => {
    it('stores each vendor event once: re-ingesting the same page is a no-op, and a page that repeats events counts them as duplicates', async () => {
      const store = await open();
      try {
        const okta = fixtureLines('okta/system_log.ndjson');
        const entra = fixtureLines('entra/signins.ndjson');
        const ctx = { source: 'okta', tenant: 'acme.okta.com', origin: 'conformance' };
        const first = await store.ingestRecords(okta, ctx);
        expect(first.received).toBe(okta.length);
        expect(first.stored + first.quarantined).toBe(okta.length);
        expect(first.stored).toBeGreaterThan(0);
        expect(first.normalized).toBe(first.stored);
        const again = await store.ingestRecords(okta, ctx);
        expect(again).toMatchObject({ received: okta.length, stored: 0, duplicates: first.stored });
        const repeated = await store.ingestRecords([entra[0], entra[0], entra[1]], { source: 'entra', tenant: 'contoso', origin: 'conformance' });
        expect(repeated).toMatchObject({ received: 3, stored: 2, duplicates: 1, quarantined: 0 });
        const counts = await store.countEvents();
        expect(counts.okta).toBe(first.stored);
        expect(counts.entra).toBe(2);
      } finally {
        await store.close();
      }
    });

    it('quarantines malformed records with a reason and keeps the rest', async () => {
      const store = await open();
      try {
        const okta = fixtureLines('okta/system_log.ndjson').slice(0, 2);
        const bad = ['{"uuid": "x", "published": ', 'not json at all', JSON.stringify({ hello: 'world' })];
        const r = await store.ingestRecords([...okta, ...bad], { source: 'okta', tenant: 'acme.okta.com', origin: 'conformance' });
        expect(r.received).toBe(5);
        expect(r.quarantined).toBe(3);
        expect(r.stored).toBe(2);
        expect(await store.countQuarantine()).toBe(3);
      } finally {
        await store.close();
      }
    });

    it('commits the checkpoint with the page it covers', async () => {
      const store = await open();
      try {
        expect(await store.getCheckpoint('okta', 'acme.okta.com', 'okta_system_log')).toBeNull();
        const okta = fixtureLines('okta/system_log.ndjson').slice(0, 1);
        const checkpoint = { source: 'okta', tenant: 'acme.okta.com', stream: 'okta_system_log', cursor: 'after-123', watermark: '2026-11-20T10:00:00.000Z' };
        await store.ingestRecords(okta, { source: 'okta', tenant: 'acme.okta.com', origin: 'conformance', checkpoint });
        const cp = await store.getCheckpoint('okta', 'acme.okta.com', 'okta_system_log');
        expect(cp?.cursor).toBe('after-123');
        expect(new Date(cp!.watermark!).toISOString()).toBe('2026-11-20T10:00:00.000Z');
      } finally {
        await store.close();
      }
    });

    it('groups repeated hits into one alert, keeps its triage status, and queues only new unsuppressed alerts', async () => {
      const store = await open();
      try {
        const a = sampleAlert('alert-1');
        const s = sampleAlert('alert-2', { suppressed_by: 'vpn-egress', entity: { user: 'lee@acme.example', ip: '10.0.0.1', app: null } });
        expect(await store.upsertAlerts([a, s], ['siem'])).toEqual({ created: 2, updated: 0 });
        await store.setAlertStatus('alert-1', 'acknowledged');
        const later = sampleAlert('alert-1', { last_seen: '2026-11-20T11:09:00.000Z', event_count: 8, evidence_event_ids: ['okta:acme.okta.com:2', 'okta:acme.okta.com:3'] });
        expect(await store.upsertAlerts([later], ['siem'])).toEqual({ created: 0, updated: 1 });
        const got = await store.getAlert('alert-1');
        expect(got).toMatchObject({ status: 'acknowledged', first_seen: '2026-11-20T10:55:00.000Z', last_seen: '2026-11-20T11:09:00.000Z', event_count: 8 });
        expect([...got!.evidence_event_ids].sort()).toEqual(['okta:acme.okta.com:1', 'okta:acme.okta.com:2', 'okta:acme.okta.com:3']);
        expect(got!.entity).toEqual({ user: 'dana.kim@acme.example', ip: '185.220.101.4', app: 'Okta Verify' });
        const pending = await store.pendingOutbox('siem', 100, new Date(Date.now() + 1000));
        expect(pending.map((p) => p.alert_id)).toEqual(['alert-1']);
        expect(pending[0].alert.rule_id).toBe('mfa_fatigue');
        expect((await store.listAlerts({ status: 'acknowledged' })).map((x) => x.alert_id)).toEqual(['alert-1']);
        expect((await store.listAlerts()).length).toBe(2);
        await expect(store.setAlertStatus('alert-1', 'closed')).rejects.toThrow(/needs a resolution/);
        const closed = await store.setAlertStatus('alert-1', 'closed', 'true_positive', 'reset the user\'s factors');
        expect(closed).toMatchObject({ status: 'closed', resolution: 'true_positive' });
        await expect(store.setAlertStatus('alert-1', 'acknowledged')).rejects.toThrow(/closed/);
        await expect(store.setAlertStatus('no-such-alert', 'acknowledged')).rejects.toThrow(/no alert/);
      } finally {
        await store.close();
      }
    });

    it('keeps an undelivered alert queued with its error until the sink takes it', async () => {
      const store = await open();
      try {
        await store.upsertAlerts([sampleAlert('a1'), sampleAlert('a2', { entity: { user: 'x@acme.example', ip: null, app: null } })], ['siem', 'archive']);
        const retryAt = new Date(Date.now() + 60_000);
        await store.markFailed('siem', ['a1', 'a2'], 'HTTP 503 Service Unavailable', retryAt);
        expect(await store.pendingOutbox('siem', 10, new Date())).toEqual([]);
        expect((await store.pendingOutbox('siem', 10, new Date(retryAt.getTime() + 1))).map((p) => p.alert_id).sort()).toEqual(['a1', 'a2']);
        let status = await store.sinkStatus();
        const siem = status.find((s) => s.sink === 'siem')!;
        expect(siem).toMatchObject({ queued: 2, delivered: 0, last_error: 'HTTP 503 Service Unavailable' });
        expect(siem.failing_since).not.toBeNull();
        await store.markDelivered('siem', ['a1', 'a2']);
        await store.markDelivered('archive', ['a1']);
        status = await store.sinkStatus();
        expect(status.find((s) => s.sink === 'siem')).toMatchObject({ queued: 0, delivered: 2, failing_since: null, last_error: null });
        expect(status.find((s) => s.sink === 'archive')).toMatchObject({ queued: 1, delivered: 1 });
        // queuing again what a sink already has changes nothing
        expect(await store.enqueueOutbox('siem', ['a1'])).toBe(0);
      } finally {
        await store.close();
      }
    });
  });
}
