import { parseArgs, type ParseArgsConfig } from 'node:util';
import { IdtrailError } from '../lib/errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What a command gets: parsed flags, positionals, and the streams to write to (tests capture them). */
export interface CommandContext {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** True when stdout is a terminal: show progress and colours. */
  interactive: boolean;
}

export interface Command {
  /** e.g. 'demo', 'ingest', 'rules check' (subcommands are separate entries). */
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  run(ctx: CommandContext): Promise<number>;
}

export function parseCommandArgs(cmd: Command, argv: string[]): { values: CommandContext['values']; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: cmd.options, allowPositionals: true, strict: true });
    return { values: values as CommandContext['values'], positionals };
  } catch (err) {
    throw new IdtrailError('usage', `${(err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '')}`, {
      hint: `usage: idtrail ${cmd.usage}`,
    });
  }
}

export function str(ctx: CommandContext, key: string, fallback?: string): string | undefined {
  const v = ctx.values[key];
  if (typeof v === 'string') return v;
  return fallback;
}

export function int(ctx: CommandContext, key: string, fallback: number): number {
  const v = ctx.values[key];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0) {
    throw new IdtrailError('usage', `--${key} must be a non-negative whole number, got ${JSON.stringify(v)}`);
  }
  return n;
}

export function flag(ctx: CommandContext, key: string): boolean {
  return ctx.values[key] === true;
}

export function writeJson(ctx: CommandContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`);
}
