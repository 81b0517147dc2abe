import type { Command } from './command.js';
import { demoCommand } from './commands/demo.js';
import { RULES_COMMANDS } from './commands/rules.js';
import { ingestOkta, ingestEntra, ingestGoogleWorkspace, ingestAws } from './commands/ingest-source.js';
import { configCheck } from './commands/config.js';
import { runCommand } from './commands/run.js';
import { detectCommand } from './commands/detect.js';
import { evalCommand } from './commands/eval.js';
import { rulesBacktest } from './commands/backtest.js';
import { notebookRun } from './commands/notebook.js';
import { exportCommand } from './commands/export.js';
import { dashboardBuild } from './commands/dashboard.js';
import { serveCommand } from './commands/serve.js';
import { metricsCommand } from './commands/metrics.js';
import { evidenceCommand } from './commands/evidence.js';
import { forwardCommand } from './commands/forward.js';
import { alertsCommands } from './commands/alerts.js';
import { ingestFile } from './commands/ingest-file.js';
import { generateCommand } from './commands/generate.js';
import { benchCommand } from './commands/bench.js';

/**
 * Every `idtrail` command, one line each. Multi-word names ('rules check') are matched on the
 * longest prefix of the arguments.
 */
export const COMMANDS: Command[] = [
  demoCommand,
  ...RULES_COMMANDS,
  forwardCommand,
  ...alertsCommands,
  ingestOkta,
  ingestEntra,
  ingestGoogleWorkspace,
  ingestAws,
  ingestFile,
  configCheck,
  runCommand,
  detectCommand,
  evalCommand,
  rulesBacktest,
  notebookRun,
  exportCommand,
  dashboardBuild,
  serveCommand,
  metricsCommand,
  evidenceCommand,
  generateCommand,
  benchCommand,
];

export function findCommand(argv: string[]): { cmd: Command; rest: string[] } | undefined {
  let best: { cmd: Command; rest: string[] } | undefined;
  for (const cmd of COMMANDS) {
    const words = cmd.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.cmd.name.split(' ').length)) {
      best = { cmd, rest: argv.slice(words.length) };
    }
  }
  return best;
}
