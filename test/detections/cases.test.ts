import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaseFile, runCase } from '../../detections/engine/case-runner.js';
import { ANALYTICS } from '../../detections/analytics/index.js';

/**
 * Runs every detections/analytics/<id>.test.yml: raw vendor events → ingest → normalize → detect.
 * Every detection must have at least one case that fires and one that does not.
 */
const dir = join(import.meta.dirname, '../../detections/analytics');
const files = readdirSync(dir).filter((f) => f.endsWith('.test.yml')).sort();

describe('detection test files', () => {
  it('every analytic has a test file with a positive and a negative case', async () => {
    const missing: string[] = [];
    for (const id of Object.keys(ANALYTICS)) {
      if (!files.includes(`${id}.test.yml`)) {
        missing.push(`${id}: no test file`);
        continue;
      }
      const doc = await readCaseFile(join(dir, `${id}.test.yml`));
      if (!doc.cases.some((c) => c.expect.alerts > 0)) missing.push(`${id}: no positive case`);
      if (!doc.cases.some((c) => c.expect.alerts === 0)) missing.push(`${id}: no negative case`);
    }
    expect(missing).toEqual([]);
  });
});

for (const f of files) {
  describe(f, async () => {
    const doc = await readCaseFile(join(dir, f));
    for (const c of doc.cases) {
      it(c.name, async () => {
        const r = await runCase(doc.detection, c);
        expect(r.problems).toEqual([]);
      });
    }
  });
}
