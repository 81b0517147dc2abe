import { IdtrailError, EXIT } from '../../lib/errors.js';
import { STORE_OPTIONS, STORE_USAGE, openStore } from '../store-flags.js';
import { FILE_LOADERS } from '../../ingest/sources/file-loaders.js';
import { listFiles } from '../../ingest/sources/file.js';
import { flag, str, writeJson, type Command, type CommandContext } from '../command.js';

/**
 * `idtrail ingest file <path> --source S`: loads an export (file or folder) through the loader of its
 * source (FILE_LOADERS). Bad records are quarantined with their reason, never dropped: the summary's
 * received = stored + duplicates + quarantined.
 */
export const ingestFile: Command = {
  name: 'ingest file',
  summary: 'load an export file or folder (NDJSON, JSON array, Graph pages, CloudTrail, gzip) into the store',
  usage: `ingest file <path> --source ${Object.keys(FILE_LOADERS).join('|')} ${STORE_USAGE} [--tenant T] [--json]`,
  options: {
    ...STORE_OPTIONS,
    source: { type: 'string' },
    tenant: { type: 'string' },
    preset: { type: 'string' },
    kind: { type: 'string' },
    'snapshot-at': { type: 'string' },
    'as-of': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx: CommandContext): Promise<number> {
    const path = ctx.positionals[0];
    const source = str(ctx, 'source');
    if (!path || ctx.positionals.length > 1) throw new IdtrailError('usage', 'give exactly one file or folder to ingest', { hint: `usage: idtrail ${ingestFile.usage}` });
    if (!source) throw new IdtrailError('usage', '--source is required', { hint: `one of: ${Object.keys(FILE_LOADERS).join(', ')}` });
    const loader = FILE_LOADERS[source];
    if (!loader) throw new IdtrailError('usage', `unknown --source '${source}'`, { hint: `one of: ${Object.keys(FILE_LOADERS).join(', ')}` });
    const files = (await listFiles(path)).length;
    // Vendor events go to either store; inventory, HRIS and ITSM exports need SQL tables (DuckDB),
    // and their loaders say so when given the Elasticsearch store.
    const store = await openStore(ctx);
    try {
      const r = await loader(store, path, {
        tenant: str(ctx, 'tenant'),
        preset: str(ctx, 'preset'),
        kind: str(ctx, 'kind'),
        snapshotAt: str(ctx, 'snapshot-at'),
        asOf: str(ctx, 'as-of'),
      });
      const out = {
        source,
        files,
        received: r.received,
        stored: r.stored,
        duplicates: r.duplicates,
        quarantined: r.quarantined,
        normalized: r.normalized,
        streams: r.streams,
      };
      if (flag(ctx, 'json')) writeJson(ctx, out);
      else {
        const streams = Object.entries(out.streams).map(([k, v]) => `${k} ${v}`).join(', ');
        ctx.stdout.write(
          `${source}: ${out.received} records from ${files} file${files === 1 ? '' : 's'}: ${out.stored} stored, ${out.duplicates} already stored, ${out.quarantined} quarantined, ${out.normalized} normalized${streams ? ` (${streams})` : ''}\n`,
        );
        if (out.quarantined > 0) ctx.stdout.write(`see the quarantine table for the reason of each quarantined record\n`);
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
