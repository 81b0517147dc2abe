import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { corpusDir, repoRoot } from '../../test/sigma/harness.js';
import { compileElasticsearch, EsUnsupported } from './compile-es.js';
import { compileEsql } from './compile-esql.js';
import { loadRules } from './parse.js';
import { prepareRule } from './prepare.js';

/**
 * Golden files of the Elasticsearch output: one per SigmaHQ rule that compiles to Elasticsearch
 * (test/sigma/golden/<rule path>.json holds the query DSL and the ES|QL). Regenerate after an
 * intended change with `UPDATE_GOLDEN=1 npx vitest run detections/sigma/golden.test.ts` and review
 * the diff.
 */
const goldenDir = join(repoRoot, 'test/sigma/golden');
const update = process.env.UPDATE_GOLDEN === '1';

describe('Elasticsearch golden files', async () => {
  const loaded = await loadRules([corpusDir]);
  const cases = loaded.rules.flatMap((r) => {
    const p = prepareRule(r, { filters: loaded.filters });
    if (!p.ok) return [];
    try {
      const es = compileElasticsearch(p.prepared);
      let esql: string | { unsupported: string };
      try {
        esql = compileEsql(p.prepared);
      } catch (err) {
        if (!(err instanceof EsUnsupported)) throw err;
        esql = { unsupported: err.message };
      }
      return [{ rel: relative(corpusDir, r.source.file), out: { rule_id: r.id ?? null, title: r.title, author: r.author ?? null, ...es, esql } }];
    } catch (err) {
      if (err instanceof EsUnsupported) return [];
      throw err;
    }
  });

  test('at least 95% of the corpus compiles to Elasticsearch', () => {
    expect(cases.length).toBeGreaterThanOrEqual(Math.ceil(loaded.rules.length * 0.95));
  });

  test.each(cases)('$rel', ({ rel, out }) => {
    const file = join(goldenDir, rel.replace(/\.ya?ml$/, '.json'));
    const text = `${JSON.stringify(out, null, 2)}\n`;
    if (update || !existsSync(file)) {
      if (!update) throw new Error(`missing golden file ${relative(repoRoot, file)}: run with UPDATE_GOLDEN=1 and review it`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});
