import { DuckDBInstance, listValue, LIST, VARCHAR, DOUBLE, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { IdtrailError } from '../../lib/errors.js';

export type SqlParam = DuckDBValue | string | number | boolean | null | bigint | Date | undefined | string[] | number[];
export type SqlParams = SqlParam[] | Record<string, SqlParam>;

/**
 * A thin wrapper over one DuckDB database file. DuckDB allows one writer process per file; inside
 * the process each concurrent unit of work takes its own connection (`connect()`). Extension
 * auto-install and auto-load are off: nothing is downloaded, and the bundled json, parquet and icu
 * extensions are what the SQL may use. Every statement takes its values as bound parameters:
 * nothing from a user is spliced into SQL text.
 */
export class DuckDb {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly readOnly: boolean,
  ) {}

  static async open(path: string, opts: { readOnly?: boolean; threads?: number; memoryLimit?: string } = {}): Promise<DuckDb> {
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    };
    if (opts.readOnly) config.access_mode = 'READ_ONLY';
    // DuckDB checkpoints when the WAL passes 16 MiB by default, and a checkpoint rewrites a table's
    // partly filled last row group whole: an ingest committing 20k-record batches then compresses
    // and writes each 122,880-row group about six times. A larger threshold lets several batches
    // fill a row group before it is written (measured: 1.4x less CPU for a 150k-event import).
    else config.checkpoint_threshold = '256MB';
    if (opts.threads) config.threads = String(opts.threads);
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const hint = /lock/i.test(msg)
        ? 'another idtrail process is writing to this database; stop it or use another --db'
        : 'check that the path is writable and is a DuckDB file';
      throw new IdtrailError('store_error', `cannot open DuckDB database ${path}: ${msg}`, { hint, cause: err });
    }
    const conn = await instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
    return new DuckDb(path, instance, conn, !!opts.readOnly);
  }

  /** A second connection on the same database, for a concurrent unit of work. */
  async connect(): Promise<DuckDBConnection> {
    const conn = await this.instance.connect();
    await conn.run("SET TimeZone = 'UTC'");
    return conn;
  }

  async run(sql: string, params?: SqlParams, conn: DuckDBConnection = this.conn): Promise<void> {
    const [values, types] = bindable(params);
    await conn.run(sql, values as never, types as never);
  }

  /** Rows as plain JS objects (BIGINT → bigint, TIMESTAMP → Date, lists → arrays). */
  async all<T = Record<string, unknown>>(sql: string, params?: SqlParams, conn: DuckDBConnection = this.conn): Promise<T[]> {
    const [values, types] = bindable(params);
    const reader = await conn.runAndReadAll(sql, values as never, types as never);
    return reader.getRowObjectsJS() as T[];
  }

  async one<T = Record<string, unknown>>(sql: string, params?: SqlParams, conn: DuckDBConnection = this.conn): Promise<T | undefined> {
    const rows = await this.all<T>(sql, params, conn);
    return rows[0];
  }

  /** Runs `fn` inside BEGIN/COMMIT on the given connection; rolls back on error. */
  async transaction<T>(fn: (conn: DuckDBConnection) => Promise<T>, conn: DuckDBConnection = this.conn): Promise<T> {
    await conn.run('BEGIN TRANSACTION');
    try {
      const result = await fn(conn);
      await conn.run('COMMIT');
      return result;
    } catch (err) {
      try {
        await conn.run('ROLLBACK');
      } catch {
        /* the transaction may already be aborted */
      }
      throw err;
    }
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/**
 * Makes JS values bindable: Dates become ISO-8601 text (DuckDB casts it to TIMESTAMP, UTC), JS arrays
 * become typed LIST values (the client cannot infer a list's element type on its own).
 */
function bindable(params: SqlParams | undefined): [unknown, unknown] {
  if (params === undefined) return [undefined, undefined];
  const entries: [string | number, SqlParam][] = Array.isArray(params) ? params.map((v, i) => [i + 1, v]) : Object.entries(params);
  let types: Record<string, DuckDBType> | undefined;
  const values: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    if (v instanceof Date) values[key] = v.toISOString();
    else if (v === undefined) values[key] = null;
    else if (Array.isArray(v)) {
      const numeric = v.length > 0 && v.every((x) => typeof x === 'number');
      values[key] = listValue(numeric ? v : v.map((x) => (x === null || x === undefined ? null : String(x))));
      (types ??= {})[key] = LIST(numeric ? DOUBLE : VARCHAR);
    } else values[key] = v;
  }
  if (Array.isArray(params)) {
    const list = entries.map(([k]) => values[k]);
    return [list, types ? entries.map(([k]) => types![k]) : undefined];
  }
  return [values, types];
}

/** Quote an SQL identifier that comes from our own registries (never from user input). */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `"${name.replace(/"/g, '""')}"`;
  return `"${name}"`;
}

/** Convert a JS value from DuckDB into JSON-safe form (bigint → number, Date → ISO string). */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}
