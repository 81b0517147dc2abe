import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDb } from '../store/duckdb/db.js';
import type { ComputeOptions } from '../metrics/compute.js';
import { buildKpiDashboard } from './kpi-dashboard.js';
import { buildAlertOverview } from './alert-overview.js';
import { alertOverviewData } from './alert-data.js';
import { kpiTiles } from './kpi-data.js';
import { svgToPng } from './render.js';

export interface DashboardBuild {
  outDir: string;
  period: string;
  files: string[];
}

/**
 * `idtrail dashboard build`: the weekly KPI dashboard (`index.html`) and the alert overview
 * (`alerts.html`), self-contained, plus every chart as SVG and PNG under `charts/`.
 */
export async function buildDashboards(db: DuckDb, opts: { outDir: string; week?: string; png?: boolean; compute?: ComputeOptions; generatedAt?: string }): Promise<DashboardBuild> {
  const generatedAt = opts.generatedAt ?? new Date().toISOString();
  const chartsDir = path.join(opts.outDir, 'charts');
  await mkdir(chartsDir, { recursive: true });
  const { period, tiles } = await kpiTiles(db, { week: opts.week, compute: opts.compute });
  const kpi = await buildKpiDashboard(tiles, { period: period.label, generatedAt });
  const alerts = await buildAlertOverview(await alertOverviewData(db, { generatedAt }));
  const files: string[] = [];
  const write = async (file: string, content: string | Buffer) => {
    await writeFile(file, content);
    files.push(file);
  };
  await write(path.join(opts.outDir, 'index.html'), kpi.html);
  await write(path.join(opts.outDir, 'alerts.html'), alerts.html);
  for (const chart of [...kpi.charts, ...alerts.charts]) {
    await write(path.join(chartsDir, `${chart.name}.svg`), chart.svg);
    if (opts.png !== false) await write(path.join(chartsDir, `${chart.name}.png`), svgToPng(chart.svg, 900));
  }
  return { outDir: opts.outDir, period: period.label, files };
}
