import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANALYTICS } from '../analytics/index.js';
import { resolveParams } from '../analytics/types.js';
import { ESQL_FORMS } from './analytics/index.js';
import type { FormContext } from './analytics/form.js';
import { readQuery } from './run-analytics.js';

/**
 * The exact ES|QL each analytic sends, for a fixed window and the default parameters, checked in
 * as golden files (detections/elastic/analytics/golden/<id>.esql) and reviewed against the ES|QL
 * reference (FROM … METADATA _id, WHERE, EVAL, STATS … BY, KEEP, SORT, LIMIT ≤ 10,000; CASE,
 * COALESCE, TO_LOWER, TO_DATETIME; IN; IS [NOT] NULL). A narrowing query is answered with one
 * candidate so the reads that follow show how candidates restrict them. Regenerate with
 * UPDATE_GOLDEN=1 after a deliberate change, and review the diff.
 */
const dir = join(import.meta.dirname, 'analytics', 'golden');
const WINDOW = { from: new Date('2026-11-10T00:00:00.000Z'), to: new Date('2026-11-11T00:00:00.000Z') };

describe('ES|QL golden files', () => {
  for (const id of Object.keys(ESQL_FORMS).sort()) {
    it(id, async () => {
      const a = ANALYTICS[id];
      const p = resolveParams(a);
      const contextFrom = new Date(WINDOW.from.getTime() - a.contextMinutes(p) * 60000);
      const sent: string[] = [];
      const cx: FormContext = {
        index: 'logs-idtrail.events-default',
        query: async (q) => {
          sent.push(q);
          // one candidate entity, or one source's earliest event
          return /STATS t = MIN/.test(q) ? [{ t: '2026-01-01T00:00:00.000Z', 'identity.source': 'okta' }] : [{ k: 'alice@acme.example' }];
        },
      };
      const reads = await ESQL_FORMS[id].reads(p, { ...WINDOW, contextFrom }, cx);
      const text = [...sent.map((q) => `// narrowing\n${q}`), ...reads.map((r) => `// read\n${readQuery(cx.index, r)}`)].join('\n\n') + '\n';
      const file = join(dir, `${id}.esql`);
      if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
        mkdirSync(dir, { recursive: true });
        writeFileSync(file, text);
      }
      expect(text).toBe(readFileSync(file, 'utf8'));
      expect(reads.length).toBeGreaterThan(0);
      // every query stays under the ES|QL row cap and names only the events data stream
      for (const q of [...sent, ...reads.map((r) => readQuery(cx.index, r))]) {
        expect(q.startsWith('FROM logs-idtrail.events-default')).toBe(true);
        expect(q).toMatch(/\| LIMIT (\d{1,4}|10000)$/);
      }
    });
  }
});
