import { checkConfigFile, formatIssue } from '../../config/load.js';
import { sourceName } from '../../config/schema.js';
import { buildSource } from '../../ingest/sources/registry.js';
import { EXIT, IdtrailError } from '../../lib/errors.js';
import { redactSecrets } from '../../lib/log.js';
import { flag, writeJson, type Command } from '../command.js';

/**
 * `idtrail config check [FILE]`: validates idtrail.yaml and lists every problem with its file, line,
 * key path and what is expected. With --env it also resolves each enabled source's endpoints and
 * credentials from the environment and secret files (values are never printed).
 */
export const configCheck: Command = {
  name: 'config check',
  summary: 'validate an idtrail.yaml (every problem with its line and what is expected)',
  usage: 'config check [FILE] [--env] [--json]',
  options: { env: { type: 'boolean' }, json: { type: 'boolean' } },
  async run(ctx) {
    const file = ctx.positionals[0] ?? process.env.IDTRAIL_CONFIG ?? 'idtrail.yaml';
    if (ctx.positionals.length > 1) throw new IdtrailError('usage', 'config check takes one file', { hint: `usage: idtrail ${this.usage}` });
    const r = checkConfigFile(file);
    const problems: string[] = r.ok ? [] : r.issues.map(formatIssue);
    if (r.ok && flag(ctx, 'env')) {
      r.config.sources.forEach((s, i) => {
        if (!s.enabled) return;
        try {
          buildSource(s, `sources[${i}]`);
        } catch (err) {
          const e = err instanceof IdtrailError ? err : new IdtrailError('config_invalid', String((err as Error).message));
          problems.push(redactSecrets(`${file}: sources[${i}] (${sourceName(s)}): ${e.format()}`));
        }
      });
    }
    if (flag(ctx, 'json')) {
      writeJson(ctx, { file, ok: problems.length === 0, problems, issues: r.ok ? [] : r.issues });
    } else if (problems.length) {
      ctx.stderr.write(`${problems.join('\n')}\n${problems.length} problem${problems.length > 1 ? 's' : ''} in ${file}\n`);
    } else if (r.ok) {
      const c = r.config;
      ctx.stdout.write(
        `${file}: ok — ${c.sources.length} source${c.sources.length === 1 ? '' : 's'} (${c.sources.map(sourceName).join(', ') || 'none'}), ` +
          `${c.sinks.length} sink${c.sinks.length === 1 ? '' : 's'}, store ${c.store.kind}${c.store.kind === 'duckdb' ? ` ${c.store.path}` : ''}, ${c.allowlists.length} allowlist entr${c.allowlists.length === 1 ? 'y' : 'ies'}\n`,
      );
    }
    return problems.length ? EXIT.config : EXIT.ok;
  },
};
