import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { runDetections } from '../../detections/run.js';
import { evaluateAnalytics } from '../../detections/engine/evaluate.js';
import { parseAllowlist } from '../../detections/engine/allowlist.js';
import { ev, insertEvents, PLACES, signin } from './events.js';

let store: DuckDbStore;
beforeEach(async () => {
  store = await DuckDbStore.open(':memory:');
});
afterEach(async () => {
  await store.close();
});

const NOW = new Date('2026-11-20T00:00:00Z');
const all = (ids?: string[]) => evaluateAnalytics(store.db, { from: new Date('2026-11-01T00:00:00Z'), to: NOW, ids, now: NOW });

describe('impossible_travel', () => {
  it('fires on Berlin → Singapore in 72 minutes and explains the numbers', async () => {
    await insertEvents(store.db, [
      signin('alice@acme.example', '2026-11-10T09:02:00Z', '93.184.216.10', PLACES.berlin),
      signin('alice@acme.example', '2026-11-10T10:14:00Z', '203.0.113.50', PLACES.singapore),
    ]);
    const alerts = await all(['impossible_travel']);
    expect(alerts).toHaveLength(1);
    const a = alerts[0];
    expect(a.entity.user).toBe('alice@acme.example');
    expect(a.entity.ip).toBe('203.0.113.50');
    expect(a.techniques).toContain('T1078.004');
    expect(a.event_count).toBe(2);
    expect(a.explanation).toMatch(/Berlin \(DE\) 09:02 → Singapore \(SG\) 10:14/);
    expect(a.explanation).toMatch(/9,9\d\d km in 72 min = 8,\d{3} km\/h/);
  });

  it('does not fire on a genuine trip, a VPN egress flagged as proxy, a carrier hop, non-interactive refresh or missing geo', async () => {
    await insertEvents(store.db, [
      // genuine trip: Frankfurt 08:00 → New York 18:30 (6,200 km in 10.5 h)
      signin('bob@acme.example', '2026-11-10T08:00:00Z', '93.184.216.11', PLACES.frankfurt),
      signin('bob@acme.example', '2026-11-10T18:30:00Z', '198.51.100.7', PLACES.newyork),
      // VPN egress in New York, flagged as proxy by the IdP
      signin('carol@acme.example', '2026-11-10T09:00:00Z', '93.184.216.12', PLACES.berlin),
      signin('carol@acme.example', '2026-11-10T09:20:00Z', '198.51.100.8', PLACES.newyork, { src_is_proxy: true }),
      // carrier hop: T-Mobile gateway in Dallas, then Seattle
      signin('dave@acme.example', '2026-11-10T09:00:00Z', '172.56.1.1', PLACES.dallas),
      signin('dave@acme.example', '2026-11-10T09:30:00Z', '172.56.9.9', PLACES.seattle),
      // non-interactive token refresh from the resource's region
      signin('erin@acme.example', '2026-11-10T09:00:00Z', '93.184.216.13', PLACES.berlin),
      signin('erin@acme.example', '2026-11-10T09:10:00Z', '20.1.1.1', PLACES.singapore, { is_interactive: false }),
      // missing geo
      signin('frank@acme.example', '2026-11-10T09:00:00Z', '93.184.216.14', PLACES.berlin),
      signin('frank@acme.example', '2026-11-10T09:10:00Z', '203.0.113.77', { city: '', cc: '', lat: null as unknown as number, lon: null as unknown as number }),
      // bordering country, short hop: Munich → Vienna in 5 min (355 km)
      signin('gina@acme.example', '2026-11-10T09:00:00Z', '93.184.216.15', PLACES.munich),
      signin('gina@acme.example', '2026-11-10T09:05:00Z', '62.40.1.1', PLACES.vienna),
    ]);
    expect(await all(['impossible_travel'])).toEqual([]);
  });

  it('ignores a hop between two places the user already used (home and the trip hotel), not the first hop to a new place', async () => {
    await insertEvents(store.db, [
      signin('nora@acme.example', '2026-11-09T01:18:00Z', '45.112.137.66', PLACES.berlin),
      signin('nora@acme.example', '2026-11-09T20:00:00Z', '51.171.15.35', PLACES.newyork),
      signin('nora@acme.example', '2026-11-10T07:00:00Z', '51.171.15.35', PLACES.newyork),
      // home desktop signs in again an hour later: both ends are familiar
      signin('nora@acme.example', '2026-11-10T08:00:00Z', '45.112.137.66', PLACES.berlin),
      signin('omar@acme.example', '2026-11-10T07:00:00Z', '91.64.120.17', PLACES.berlin),
      signin('omar@acme.example', '2026-11-10T08:00:00Z', '119.74.33.201', PLACES.singapore),
    ]);
    const alerts = await all(['impossible_travel']);
    expect(alerts.map((a) => a.entity.user)).toEqual(['omar@acme.example']);
  });

  it('treats an IP shared by many users as an egress, not a location', async () => {
    const rows = [signin('hank@acme.example', '2026-11-10T09:00:00Z', '93.184.216.16', PLACES.berlin)];
    for (let i = 0; i < 12; i++) rows.push(signin(`user${i}@acme.example`, `2026-11-09T1${i % 10}:00:00Z`, '198.51.100.99', PLACES.newyork));
    rows.push(signin('hank@acme.example', '2026-11-10T09:30:00Z', '198.51.100.99', PLACES.newyork));
    await insertEvents(store.db, rows);
    expect(await all(['impossible_travel'])).toEqual([]);
  });
});

