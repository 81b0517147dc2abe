import type { Command } from '../command.js';
import { str, int } from '../command.js';
import { registerSecret } from '../../lib/log.js';
import { startServer } from '../../dashboards/serve/server.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Local web view: alert queue with triage, alert detail, KPI dashboard, user and IP pages (127.0.0.1 unless told otherwise)',
  usage: 'serve [--db FILE] [--host 127.0.0.1] [--port 8787] [--token TOKEN | IDTRAIL_SERVE_TOKEN] [--config FILE]',
  options: {
    db: { type: 'string', default: 'idtrail.duckdb' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8787' },
    token: { type: 'string' },
    config: { type: 'string' },
  },
  async run(ctx) {
    const token = str(ctx, 'token') ?? process.env.IDTRAIL_SERVE_TOKEN;
    registerSecret(token);
    const server = await startServer({ db: str(ctx, 'db', 'idtrail.duckdb')!, host: str(ctx, 'host'), port: int(ctx, 'port', 8787), token, config: str(ctx, 'config') });
    ctx.stdout.write(`idtrail web view on ${server.url}/alerts${token ? ' (token required: open /login?token=…)' : ''} — Ctrl-C to stop\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
