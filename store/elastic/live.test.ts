import { describe } from 'vitest';
import { eventStoreConformance } from '../../test/store/conformance.js';
import { ElasticStore } from './store.js';
import { esConnectionFromEnv } from './client.js';

/**
 * Opt-in: the same conformance suite against a real cluster. Set ELASTICSEARCH_URL (and
 * ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/PASSWORD, ELASTICSEARCH_CA_FILE). Each run uses
 * its own namespace so it never touches other data.
 */
const url = process.env.ELASTICSEARCH_URL;
if (url) {
  let n = 0;
  const run = `t${Date.now().toString(36)}`;
  eventStoreConformance(`Elasticsearch live (${url})`, () => ElasticStore.open(esConnectionFromEnv(), { namespace: `${run}_${++n}` }));
} else {
  describe.skip('Elasticsearch live suite — skipped: ELASTICSEARCH_URL is not set (no cluster can run on this machine)', () => {});
}
