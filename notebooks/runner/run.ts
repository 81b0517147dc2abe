import type { TopLevelSpec } from 'vega-lite';
import type { DuckDb, SqlParam } from '../../store/duckdb/db.js';
import { toPlain } from '../../store/duckdb/db.js';
import { IdtrailError } from '../../lib/errors.js';
import { renderSvg, baseConfig } from '../../dashboards/render.js';
import { referencedParams, type Notebook } from './parse.js';

export type CellResult =
  | { kind: 'markdown'; text: string }
  | { kind: 'sql'; name: string; sql: string; rows: Record<string, unknown>[]; columns: string[]; truncated: boolean; ms: number }
  | { kind: 'chart'; data: string; svg: string; spec: TopLevelSpec }
  | { kind: 'table'; data: string; columns: string[]; rows: Record<string, unknown>[]; total: number };

export interface NotebookRun {
  notebook: Notebook;
  params: Record<string, SqlParam>;
  cells: CellResult[];
}

const MAX_ROWS = 50_000;

/**
 * Runs a notebook's cells in order against the store. Each sql cell receives only the parameters it
 * references, as bound values. Results keep JSON-safe values (bigint → number, Date → ISO text).
 */
export async function runNotebook(db: DuckDb, nb: Notebook, params: Record<string, SqlParam>): Promise<NotebookRun> {
  const results = new Map<string, { rows: Record<string, unknown>[]; columns: string[] }>();
  const cells: CellResult[] = [];
  for (const cell of nb.cells) {
    if (cell.kind === 'markdown') {
      cells.push({ kind: 'markdown', text: cell.text });
    } else if (cell.kind === 'sql') {
      const bound: Record<string, SqlParam> = {};
      for (const name of referencedParams(cell.sql)) bound[name] = params[name] ?? null;
      const started = performance.now();
      let raw: Record<string, unknown>[];
      try {
        raw = await db.all(cell.sql, Object.keys(bound).length ? bound : undefined);
      } catch (err) {
        throw new IdtrailError('input_invalid', `cell '${cell.name}' failed: ${(err as Error).message}`, { location: { file: nb.file, line: cell.line } });
      }
      const rows = raw.slice(0, MAX_ROWS).map((r) => toPlain(r) as Record<string, unknown>);
      const columns = raw.length ? Object.keys(raw[0]) : [];
      results.set(cell.name, { rows, columns });
      cells.push({ kind: 'sql', name: cell.name, sql: cell.sql, rows, columns, truncated: raw.length > MAX_ROWS, ms: performance.now() - started });
    } else if (cell.kind === 'vega-lite') {
      const data = results.get(cell.data)!;
      const spec = {
        $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
        config: baseConfig(),
        ...cell.spec,
        data: { values: data.rows },
      } as unknown as TopLevelSpec;
      let svg: string;
      try {
        svg = await renderSvg(spec);
      } catch (err) {
        throw new IdtrailError('input_invalid', `chart of '${cell.data}' failed: ${(err as Error).message}`, { location: { file: nb.file, line: cell.line } });
      }
      cells.push({ kind: 'chart', data: cell.data, svg, spec });
    } else {
      const data = results.get(cell.data)!;
      cells.push({ kind: 'table', data: cell.data, columns: data.columns, rows: data.rows.slice(0, cell.limit), total: data.rows.length });
    }
  }
  return { notebook: nb, params, cells };
}
