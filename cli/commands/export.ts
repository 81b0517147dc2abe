import type { Command } from '../command.js';
import { str, flag, writeJson } from '../command.js';
import { IdtrailError } from '../../lib/errors.js';
import { DuckDb } from '../../store/duckdb/db.js';
import { exportQuery, type ExportFormat } from '../../store/export.js';

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export a table or a read-only query as Apache Arrow IPC, Parquet or CSV',
  usage: "export <table | 'SELECT …'> [--format arrow|parquet|csv] [--out FILE] [--db FILE] [--json]",
  options: {
    format: { type: 'string', default: 'parquet' },
    out: { type: 'string' },
    db: { type: 'string', default: 'idtrail.duckdb' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    const what = ctx.positionals.join(' ').trim();
    if (!what) throw new IdtrailError('usage', 'name a table or give a query to export', { hint: "e.g. idtrail export alerts --format arrow --out alerts.arrow" });
    const format = str(ctx, 'format', 'parquet') as ExportFormat;
    if (!['arrow', 'parquet', 'csv'].includes(format)) throw new IdtrailError('usage', `--format must be arrow, parquet or csv, got '${format}'`);
    const ext = format === 'arrow' ? 'arrow' : format;
    const out = str(ctx, 'out') ?? `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(what) ? what : 'export'}.${ext}`;
    const db = await DuckDb.open(str(ctx, 'db', 'idtrail.duckdb')!, { readOnly: true });
    try {
      const result = await exportQuery(db, what, format, out);
      if (flag(ctx, 'json')) writeJson(ctx, { ...result, format });
      else ctx.stdout.write(`${result.rows} rows → ${result.out}\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};
