import { flag, str, writeJson, type Command, type CommandContext } from '../command.js';
import { EXIT, IdtrailError } from '../../lib/errors.js';
import {
  checkRules,
  compileCorrelationEsql,
  compileDuckDb,
  compileElasticsearch,
  compileEsql,
  compileCorrelationDuckDb,
  EsUnsupported,
  findTestFiles,
  loadPlaceholders,
  loadRules,
  prepareRule,
  runRuleTestFile,
  type Placeholders,
  type PreparedRule,
} from '../../detections/sigma/index.js';

async function placeholdersFrom(ctx: CommandContext): Promise<Placeholders | undefined> {
  const file = str(ctx, 'placeholders');
  if (!file) return undefined;
  const r = await loadPlaceholders(file);
  if (!r.ok) {
    throw new IdtrailError('config_invalid', r.error.message, { location: { file: r.error.file, line: r.error.line, column: r.error.column } });
  }
  return r.value;
}

export const rulesCheck: Command = {
  name: 'rules check',
  summary: 'Parse Sigma rules and compile each to DuckDB, the in-memory matcher and Elasticsearch',
  usage: 'rules check <paths...> [--placeholders FILE] [--json]',
  options: { placeholders: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new IdtrailError('usage', 'name at least one rule file or directory', { hint: `usage: idtrail ${this.usage}` });
    const report = await checkRules(ctx.positionals, { placeholders: await placeholdersFrom(ctx) });
    if (flag(ctx, 'json')) {
      writeJson(ctx, {
        total: report.total,
        targets: report.targets,
        rules: report.rules.map((r) => ({ path: r.path, id: r.id, status: r.status, ...(r.reason ? { reason: r.reason } : {}) })),
      });
    } else {
      for (const r of report.rules) {
        const notOk = Object.entries(r.status).filter(([, s]) => s !== 'ok');
        if (notOk.length) ctx.stdout.write(`${r.path}: ${notOk.map(([t, s]) => `${t} ${s}`).join(', ')} — ${r.reason ?? ''}\n`);
      }
      ctx.stdout.write(`${report.total} rules\n`);
      for (const [t, c] of Object.entries(report.targets)) ctx.stdout.write(`  ${t.padEnd(14)} ok ${c.ok}  unsupported ${c.unsupported}  error ${c.error}\n`);
    }
    return report.rules.some((r) => r.status.duckdb === 'error' || r.status.memory === 'error') ? EXIT.failure : EXIT.ok;
  },
};

export const rulesCompile: Command = {
  name: 'rules compile',
  summary: 'Print the DuckDB SQL, Elasticsearch query or ES|QL of a Sigma rule file',
  usage: 'rules compile <rule.yml> --target duckdb|elasticsearch|esql [--placeholders FILE]',
  options: { target: { type: 'string' }, placeholders: { type: 'string' } },
  async run(ctx) {
    const target = str(ctx, 'target', 'duckdb');
    if (!['duckdb', 'elasticsearch', 'esql'].includes(target!)) throw new IdtrailError('usage', `--target must be duckdb, elasticsearch or esql, got '${target}'`);
    if (ctx.positionals.length !== 1) throw new IdtrailError('usage', 'name exactly one rule file', { hint: `usage: idtrail ${this.usage}` });
    const loaded = await loadRules(ctx.positionals, { placeholders: await placeholdersFrom(ctx) });
    const first = loaded.errors[0];
    if (first) throw new IdtrailError('rule_invalid', `${first.message} [${first.code}]`, { location: { file: first.file, line: first.line, column: first.column } });
    const byRef = new Map<string, PreparedRule>();
    let failed = false;
    for (const rule of loaded.rules) {
      const p = prepareRule(rule, { filters: loaded.filters });
      if (!p.ok) {
        ctx.stderr.write(`${rule.source.file}: ${rule.title}: ${p.status}: ${p.reason}\n`);
        failed = true;
        continue;
      }
      if (rule.id) byRef.set(rule.id, p.prepared);
      if (rule.name) byRef.set(rule.name, p.prepared);
      try {
        if (target === 'duckdb') ctx.stdout.write(`-- ${rule.title} (${rule.id ?? 'no id'}), author: ${rule.author ?? 'unknown'}\n${compileDuckDb(p.prepared)};\n`);
        else if (target === 'elasticsearch') writeJson(ctx, { rule_id: rule.id ?? null, title: rule.title, author: rule.author ?? null, ...compileElasticsearch(p.prepared) });
        else ctx.stdout.write(`// ${rule.title} (${rule.id ?? 'no id'}), author: ${rule.author ?? 'unknown'}\n${compileEsql(p.prepared)}\n`);
      } catch (err) {
        if (!(err instanceof EsUnsupported)) throw err;
        ctx.stderr.write(`${rule.source.file}: ${rule.title}: unsupported for ${target}: ${err.message}\n`);
        failed = true;
      }
    }
    for (const c of loaded.correlations) {
      const missing = c.rules.filter((r) => !byRef.has(r));
      if (missing.length) {
        ctx.stderr.write(`${c.source.file}: ${c.title}: references ${missing.join(', ')}, not in this file (compile the file that holds them all)\n`);
        failed = true;
        continue;
      }
      const refs = new Map(c.rules.map((r) => [r, byRef.get(r)!]));
      try {
        if (target === 'duckdb') ctx.stdout.write(`-- correlation ${c.title} (${c.id ?? 'no id'}): window ends that satisfy the condition\n${compileCorrelationDuckDb(c, refs)};\n`);
        else ctx.stdout.write(`${compileCorrelationEsql(c, refs)}\n`);
      } catch (err) {
        if (!(err instanceof EsUnsupported)) throw err;
        ctx.stderr.write(`${c.source.file}: ${c.title}: unsupported for ${target}: ${err.message}\n`);
        failed = true;
      }
    }
    return failed ? EXIT.failure : EXIT.ok;
  },
};

