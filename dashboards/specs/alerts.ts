import type { TopLevelSpec } from 'vega-lite';
import { baseConfig, THEME } from '../render.js';
import type { AlertOverviewData } from '../model.js';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational'];
const severityScale = { domain: SEVERITIES, range: SEVERITIES.map((s) => THEME.severity[s]) };

function wrap(spec: Record<string, unknown>): TopLevelSpec {
  return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", config: baseConfig(), ...spec } as unknown as TopLevelSpec;
}

/** A horizontal bar chart of counts, sorted descending. */
export function barSpec(title: string, rows: { label: string; count: number }[], color: string = THEME.neutral): TopLevelSpec {
  return wrap({
    title,
    width: 360,
    height: { step: 18 },
    data: { values: rows },
    mark: { type: 'bar', color },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: '-x', axis: { title: null, labelLimit: 220 } },
      x: { field: 'count', type: 'quantitative', axis: { title: 'alerts', tickMinStep: 1 } },
      tooltip: [
        { field: 'label', type: 'nominal' },
        { field: 'count', type: 'quantitative' },
      ],
    },
  });
}

export function alertsBySeveritySpec(data: AlertOverviewData): TopLevelSpec {
  return wrap({
    title: 'Alerts by severity',
    width: 360,
    height: { step: 22 },
    data: { values: data.bySeverity },
    mark: 'bar',
    encoding: {
      y: { field: 'severity', type: 'nominal', sort: SEVERITIES, axis: { title: null } },
      x: { field: 'count', type: 'quantitative', axis: { title: 'alerts', tickMinStep: 1 } },
      color: { field: 'severity', type: 'nominal', scale: severityScale, legend: null },
    },
  });
}

export function alertsByDaySpec(data: AlertOverviewData): TopLevelSpec {
  return wrap({
    title: 'Alerts per day, by severity',
    width: 760,
    height: 180,
    data: { values: data.byDay },
    mark: 'bar',
    encoding: {
      x: { field: 'day', type: 'ordinal', timeUnit: 'yearmonthdate', axis: { title: null, labelAngle: -45, format: '%b %d' } },
      y: { field: 'count', type: 'quantitative', stack: true, axis: { title: 'alerts', tickMinStep: 1 } },
      color: { field: 'severity', type: 'nominal', scale: severityScale, sort: SEVERITIES },
      order: { field: 'severity', sort: 'ascending' },
    },
  });
}

export function alertsByRuleSpec(data: AlertOverviewData): TopLevelSpec {
  return barSpec(
    'Alerts by detection',
    data.byRule.map((r) => ({ label: r.title || r.rule_id, count: r.count })),
    '#37474f',
  );
}
