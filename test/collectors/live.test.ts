import { describe, expect, it } from 'vitest';
import { sourceConfig, type SourceConfig } from '../../config/schema.js';
import { collect } from '../../ingest/sources/collect.js';
import { buildSource } from '../../ingest/sources/registry.js';
import { MemoryStore } from './memory-store.js';

/**
 * Opt-in: a short real pull from a vendor tenant when its credentials are in the environment
 * (the same variables the CLI reads). Skipped otherwise, with the missing variables in the test name.
 * Nothing is stored: the records go to an in-memory store and are counted.
 */
const LIVE: Array<{ type: SourceConfig['type']; needs: string[]; extra?: Record<string, unknown> }> = [
  { type: 'okta', needs: ['OKTA_ORG_URL', 'OKTA_API_TOKEN'] },
  { type: 'entra', needs: ['ENTRA_TENANT_ID', 'ENTRA_CLIENT_ID', 'ENTRA_CLIENT_SECRET'], extra: { streams: ['signins', 'directory_audits'] } },
  { type: 'google_workspace', needs: ['GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_ADMIN_SUBJECT'], extra: { applications: ['login'] } },
];

describe('live vendor APIs (opt-in)', () => {
  for (const { type, needs, extra } of LIVE) {
    const missing = needs.filter((n) => !process.env[n]);
    const title = `${type}: a one-hour pull from the real API pages, stores and checkpoints`;
    if (missing.length) {
      it.skip(`${title} — skipped: set ${missing.join(', ')} to run it against a real tenant`, () => {});
      continue;
    }
    it(title, { timeout: 300_000 }, async () => {
      const cfg = sourceConfig.parse({ type, tenant: 'live', ...extra });
      const store = new MemoryStore();
      const until = new Date();
      const stats = await collect(buildSource(cfg, type), store.asStore(), { since: new Date(until.getTime() - 3600_000), until: type === 'okta' ? until : undefined });
      expect(stats.errors).toBe(0);
      expect(stats.pages).toBeGreaterThan(0);
      expect(store.quarantine).toEqual([]);
      expect(stats.stored).toBe(store.ids().length);
      for (const feed of Object.keys(stats.watermarks)) expect(await store.getCheckpoint(cfg.type, 'live', feed)).not.toBeNull();
    });
  }
});
