import path from 'node:path';
import { type Command, flag, int, str, writeJson } from '../command.js';
import { IdtrailError } from '../../lib/errors.js';
import { DEFAULT_END, generateDemo } from '../../ingest/synth/index.js';

/** `idtrail generate`: write the demo organisation's vendor logs, exports and labels. */
export const generateCommand: Command = {
  name: 'generate',
  summary: 'Generate the demo organisation: vendor-native identity logs, inventory, HRIS and ITSM exports, and labelled scenarios',
  usage: 'generate [--out DIR] [--users N] [--days N] [--seed N] [--end ISO] [--json]',
  options: {
    out: { type: 'string' },
    users: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    end: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    const outDir = path.resolve(str(ctx, 'out', 'out/demo-data')!);
    const endText = str(ctx, 'end', DEFAULT_END)!;
    const end = new Date(endText);
    if (Number.isNaN(end.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(endText)) {
      throw new IdtrailError('usage', `--end must be an ISO-8601 date or time, got ${JSON.stringify(endText)}`, { hint: 'e.g. --end 2026-11-23T00:00:00Z' });
    }
    const json = flag(ctx, 'json');
    const started = Date.now();
    const result = await generateDemo({
      outDir,
      users: int(ctx, 'users', 2000),
      days: int(ctx, 'days', 30),
      seed: int(ctx, 'seed', 1),
      end,
      onProgress: json ? undefined : (msg) => ctx.stderr.write(`${msg}\n`),
    });
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const attacks = result.labels.scenarios.filter((l) => !l.benign).length;
    const benign = result.labels.scenarios.length - attacks;
    if (json) {
      writeJson(ctx, { out: result.outDir, window: result.labels.window, seconds, counts: result.counts, scenarios: attacks, lookalikes: benign, files: result.files });
      return 0;
    }
    const width = Math.max(...Object.keys(result.counts).map((k) => k.length));
    ctx.stdout.write(`Demo data in ${result.outDir} (${result.labels.window.start} – ${result.labels.window.end}, ${seconds} s)\n`);
    for (const [file, n] of Object.entries(result.counts)) ctx.stdout.write(`  ${file.padEnd(width)}  ${n.toLocaleString('en-US')}\n`);
    ctx.stdout.write(`  ${attacks} attack scenarios and ${benign} benign look-alikes are listed in labels.json\n`);
    return 0;
  },
};