/** A `*.test.yml` beside an analytic names its `detection`; one beside a Sigma rule names its `rule`. */
async function isAnalyticCaseFile(file: string): Promise<boolean> {
  const { readFile } = await import('node:fs/promises');
  const { parse } = await import('yaml');
  try {
    const doc = parse(await readFile(file, 'utf8')) as Record<string, unknown> | null;
    return !!doc && typeof doc === 'object' && typeof doc.detection === 'string';
  } catch {
    return false;
  }
}

export const rulesTest: Command = {
  name: 'rules test',
  summary: 'Run the *.test.yml cases beside Sigma rules (in-memory matcher and DuckDB) and beside analytics (DuckDB)',
  usage: 'rules test [paths...] [--placeholders FILE] [--json]',
  options: { placeholders: { type: 'string' }, json: { type: 'boolean' } },
  async run(ctx) {
    const paths = ctx.positionals.length ? ctx.positionals : ['detections/rules', 'detections/analytics'];
    const placeholders = await placeholdersFrom(ctx);
    const files = await findTestFiles(paths);
    const results: Array<{ file: string; rule: string; name: string; ok: boolean; targets: Record<string, string>; message?: string }> = [];
    for (const f of files) {
      if (await isAnalyticCaseFile(f)) {
        // Analytics are stateful SQL: their only target is the store's SQL engine.
        const { readCaseFile, runCase } = await import('../../detections/engine/case-runner.js');
        const doc = await readCaseFile(f);
        for (const c of doc.cases) {
          const r = await runCase(doc.detection, c);
          results.push({ file: f, rule: doc.detection, name: r.name, ok: r.ok, targets: { duckdb: r.ok ? 'ok' : 'fail' }, message: r.problems.join('; ') || undefined });
        }
      } else results.push(...(await runRuleTestFile(f, { placeholders })));
    }
    if (flag(ctx, 'json')) writeJson(ctx, { files: files.length, cases: results.length, failed: results.filter((r) => !r.ok).length, results });
    else {
      for (const r of results) {
        const targets = Object.entries(r.targets).map(([t, v]) => `${t}: ${v}`).join(', ');
        ctx.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.file} › ${r.name} (${targets})${r.message && !r.ok ? ` — ${r.message}` : ''}\n`);
      }
      ctx.stdout.write(`${results.filter((r) => r.ok).length}/${results.length} cases passed in ${files.length} file(s)\n`);
    }
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.failure;
  },
};

export const RULES_COMMANDS: Command[] = [rulesCheck, rulesCompile, rulesTest];
