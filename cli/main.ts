import { IdtrailError, exitCodeFor, EXIT } from '../lib/errors.js';
import { redactSecrets } from '../lib/log.js';
import { COMMANDS, findCommand } from './registry.js';
import { parseCommandArgs, type CommandContext } from './command.js';

export interface MainIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `idtrail — identity telemetry analytics and detection\n\nusage: idtrail <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'idtrail <command> --help' for a command's options.\n`;
}

export async function main(argv: string[], io: MainIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    stdout.write(help());
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (argv[0] === '--version') {
    stdout.write('idtrail 0.1.0\n');
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    stderr.write(`idtrail: unknown command '${argv.join(' ')}'\n\n${help()}`);
    return EXIT.usage;
  }
  const { cmd, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    const opts = Object.entries(cmd.options)
      .map(([k, o]) => `  --${k}${o.type === 'string' ? ' <value>' : ''}${o.short ? `, -${o.short}` : ''}`)
      .join('\n');
    stdout.write(`usage: idtrail ${cmd.usage}\n\n${cmd.summary}\n${opts ? `\noptions:\n${opts}\n` : ''}`);
    return EXIT.ok;
  }
  try {
    const { values, positionals } = parseCommandArgs(cmd, rest);
    const ctx: CommandContext = {
      values,
      positionals,
      stdout,
      stderr,
      interactive: Boolean((stdout as NodeJS.WriteStream).isTTY) && !process.env.CI,
    };
    return await cmd.run(ctx);
  } catch (err) {
    const text = err instanceof IdtrailError ? err.format() : (err as Error)?.stack ?? String(err);
    stderr.write(`idtrail ${cmd.name}: ${redactSecrets(text)}\n`);
    return exitCodeFor(err);
  }
}
