// Module hooks for child processes that run the CLI from its TypeScript sources (a test that kills
// and restarts the CLI must exercise the current code, not whatever dist/ holds): a relative `./x.js`
// import resolves to `./x.ts` when only the .ts exists, and .ts files are transpiled without a type
// check. Transpiled output is cached on disk, keyed by path, size and mtime.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cacheDir = join(tmpdir(), 'idtrail-collectors-ts');
mkdirSync(cacheDir, { recursive: true });
let typescript;

export async function resolve(specifier, context, nextResolve) {
  const relative = /^(\.{1,2}\/|\/|file:)/.test(specifier);
  if (relative && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
    const js = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(js))) {
      const ts = new URL(js.href.slice(0, -3) + '.ts');
      if (existsSync(fileURLToPath(ts))) return { url: ts.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const st = statSync(file);
  const key = createHash('sha256').update(`${file}|${st.size}|${st.mtimeMs}`).digest('hex').slice(0, 40);
  const cached = join(cacheDir, `${key}.mjs`);
  if (existsSync(cached)) return { format: 'module', source: await readFile(cached, 'utf8'), shortCircuit: true };
  typescript ??= (await import('typescript')).default;
  const { outputText } = typescript.transpileModule(await readFile(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: typescript.ModuleKind.ESNext, target: typescript.ScriptTarget.ES2022, inlineSourceMap: true },
  });
  const tmp = `${cached}.${process.pid}.tmp`;
  await writeFile(tmp, outputText);
  await rename(tmp, cached);
  return { format: 'module', source: outputText, shortCircuit: true };
}
