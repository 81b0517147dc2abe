import type { Command, CommandContext } from '../command.js';
import { flag, int, str, writeJson } from '../command.js';
import { STORE_OPTIONS, openStore } from '../store-flags.js';
import type { EventStore } from '../../store/event-store.js';
import { IdtrailError, EXIT } from '../../lib/errors.js';
import { ALERT_RESOLUTIONS, ALERT_STATUSES, SEVERITIES, type Alert, type AlertResolution, type AlertStatus } from '../../detections/alerts/model.js';
import type { AlertFilter } from '../../store/event-store.js';

async function withStore<T>(ctx: CommandContext, fn: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await openStore(ctx);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function oneOf<T extends string>(ctx: CommandContext, key: string, allowed: readonly T[]): T | undefined {
  const v = str(ctx, key);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new IdtrailError('usage', `--${key} ${v} is not one of ${allowed.join(', ')}`);
  return v as T;
}

function entity(a: Alert): string {
  return [a.entity.user, a.entity.ip, a.entity.app].filter(Boolean).join(' / ') || '-';
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i] - [...c].length))).join('  ')).join('\n') + '\n';
}

function alertId(ctx: CommandContext, verb: string): string {
  const id = ctx.positionals[0];
  if (!id || ctx.positionals.length > 1) throw new IdtrailError('usage', `alerts ${verb} takes exactly one alert id`, { hint: `usage: idtrail alerts ${verb} <alert-id>` });
  return id;
}

function showText(a: Alert): string {
  const lines = [
    `${a.alert_id}  [${a.severity}] ${a.rule_title}`,
    `rule:        ${a.rule_id} (${a.rule_kind}${a.rule_author ? `, by ${a.rule_author}` : ''})`,
    `status:      ${a.status}${a.resolution ? ` (${a.resolution})` : ''}${a.status_note ? ` — ${a.status_note}` : ''}`,
    `entity:      user ${a.entity.user ?? '-'}, ip ${a.entity.ip ?? '-'}, app ${a.entity.app ?? '-'}`,
    `tenant:      ${a.tenant_id ?? '-'}`,
    `seen:        ${a.first_seen} → ${a.last_seen} (${a.event_count} event${a.event_count === 1 ? '' : 's'})`,
    `att&ck:      ${[...a.tactics, ...a.techniques].join(', ') || '-'}`,
    ...(a.suppressed_by ? [`suppressed:  by ${a.suppressed_by}`] : []),
    '',
    a.explanation,
    '',
    `evidence (${a.evidence_event_ids.length}):`,
    ...a.evidence_event_ids.map((id) => `  ${id}`),
  ];
  return `${lines.join('\n')}\n`;
}

const common = { ...STORE_OPTIONS, json: { type: 'boolean', default: false } } as const;

export const alertsList: Command = {
  name: 'alerts list',
  summary: 'list alerts, newest first, with filters',
  usage: 'alerts list [--db FILE] [--status new|acknowledged|closed] [--rule RULE] [--severity S] [--since ISO] [--limit N] [--json]',
  options: { ...common, status: { type: 'string' }, rule: { type: 'string' }, severity: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx) {
    const filter: AlertFilter = {
      status: oneOf(ctx, 'status', ALERT_STATUSES),
      ruleId: str(ctx, 'rule'),
      severity: oneOf(ctx, 'severity', SEVERITIES),
      since: str(ctx, 'since'),
      ...(ctx.values.limit !== undefined ? { limit: int(ctx, 'limit', 100) } : {}),
    };
    if (filter.since && Number.isNaN(Date.parse(filter.since))) throw new IdtrailError('usage', `--since must be an ISO-8601 time, got ${filter.since}`);
    const alerts = await withStore(ctx, (s) => s.listAlerts(filter));
    if (flag(ctx, 'json')) {
      writeJson(ctx, { alerts });
      return EXIT.ok;
    }
    if (alerts.length === 0) {
      ctx.stdout.write('no alerts match\n');
      return EXIT.ok;
    }
    const rows = [['ALERT ID', 'SEVERITY', 'STATUS', 'RULE', 'EVENTS', 'LAST SEEN', 'ENTITY']];
    for (const a of alerts) {
      rows.push([a.alert_id, a.severity, a.status === 'closed' && a.resolution ? `closed:${a.resolution}` : a.status, a.rule_id, String(a.event_count), a.last_seen.replace('.000Z', 'Z'), entity(a)]);
    }
    ctx.stdout.write(table(rows));
    return EXIT.ok;
  },
};

export const alertsShow: Command = {
  name: 'alerts show',
  summary: 'show one alert: explanation, entity, ATT&CK and evidence event ids',
  usage: 'alerts show <alert-id> [--db FILE] [--json]',
  options: { ...common },
  async run(ctx) {
    const id = alertId(ctx, 'show');
    const a = await withStore(ctx, (s) => s.getAlert(id));
    if (!a) throw new IdtrailError('input_invalid', `no alert with id ${JSON.stringify(id)}`, { hint: "list alert ids with 'idtrail alerts list'" });
    if (flag(ctx, 'json')) writeJson(ctx, a);
    else ctx.stdout.write(showText(a));
    return EXIT.ok;
  },
};

function transition(verb: 'ack' | 'close', to: AlertStatus): Command {
  return {
    name: `alerts ${verb}`,
    summary: verb === 'ack' ? 'acknowledge an alert (new → acknowledged)' : 'close an alert with a resolution',
    usage:
      verb === 'ack'
        ? 'alerts ack <alert-id> [--db FILE] [--note TEXT] [--json]'
        : `alerts close <alert-id> --resolution ${ALERT_RESOLUTIONS.join('|')} [--db FILE] [--note TEXT] [--json]`,
    options: { ...common, note: { type: 'string' }, ...(verb === 'close' ? { resolution: { type: 'string' } } : {}) },
    async run(ctx) {
      const id = alertId(ctx, verb);
      const resolution = verb === 'close' ? (str(ctx, 'resolution') as AlertResolution | undefined) ?? null : null;
      const a = await withStore(ctx, (s) => s.setAlertStatus(id, to, resolution, str(ctx, 'note') ?? null));
      if (flag(ctx, 'json')) writeJson(ctx, a);
      else ctx.stdout.write(`${a.alert_id}: ${a.status}${a.resolution ? ` (${a.resolution})` : ''}\n`);
      return EXIT.ok;
    },
  };
}

export const alertsAck = transition('ack', 'acknowledged');
export const alertsClose = transition('close', 'closed');
export const alertsCommands: Command[] = [alertsList, alertsShow, alertsAck, alertsClose];