describe('mfa_fatigue', () => {
  const deny = (user: string, t: string, extra = {}) =>
    ev({ event_time: t, actor_name: user, event_class: 'mfa', action: 'mfa_deny', outcome: 'failure', src_ip: '203.0.113.9', native_type: 'user.mfa.okta_verify.deny_push', ...extra });

  it('fires on 5 denials in 10 min and escalates when a push is accepted', async () => {
    const rows = [0, 1, 2, 3, 4].map((i) => deny('ivan@acme.example', `2026-11-10T10:0${i}:00Z`));
    rows.push(ev({ event_time: '2026-11-10T10:06:00Z', actor_name: 'ivan@acme.example', event_class: 'mfa', action: 'mfa_verify', outcome: 'success', src_ip: '203.0.113.9' }));
    await insertEvents(store.db, rows);
    const alerts = await all(['mfa_fatigue']);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].severity).toBe('high');
    expect(alerts[0].techniques).toEqual(['T1621']);
    expect(alerts[0].explanation).toMatch(/5 denied or unanswered MFA prompts/);
    expect(alerts[0].evidence_event_ids).toHaveLength(6);
  });

  it('counts OIE auth_via_mfa failures, but not twice when Okta logs both events for one tap', async () => {
    const rows = [];
    for (let i = 0; i < 4; i++) {
      rows.push(deny('judy@acme.example', `2026-11-10T11:0${i}:00Z`));
      rows.push(ev({ event_time: `2026-11-10T11:0${i}:01Z`, actor_name: 'judy@acme.example', event_class: 'mfa', action: 'mfa_verify', outcome: 'failure', native_type: 'user.authentication.auth_via_mfa' }));
    }
    await insertEvents(store.db, rows);
    expect(await all(['mfa_fatigue'])).toEqual([]); // 4 taps, not 8
    await insertEvents(store.db, [ev({ event_time: '2026-11-10T11:05:00Z', actor_name: 'judy@acme.example', event_class: 'mfa', action: 'mfa_verify', outcome: 'failure', native_type: 'user.authentication.auth_via_mfa' })]);
    const alerts = await all(['mfa_fatigue']);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].severity).toBe('medium');
  });

  it('does not fire for a user who mis-taps once', async () => {
    await insertEvents(store.db, [
      deny('kim@acme.example', '2026-11-10T12:00:00Z'),
      ev({ event_time: '2026-11-10T12:00:30Z', actor_name: 'kim@acme.example', event_class: 'mfa', action: 'mfa_verify', outcome: 'success' }),
    ]);
    expect(await all(['mfa_fatigue'])).toEqual([]);
  });

  it('fires exactly once for a burst split across two ingests and runs', async () => {
    const burst = [0, 1, 2, 3, 4, 5].map((i) => deny('leo@acme.example', `2026-11-10T13:0${i}:00Z`, { ingest_time: '2026-11-10T13:03:00Z' }));
    await insertEvents(store.db, burst.slice(0, 3));
    const r1 = await runDetections(store, { now: new Date('2026-11-10T13:03:00Z'), until: '2026-11-10T13:03:00Z' });
    expect(r1.new).toBe(0);
    await insertEvents(store.db, burst.slice(3).map((r) => ({ ...r, ingest_time: '2026-11-10T13:10:00Z' })));
    const r2 = await runDetections(store, { now: new Date('2026-11-10T13:10:00Z'), until: '2026-11-10T13:10:00Z' });
    expect(r2.new).toBe(1);
    const r3 = await runDetections(store, { now: new Date('2026-11-10T13:20:00Z'), until: '2026-11-10T13:20:00Z' });
    expect(r3.new).toBe(0);
    const stored = await store.listAlerts();
    expect(stored).toHaveLength(1);
    expect(stored[0].event_count).toBe(6);
  });
});

describe('alerts', () => {
  it('re-running over the same window creates nothing new; suppression records the entry; expired entries stop suppressing', async () => {
    await insertEvents(store.db, [
      signin('alice@acme.example', '2026-11-10T09:02:00Z', '93.184.216.10', PLACES.berlin),
      signin('alice@acme.example', '2026-11-10T10:14:00Z', '203.0.113.50', PLACES.singapore),
    ]);
    const since = '2026-11-01T00:00:00Z';
    const until = '2026-11-20T00:00:00Z';
    const allowlist = parseAllowlist({
      entries: [
        { id: 'vpn-sg', kind: 'network', cidrs: ['203.0.113.0/24'], owner: 'netsec@acme.example', reason: 'company VPN Singapore PoP', expires: '2026-12-31' },
      ],
    });
    const r1 = await runDetections(store, { since, until, allowlist, now: NOW });
    expect(r1.new).toBe(1);
    expect(r1.alerts[0].suppressed_by).toBe('vpn-sg');
    const r2 = await runDetections(store, { since, until, allowlist, now: NOW });
    expect(r2.new).toBe(0);
    expect(r2.alerts).toHaveLength(1);
    const expired = await runDetections(store, { since, until, allowlist, now: new Date('2027-01-05T00:00:00Z') });
    expect(expired.alerts[0].suppressed_by).toBeNull();
  });

  it('rejects allowlist entries without owner, reason or expiry', () => {
    expect(() => parseAllowlist({ entries: [{ id: 'x', kind: 'user', users: ['a@b'], owner: 'o', reason: 'r' }] })).toThrow(/expires/);
    expect(() => parseAllowlist({ entries: [{ id: 'x', kind: 'user', users: ['a@b'], reason: 'r', expires: '2027-01-01' }] })).toThrow(/owner/);
  });
});
