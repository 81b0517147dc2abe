import type { Command } from '../command.js';
import { str, writeJson, flag } from '../command.js';
import { IdtrailError } from '../../lib/errors.js';
import { DuckDb } from '../../store/duckdb/db.js';
import { parseParamArgs, runNotebookFile } from '../../notebooks/runner/index.js';

export const notebookRun: Command = {
  name: 'notebook run',
  summary: 'Run a Markdown notebook (sql, vega-lite and table cells) headlessly into an HTML or Markdown report',
  usage: 'notebook run <file.md> [--param name=value ...] [--format html|md] [--out FILE] [--db FILE] [--json]',
  options: {
    param: { type: 'string', multiple: true },
    format: { type: 'string', default: 'html' },
    out: { type: 'string' },
    db: { type: 'string', default: 'idtrail.duckdb' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    const file = ctx.positionals[0];
    if (!file) throw new IdtrailError('usage', 'name the notebook to run', { hint: 'e.g. idtrail notebook run notebooks/user-investigation.md --param user=ana@acme.example' });
    const format = str(ctx, 'format', 'html');
    if (format !== 'html' && format !== 'md') throw new IdtrailError('usage', `--format must be html or md, got '${format}'`);
    const given = parseParamArgs((ctx.values.param as string[] | undefined) ?? []);
    const db = await DuckDb.open(str(ctx, 'db', 'idtrail.duckdb')!, { readOnly: true });
    try {
      const report = await runNotebookFile(db, file, given, { format, out: str(ctx, 'out') });
      const rows = Object.fromEntries(report.run.cells.flatMap((c) => (c.kind === 'sql' ? [[c.name, c.rows.length]] : [])));
      if (flag(ctx, 'json')) writeJson(ctx, { notebook: file, outputs: report.outputs, rows });
      else ctx.stdout.write(`${report.outputs[0]}\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};
