import type { Command } from '../command.js';
import { str, flag, writeJson } from '../command.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { buildDashboards } from '../../dashboards/build.js';

export const dashboardBuild: Command = {
  name: 'dashboard build',
  summary: 'Build the weekly KPI dashboard and the alert overview as self-contained HTML (charts also as SVG and PNG)',
  usage: 'dashboard build [--out out/dashboard] [--week 2026-W47] [--db FILE] [--no-png] [--config FILE] [--json]',
  options: {
    out: { type: 'string', default: 'out/dashboard' },
    week: { type: 'string' },
    db: { type: 'string', default: 'idtrail.duckdb' },
    'no-png': { type: 'boolean' },
    config: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    // KPI results are written to the store, so the database is opened for writing.
    const store = await DuckDbStore.open(str(ctx, 'db', 'idtrail.duckdb')!);
    try {
      const build = await buildDashboards(store.db, {
        outDir: str(ctx, 'out', 'out/dashboard')!,
        week: str(ctx, 'week'),
        png: !flag(ctx, 'no-png'),
        compute: { configFile: str(ctx, 'config') },
      });
      if (flag(ctx, 'json')) writeJson(ctx, build);
      else ctx.stdout.write(`KPI dashboard for ${build.period}: ${build.outDir}/index.html\nalert overview: ${build.outDir}/alerts.html\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
