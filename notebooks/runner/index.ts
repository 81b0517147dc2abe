import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDb } from '../../store/duckdb/db.js';
import { IdtrailError } from '../../lib/errors.js';
import { parseNotebook } from './parse.js';
import { bindParams } from './params.js';
import { runNotebook, type NotebookRun } from './run.js';
import { renderHtml, renderMarkdown } from './render.js';

export { parseNotebook } from './parse.js';
export { bindParams, parseParamArgs } from './params.js';
export { runNotebook } from './run.js';

export interface NotebookReport {
  run: NotebookRun;
  outputs: string[];
}

/** Reads, validates, runs and renders a notebook file; writes the report (and its chart files). */
export async function runNotebookFile(
  db: DuckDb,
  file: string,
  given: Record<string, string>,
  opts: { format: 'html' | 'md'; out?: string; generatedAt?: string },
): Promise<NotebookReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new IdtrailError('file_not_found', `notebook ${file} not found`, { hint: 'the shipped notebooks are in notebooks/*.md' });
  }
  const nb = parseNotebook(text, file);
  const params = bindParams(nb, given);
  const run = await runNotebook(db, nb, params);
  const base = path.basename(file).replace(/\.md$/i, '');
  const out = opts.out ?? path.join('out', 'notebooks', `${base}.${opts.format === 'md' ? 'md' : 'html'}`);
  await mkdir(path.dirname(out), { recursive: true });
  const outputs: string[] = [out];
  if (opts.format === 'md') {
    const { md, files } = renderMarkdown(run, path.basename(out).replace(/\.md$/i, ''));
    await writeFile(out, md);
    for (const f of files) {
      const p = path.join(path.dirname(out), f.name);
      await writeFile(p, f.content);
      outputs.push(p);
    }
  } else {
    await writeFile(out, renderHtml(run, opts.generatedAt ?? new Date().toISOString()));
  }
  return { run, outputs };
}
