// `idtrail forward …` as a child process on the TypeScript sources, for the kill-and-restart tests.
// It runs the real command object and the same argument parsing and error boundary as cli/main.ts,
// without loading every other command.
import { parseCommandArgs, type CommandContext } from '../../cli/command.js';
import { forwardCommand } from '../../cli/commands/forward.js';
import { exitCodeFor, IdtrailError } from '../../lib/errors.js';
import { redactSecrets } from '../../lib/log.js';

async function run(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseCommandArgs(forwardCommand, argv);
    const ctx: CommandContext = { values, positionals, stdout: process.stdout, stderr: process.stderr, interactive: false };
    return await forwardCommand.run(ctx);
  } catch (err) {
    const text = err instanceof IdtrailError ? err.format() : ((err as Error)?.stack ?? String(err));
    process.stderr.write(`idtrail forward: ${redactSecrets(text)}\n`);
    return exitCodeFor(err);
  }
}

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
