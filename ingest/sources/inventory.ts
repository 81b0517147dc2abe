import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ZodError } from 'zod';
import { IdtrailError } from '../../lib/errors.js';
import type { EventStore } from '../../store/event-store.js';
import type { DuckDb } from '../../store/duckdb/db.js';
import { inventoryRules, type InventoryRules, type InventoryRulesInput } from '../mapping/account-rules.js';
import {
  INVENTORY_KINDS,
  KIND_ORDER,
  kindFromName,
  sniffKind,
  type InventoryKind,
  type InventorySource,
  type MapContext,
} from '../mapping/inventory-kinds.js';
import { readExportFile, readRecords } from '../mapping/records.js';
import { addResults, emptyResult, sqlDb, writeQuarantine, writeRows, type LoadResult, type Rejected, type Row } from '../mapping/tables.js';
import { asTimestamp, ValueError, zodReason } from '../mapping/values.js';

/**
 * Inventory snapshots — who has an account, which MFA methods it has registered, which admin roles
 * it holds — into `accounts`, `auth_methods` and `role_assignments`. Two entry points share one
 * mapping: `loadInventoryPages` for objects a collector fetched from the Okta and Graph APIs, and
 * `loadInventoryPath` for the same listings saved as files. Every row of one snapshot carries the
 * same `snapshot_at`; loading a snapshot again stores nothing new.
 */
export type { InventoryKind, InventorySource } from '../mapping/inventory-kinds.js';

export interface InventoryPage {
  source: InventorySource;
  tenant: string;
  /** When the inventory was collected (ISO-8601 or Date): the snapshot key of every row. */
  snapshotAt: string | Date;
  kind: InventoryKind;
  /** The vendor objects, exactly as the API returned them (a Graph page's `value`, an Okta list). */
  items: unknown[];
  /** For Okta factors and roles fetched with `/api/v1/users/{id}/factors|roles`: that user id. */
  userId?: string;
  /** Where the items came from (URL or file), recorded on quarantine rows. */
  origin?: string;
  /** Line of each item in its file, when read from a file. */
  lines?: (number | null)[];
  rules?: InventoryRules | InventoryRulesInput;
}

type StoreLike = EventStore | { db: DuckDb };

function compiledRules(rules: InventoryRules | InventoryRulesInput | undefined): InventoryRules {
  if (rules && typeof (rules as InventoryRules).isService === 'function') return rules as InventoryRules;
  return inventoryRules(rules ?? {});
}

function snapshotText(v: string | Date, where: string): string {
  try {
    const s = asTimestamp(v, 'snapshotAt');
    if (s) return s;
  } catch (err) {
    if (!(err instanceof ValueError)) throw err;
  }
  throw new IdtrailError('input_invalid', `${where}: snapshot time ${JSON.stringify(v)} is not an ISO-8601 date-time`, {
    hint: 'give the time the inventory was collected, e.g. 2026-11-25T06:00:00Z',
  });
}

export async function loadInventoryPages(store: StoreLike, page: InventoryPage): Promise<LoadResult> {
  const spec = INVENTORY_KINDS[page.kind];
  const origin = page.origin ?? `${page.source}:${page.kind}`;
  if (!spec) throw new IdtrailError('usage', `unknown inventory kind ${JSON.stringify(page.kind)}`, { hint: `one of ${KIND_ORDER.join(', ')}` });
  if (spec.source !== page.source) {
    throw new IdtrailError('usage', `inventory kind ${page.kind} comes from ${spec.source}, not ${page.source}`);
  }
  if (!page.tenant) throw new IdtrailError('usage', `${origin}: a tenant is required for inventory rows`);
  const db = sqlDb(store);
  const ctx: MapContext = { source: page.source, tenant: page.tenant, snapshotAt: snapshotText(page.snapshotAt, origin), rules: compiledRules(page.rules) };
  const result = emptyResult();
  const rows: Row[] = [];
  const rejected: Rejected[] = [];
  page.items.forEach((item, idx) => {
    const line = page.lines?.[idx] ?? null;
    const parts = spec.explode ? spec.explode(item, { ...ctx, userId: page.userId }) : [{ value: item, userId: page.userId }];
    for (const part of parts) {
      try {
        const out = spec.map(part.value, { ...ctx, userId: part.userId ?? page.userId });
        if ('skip' in out) {
          result.skipped++;
          result.skippedReasons[out.skip] = (result.skippedReasons[out.skip] ?? 0) + 1;
          continue;
        }
        for (const r of out.rows) rows.push(r.row);
      } catch (err) {
        const reason = err instanceof ZodError ? `invalid ${spec.source} ${page.kind} object: ${zodReason(err)}` : err instanceof ValueError ? err.message : null;
        if (reason === null) throw err;
        rejected.push({ line, raw: safeJson(part.value), reason });
      }
    }
  });
  const written = await db.transaction(async (conn) => {
    await writeQuarantine(conn, { source: 'inventory', stream: `${page.source}_${page.kind}`, tenant: page.tenant, origin }, rejected);
    return writeRows(conn, spec.table, rows, { update: spec.update });
  });
  result.received = rows.length + rejected.length + result.skipped;
  result.stored = written.stored;
  result.duplicates = written.duplicates;
  result.quarantined = rejected.length;
  result.tables[spec.table] = written.stored;
  result.streams[spec.table] = written.stored;
  return result;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export interface InventoryFileOptions {
  /** Which listing a file holds when its name does not say (`okta_users`, `graph_role_assignments`, `factors`, …). */
  kind?: string;
  tenant?: string;
  /** Overrides the folder's snapshot.json. */
  snapshotAt?: string;
  rules?: InventoryRules | InventoryRulesInput;
}

/** `snapshot.json` beside the listings: `{ "snapshot_at": ISO, "tenants": { "okta": host, "entra": guid } }`. */
interface SnapshotManifest {
  snapshot_at?: string;
  tenants?: Partial<Record<InventorySource, string>>;
}

async function readManifest(dir: string): Promise<SnapshotManifest | null> {
  const path = join(dir, 'snapshot.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const m = JSON.parse(text) as SnapshotManifest;
    if (m === null || typeof m !== 'object') throw new Error('not an object');
    return m;
  } catch (err) {
    throw new IdtrailError('input_invalid', `${path}: not a snapshot manifest: ${(err as Error).message}`, {
      location: { file: path },
      hint: 'expected {"snapshot_at": "<ISO>", "tenants": {"okta": "<org host>", "entra": "<tenant id>"}}',
    });
  }
}

function resolveKind(hint: string | undefined): InventoryKind {
  const k = kindFromName(hint ?? '');
  if (!k) throw new IdtrailError('usage', `unknown inventory kind ${JSON.stringify(hint)}`, { hint: `one of ${KIND_ORDER.map((x) => INVENTORY_KINDS[x].fileStem).join(', ')}` });
  return k;
}

/** Okta objects name their org in every HAL link: `https://acme.okta.com/api/v1/...`. */
function oktaOrgFromItems(items: unknown[]): string | undefined {
  for (const it of items.slice(0, 20)) {
    const text = safeJson(it);
    const m = /"href":"https?:\/\/([^/"]+)\/api\/v1\//.exec(text);
    if (m) return m[1];
  }
  return undefined;
}

