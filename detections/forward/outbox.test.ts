import { describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { alertSet } from '../../test/forward/alerts.js';
import type { Alert } from '../alerts/model.js';
import { forwardPending } from './outbox.js';
import type { DeliveryOutcome, Sink } from './sink.js';

function fakeSink(name: string, deliver: (alerts: Alert[]) => Promise<DeliveryOutcome>, maxBatch = 3): Sink & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    name,
    kind: 'file',
    display: name,
    maxBatch,
    calls,
    async deliver(alerts) {
      calls.push(alerts.map((a) => a.alert_id));
      return deliver(alerts);
    },
    async close() {},
  };
}

describe('outbox delivery', () => {
  it('drains in batches of the sink size, each alert once', async () => {
    const store = await DuckDbStore.open(':memory:');
    const alerts = alertSet(8);
    await store.upsertAlerts(alerts, ['s']);
    const sink = fakeSink('s', async (a) => ({ delivered: a.map((x) => x.alert_id), failed: [] }));
    const [r] = await forwardPending(store, [sink]);
    expect(r).toMatchObject({ attempted: 8, delivered: 8, failed: 0 });
    expect(sink.calls.map((c) => c.length)).toEqual([3, 3, 2]);
    expect(new Set(sink.calls.flat()).size).toBe(8);
    expect((await forwardPending(store, [sink]))[0].attempted).toBe(0);
    await store.close();
  });

  it('a sink that throws or forgets an alert loses nothing; retry-now does not loop within a run', async () => {
    const store = await DuckDbStore.open(':memory:');
    const alerts = alertSet(5);
    await store.upsertAlerts(alerts, ['s']);
    let n = 0;
    const sink = fakeSink('s', async (a) => {
      n++;
      if (n === 1) throw new Error('socket hang up');
      // delivers the first, says nothing about the others
      return { delivered: [a[0].alert_id], failed: [] };
    });
    const [r1] = await forwardPending(store, [sink], { retryNow: true });
    // batch 1 throws: the run stops for this sink
    expect(r1).toMatchObject({ attempted: 3, delivered: 0, failed: 3, errors: ['socket hang up'] });
    const [r2] = await forwardPending(store, [sink], { retryNow: true });
    expect(r2.delivered).toBe(2);
    expect(r2.errors).toContain('the sink reported no outcome');
    // every alert was offered once in that run even though failed ones were due again
    expect(new Set(sink.calls.slice(1).flat()).size).toBe(sink.calls.slice(1).flat().length);
    const st = (await store.sinkStatus())[0];
    expect([st.queued, st.delivered]).toEqual([3, 2]);
    expect(st.failing_since).not.toBeNull();
    await store.close();
  });

  it('backoff grows with attempts and survives in the store', async () => {
    const store = await DuckDbStore.open(':memory:');
    await store.upsertAlerts(alertSet(1), ['s']);
    const sink = fakeSink('s', async (a) => ({ delivered: [], failed: a.map((x) => ({ alert_id: x.alert_id, error: 'HTTP 503' })) }));
    const policy = { backoff: { baseMs: 1000, capMs: 8000 }, random: () => 1 };
    const waits: number[] = [];
    let now = Date.now() + 1000;
    for (let i = 0; i < 5; i++) {
      await forwardPending(store, [sink], { ...policy, now: () => new Date(now) });
      const row = await store.db.one<{ t: Date; attempts: number }>('SELECT next_attempt_at AS t, attempts FROM outbox');
      waits.push(row!.t.getTime() - now);
      now = row!.t.getTime();
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000]);
    await store.close();
  });
});
