import { eventStoreConformance } from '../../test/store/conformance.js';
import { DuckDbStore } from './store.js';

eventStoreConformance('DuckDB', () => DuckDbStore.open(':memory:'));
