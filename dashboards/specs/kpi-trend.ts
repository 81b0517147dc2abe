import type { TopLevelSpec } from 'vega-lite';
import { baseConfig, THEME } from '../render.js';
import { isPercentUnit, type KpiTile } from '../model.js';

/**
 * A KPI tile's trend: the last periods as a line, each point green where the target was met and red
 * where it was missed (grey when unknown), with the numeric target as a dashed rule.
 */
export function kpiTrendSpec(tile: KpiTile, width = 260, height = 90): TopLevelSpec {
  const pct = isPercentUnit(tile.unit);
  const values = tile.trend.map((p) => ({
    period: p.period,
    value: p.value,
    state: p.met === null ? 'unknown' : p.met ? 'met' : 'missed',
  }));
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'line', color: THEME.neutral, strokeWidth: 1.5 },
      encoding: {
        x: { field: 'period', type: 'ordinal', sort: null, axis: { labelAngle: -45, labelFontSize: 8, title: null } },
        y: { field: 'value', type: 'quantitative', axis: { format: pct ? '.1~%' : '~s', labelFontSize: 8, title: null, tickCount: 3 }, scale: { zero: false } },
      },
    },
    {
      mark: { type: 'point', filled: true, size: 36 },
      encoding: {
        x: { field: 'period', type: 'ordinal', sort: null },
        y: { field: 'value', type: 'quantitative' },
        color: {
          field: 'state',
          type: 'nominal',
          scale: { domain: ['met', 'missed', 'unknown'], range: [THEME.ok, THEME.missed, '#90a4ae'] },
          legend: null,
        },
        tooltip: [
          { field: 'period', type: 'ordinal' },
          { field: 'value', type: 'quantitative', format: pct ? '.1%' : ',.2f' },
          { field: 'state', type: 'nominal' },
        ],
      },
    },
  ];
  if (tile.targetValue !== null && tile.targetValue !== undefined) {
    layers.push({
      data: { values: [{ target: tile.targetValue }] },
      mark: { type: 'rule', strokeDash: [4, 3], color: '#455a64' },
      encoding: { y: { field: 'target', type: 'quantitative' } },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height,
    data: { values },
    layer: layers,
    config: baseConfig(),
  } as unknown as TopLevelSpec;
}
