import type { Command } from '../command.js';
import { flag, str, writeJson } from '../command.js';
import { IdtrailError } from '../../lib/errors.js';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { readMetricsConfigFile } from '../../metrics/config.js';
import { writeEvidencePackage } from '../../metrics/evidence.js';
import { periodOption } from './metrics.js';

export const evidenceCommand: Command = {
  name: 'evidence',
  summary: 'Write the audit evidence package for a period: per KPI its value, calculation and evidence rows, with a SHA-256 manifest',
  usage: 'evidence --period 2026-Q3 --out DIR [--db FILE] [--config FILE] [--json]',
  options: {
    period: { type: 'string' },
    out: { type: 'string' },
    db: { type: 'string', default: 'idtrail.duckdb' },
    config: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    const period = periodOption(ctx.values, ['period']);
    if (!period) throw new IdtrailError('usage', '--period is required', { hint: 'e.g. idtrail evidence --period 2026-Q3 --out evidence/2026-Q3' });
    const out = str(ctx, 'out');
    if (!out) throw new IdtrailError('usage', '--out is required (the directory to write the package into)');
    const configFile = str(ctx, 'config');
    const config = configFile ? readMetricsConfigFile(configFile) : undefined;
    const store = await DuckDbStore.open(str(ctx, 'db', 'idtrail.duckdb')!);
    try {
      const manifest = await writeEvidencePackage(store.db, period, out, { config, write: true });
      if (flag(ctx, 'json')) writeJson(ctx, manifest);
      else {
        const ok = manifest.kpis.filter((k) => k.status === 'ok').length;
        ctx.stdout.write(`evidence for ${manifest.period}: ${manifest.kpis.length} KPIs (${ok} with data), ${manifest.files.length} files → ${out}/manifest.json\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
