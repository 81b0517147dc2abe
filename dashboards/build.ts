import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDb } from '../store/duckdb/db.js';
import type { ComputeOptions } from '../metrics/compute.js';
import { buildKpiDashboard, hasTrend, kpiTrendSvg, type RenderedChart } from './kpi-dashboard.js';
import { buildAlertOverview } from './alert-overview.js';
import { alertOverviewData } from './alert-data.js';
import { kpiTiles } from './kpi-data.js';
import { svgToPngAsync } from './render.js';

export interface DashboardBuild {
  outDir: string;
  period: string;
  files: string[];
}

/** Resolves after the event loop has had a turn: the query just sent to DuckDB runs meanwhile. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A promise whose rejection is reported where it is awaited, not as an unhandled rejection first. */
function held<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * `idtrail dashboard build`: the weekly KPI dashboard (`index.html`) and the alert overview
 * (`alerts.html`), self-contained, plus every chart as SVG and PNG under `charts/`.
 *
 * The KPI trends are SQL on DuckDB's threads; the charts are drawn on the event loop while those
 * queries run (each KPI's chart as soon as its trend is known). The PNGs are rasterised on the
 * thread pool once the queries are done: DuckDB's calls wait on the same pool, and rasterising
 * alongside them slowed the whole build down.
 */
export async function buildDashboards(db: DuckDb, opts: { outDir: string; week?: string; png?: boolean; compute?: ComputeOptions; generatedAt?: string }): Promise<DashboardBuild> {
  const generatedAt = opts.generatedAt ?? new Date().toISOString();
  const chartsDir = path.join(opts.outDir, 'charts');
  await mkdir(chartsDir, { recursive: true });
  const alertData = await alertOverviewData(db, { generatedAt });
  const alertsBuilt = held(nextTurn().then(() => buildAlertOverview(alertData)));
  const svgs = new Map<string, Promise<string>>();
  const { period, tiles } = await kpiTiles(db, {
    week: opts.week,
    compute: opts.compute,
    onTile: (tile) => {
      if (!hasTrend(tile)) return;
      svgs.set(tile.id, held(nextTurn().then(() => kpiTrendSvg(tile))));
    },
  });
  const kpi = await buildKpiDashboard(tiles, { period: period.label, generatedAt, svgs });
  const alerts = await alertsBuilt;

  const files: string[] = [];
  const writes: Promise<void>[] = [];
  const write = (file: string, content: string | Buffer | Promise<Buffer>) => {
    files.push(file);
    writes.push(Promise.resolve(content).then((c) => writeFile(file, c)));
  };
  write(path.join(opts.outDir, 'index.html'), kpi.html);
  write(path.join(opts.outDir, 'alerts.html'), alerts.html);
  const charts: RenderedChart[] = [...kpi.charts, ...alerts.charts];
  for (const chart of charts) {
    write(path.join(chartsDir, `${chart.name}.svg`), chart.svg);
    if (opts.png !== false) write(path.join(chartsDir, `${chart.name}.png`), held(svgToPngAsync(chart.svg, 900)));
  }
  await Promise.all(writes);
  return { outDir: opts.outDir, period: period.label, files };
}
