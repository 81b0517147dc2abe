import { describe, expect, it } from 'vitest';
import { fixtureLines } from '../../test/store/conformance.js';
import { DuckDbStore } from './store.js';

describe('ingest of a batch with many distinct addresses', () => {
  it('enriches more distinct IPs than one DuckDB data chunk holds (2048)', async () => {
    const base = JSON.parse(fixtureLines('google_workspace/activities.ndjson')[0]) as { id: { uniqueQualifier: string }; ipAddress: string };
    const records = Array.from({ length: 2600 }, (_, i) => {
      const r = structuredClone(base);
      r.id.uniqueQualifier = `-${1000000 + i}`;
      r.ipAddress = `81.2.${Math.floor(i / 250)}.${i % 250}`;
      return JSON.stringify(r);
    });
    const store = await DuckDbStore.open(':memory:');
    const r = await store.ingestRecords(records, { source: 'google_workspace', tenant: 'C01abc', origin: 'test' });
    expect(r).toMatchObject({ received: 2600, stored: 2600, quarantined: 0, normalized: 2600 });
    const ips = await store.db.one<{ n: bigint }>('SELECT count(DISTINCT src_ip) AS n FROM identity_events');
    expect(Number(ips?.n)).toBe(2600);
    await store.close();
  });
});
