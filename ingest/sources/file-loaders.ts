import type { EventStore, IngestResult } from '../../store/event-store.js';
import { loadHrisPath } from './hris.js';
import { loadInventoryPath } from './inventory.js';
import { loadItsmPath } from './itsm.js';
import { ingestPath } from './file.js';

/**
 * `idtrail ingest file <path> --source <name>`: one loader per source, for a file or a folder.
 * Adding a source = one entry here.
 */
export interface FileLoadOptions {
  /** Column-mapping preset for export sources (hris: workday, bamboohr, scim; itsm: servicenow, jira, access_reviews, self_service). */
  preset?: string;
  /** Inventory listing kind when the file name does not say (okta_users, graph_role_assignments, …). */
  kind?: string;
  tenant?: string;
  /** Inventory snapshot time (default: snapshot.json beside the files, else the file time). */
  snapshotAt?: string;
  /** Export time for records without a version time of their own. */
  asOf?: string;
  /** A column mapping from config (hris, itsm). */
  mapping?: unknown;
  /** Inventory classification rules from config (service and break-glass accounts, privileged roles). */
  rules?: unknown;
}

export type FileLoader = (store: EventStore, path: string, opts: FileLoadOptions) => Promise<IngestResult>;

export const FILE_LOADERS: Record<string, FileLoader> = {
  okta: (store, path, o) => ingestPath(store, path, { source: 'okta', tenant: o.tenant }),
  entra: (store, path, o) => ingestPath(store, path, { source: 'entra', tenant: o.tenant }),
  google_workspace: (store, path, o) => ingestPath(store, path, { source: 'google_workspace', tenant: o.tenant }),
  aws: (store, path, o) => ingestPath(store, path, { source: 'aws', tenant: o.tenant }),
  inventory: (store, path, o) => loadInventoryPath(store, path, { kind: o.kind, tenant: o.tenant, snapshotAt: o.snapshotAt, rules: o.rules as never }),
  hris: (store, path, o) => loadHrisPath(store, path, { preset: o.preset, mapping: o.mapping, asOf: o.asOf }),
  itsm: (store, path, o) => loadItsmPath(store, path, { preset: o.preset, mapping: o.mapping, asOf: o.asOf }),
};
