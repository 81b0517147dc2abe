import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/main.js';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(REPO, 'bin', 'idtrail.js');
const REGISTER = join(REPO, 'test', 'collectors', 'ts-register.mjs');
const CHILD = join(REPO, 'test', 'collectors', 'cli-child.ts');
/** IDTRAIL_TEST_DIST=1 runs the compiled bin/idtrail.js instead of the sources. */
const USE_DIST = process.env.IDTRAIL_TEST_DIST === '1';

/** Runs `idtrail` in this process with the given environment overlay; captures stdout and stderr. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  let stdout = '';
  let stderr = '';
  try {
    const code = await main(argv, {
      stdout: new Writable({ write: (c, _e, cb) => ((stdout += c.toString()), cb()) }),
      stderr: new Writable({ write: (c, _e, cb) => ((stderr += c.toString()), cb()) }),
    });
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Compiled output of a source file is missing or older than the source. */
function staleIn(dir: string): boolean {
  for (const e of readdirSync(join(REPO, dir), { withFileTypes: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts') || e.name.endsWith('.test.ts')) continue;
    const js = join(REPO, 'dist', dir, e.name.replace(/\.ts$/, '.js'));
    if (!existsSync(js) || statSync(js).mtimeMs < statSync(join(REPO, dir, e.name)).mtimeMs) return true;
  }
  return false;
}

/**
 * The compiled CLI (`node bin/idtrail.js` runs dist/). The test command compiles before running the
 * tests; when dist/ lacks the collector code or is older than it, compile here.
 */
export function ensureBuilt(): void {
  if (!USE_DIST) return;
  const main = join(REPO, 'dist', 'cli', 'main.js');
  const stale = !existsSync(main) || ['ingest/sources', 'config', 'cli/commands', 'cli'].some(staleIn);
  if (!stale) return;
  try {
    execFileSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', REPO], { stdio: 'pipe', timeout: 900_000 });
  } catch {
    // Type errors elsewhere in the tree do not stop emitting; the CLI is checked below.
  }
  if (!existsSync(main)) throw new Error('could not compile the CLI (dist/cli/main.js is missing)');
}

export interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the CLI in a child process with a clean environment plus `env`: the TypeScript sources
 * through module hooks, or `node bin/idtrail.js` (compiled) with IDTRAIL_TEST_DIST=1.
 */
export function spawnCli(argv: string[], env: Record<string, string>, cwd = REPO): Child {
  const entry = USE_DIST ? [BIN] : ['--import', REGISTER, CHILD];
  const proc = spawn(process.execPath, [...entry, ...argv], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', IDTRAIL_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, stdout: () => out, stderr: () => err, exited };
}