/** Loads one inventory listing file. */
export async function loadInventoryFile(store: StoreLike, path: string, opts: InventoryFileOptions = {}, manifest?: SnapshotManifest | null): Promise<LoadResult> {
  const man = manifest === undefined ? await readManifest(dirname(path)) : manifest;
  const { text } = await readExportFile(path);
  const read = readRecords(text, path);
  const kind = opts.kind ? resolveKind(opts.kind) : (kindFromName(basename(path)) ?? sniffKind(read.envelope, read.records[0]?.value));
  if (!kind) {
    throw new IdtrailError('input_invalid', `${path}: cannot tell which inventory listing this is`, {
      location: { file: path },
      hint: `name it after the listing (${KIND_ORDER.map((k) => INVENTORY_KINDS[k].fileStem).join(', ')}) or pass --kind`,
    });
  }
  const spec = INVENTORY_KINDS[kind];
  const items = read.records.map((r) => r.value);
  const tenant = opts.tenant ?? man?.tenants?.[spec.source] ?? (spec.source === 'okta' ? oktaOrgFromItems(items) : undefined);
  if (!tenant) {
    throw new IdtrailError('usage', `${path}: which ${spec.source} tenant is this inventory from?`, {
      location: { file: path },
      hint: 'pass --tenant, or put snapshot.json ({"snapshot_at", "tenants": {...}}) beside the file',
    });
  }
  const snapshotAt = opts.snapshotAt ?? man?.snapshot_at ?? (await stat(path)).mtime;
  const result = await loadInventoryPages(store, {
    source: spec.source,
    tenant,
    snapshotAt,
    kind,
    items,
    lines: read.records.map((r) => r.line),
    origin: path,
    rules: opts.rules,
  });
  if (read.bad.length > 0) {
    const db = sqlDb(store);
    await db.transaction((conn) => writeQuarantine(conn, { source: 'inventory', stream: `${spec.source}_${kind}`, tenant, origin: path }, read.bad));
    result.received += read.bad.length;
    result.quarantined += read.bad.length;
  }
  result.files = [path];
  return result;
}

/** A listing file or a folder of them (the demo's `inventory/`): every recognised file is loaded. */
export async function loadInventoryPath(store: StoreLike, path: string, opts: InventoryFileOptions = {}): Promise<LoadResult> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new IdtrailError('file_not_found', `${path}: no such file or folder`, { location: { file: path } });
  if (!st.isDirectory()) return loadInventoryFile(store, path, opts);
  const manifest = await readManifest(path);
  const names = (await readdir(path)).filter((n) => n !== 'snapshot.json' && /\.(json|ndjson|jsonl)(\.gz)?$/i.test(n)).sort();
  const byKind: { name: string; kind: InventoryKind }[] = [];
  for (const name of names) {
    const kind = kindFromName(name);
    if (kind) byKind.push({ name, kind });
  }
  byKind.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.name.localeCompare(b.name));
  let total = emptyResult();
  for (const { name } of byKind) {
    total = addResults(total, await loadInventoryFile(store, join(path, name), { ...opts, kind: undefined }, manifest));
  }
  return total;
}
