import { eventStoreConformance } from '../../test/store/conformance.js';
import { FakeElasticsearch } from '../../test/store/fake-elasticsearch.js';
import { ElasticStore } from './store.js';

// The contract against the documented REST behaviour (in-memory cluster behind the client mock).
eventStoreConformance('Elasticsearch (contract)', () => ElasticStore.open(null, { client: new FakeElasticsearch().client(), maxItemRetries: 3 }));
