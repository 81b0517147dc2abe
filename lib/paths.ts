import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The package's root folder (where package.json says `"name": "idtrail"`), whether the code runs
 * from the TypeScript sources or from the compiled `dist/`. Shipped data (notebooks, rules) is
 * found relative to it.
 */
export function projectRoot(): string {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'idtrail') return (root = dir);
      } catch {
        /* keep walking */
      }
    }
    dir = path.dirname(dir);
  }
  return (root = process.cwd());
}
