import type { Alert } from '../alerts/model.js';

/** The alert as `idtrail detect --json` prints it. */
export function alertSummary(a: Alert) {
  return {
    alert_id: a.alert_id,
    rule_id: a.rule_id,
    title: a.rule_title,
    severity: a.severity,
    techniques: a.techniques,
    entity: { user: a.entity.user ?? null, ip: a.entity.ip ?? null, app: a.entity.app ?? null },
    first_seen: a.first_seen,
    last_seen: a.last_seen,
    count: a.event_count,
    status: a.status,
    suppressed_by: a.suppressed_by,
  };
}

/** Plain-text lines for a terminal: one per alert, grouped by rule. */
export function alertLines(alerts: Alert[]): string[] {
  const lines: string[] = [];
  const byRule = new Map<string, Alert[]>();
  for (const a of alerts) byRule.set(a.rule_id, [...(byRule.get(a.rule_id) ?? []), a]);
  for (const [rule, list] of [...byRule.entries()].sort()) {
    lines.push(`${rule} (${list.length})`);
    for (const a of list) {
      const who = [a.entity.user, a.entity.ip, a.entity.app].filter(Boolean).join(' ');
      lines.push(`  ${a.severity.padEnd(8)} ${a.first_seen.slice(0, 16).replace('T', ' ')}  ${who}${a.suppressed_by ? `  [suppressed by ${a.suppressed_by}]` : ''}`);
      lines.push(`           ${a.explanation}`);
    }
  }
  return lines;
}
