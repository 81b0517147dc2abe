import { describe, expect, it } from 'vitest';
import { DuckDbStore } from './store.js';

describe('DuckDbStore', () => {
  it('creates every table of the schema and records its migrations', async () => {
    const store = await DuckDbStore.open(':memory:');
    const tables = (await store.db.all<{ table_name: string }>(`SELECT table_name FROM information_schema.tables ORDER BY 1`)).map((r) => r.table_name);
    for (const t of ['identity_events', 'quarantine', 'checkpoints', 'accounts', 'auth_methods', 'role_assignments', 'hris_workers', 'itsm_records', 'alerts', 'outbox', 'kpi_results', 'schema_migrations']) {
      expect(tables).toContain(t);
    }
    await store.migrate(); // idempotent
    const applied = await store.db.all<{ version: number }>('SELECT version FROM schema_migrations');
    expect(applied.length).toBe(1);
    const ext = await store.db.all<{ value: string }>(`SELECT value FROM duckdb_settings() WHERE name IN ('autoinstall_known_extensions','autoload_known_extensions')`);
    expect(ext.map((e) => e.value)).toEqual(['false', 'false']);
    await store.close();
  });
});
