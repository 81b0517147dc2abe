import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { IdtrailError } from '../lib/errors.js';
import { KPI_BY_ID } from './registry.js';
import { overrideTarget, type Target } from './target.js';

/**
 * The metrics part of the configuration:
 * ```yaml
 * kpis:
 *   targets:
 *     mfa_coverage: { op: '>=', value: 0.95 }   # or a bare number for a threshold: 0.95
 *   birthright:                                   # department → entitlements every member gets
 *     Engineering: [github-users, aws-dev]
 *   params:
 *     leaver_disablement_sla: { sla_hours: 8 }
 * ```
 * The project's config loader hands the parsed object to `metricsOptionsFromConfig`; the CLI can
 * also read a YAML file of that shape (`--config`).
 */
export interface MetricsConfig {
  targets: Record<string, Target>;
  birthright: Record<string, string[]>;
  params: Record<string, Record<string, number>>;
}

export const EMPTY_CONFIG: MetricsConfig = { targets: {}, birthright: {}, params: {} };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validates `{ kpis: { targets, birthright, params } }`. Every problem is collected and reported
 * at once, each with the key path of the bad field.
 */
export function metricsOptionsFromConfig(config: unknown, file?: string): MetricsConfig {
  const issues: string[] = [];
  const out: MetricsConfig = { targets: {}, birthright: {}, params: {} };
  if (config === undefined || config === null) return out;
  if (!isObject(config)) throw new IdtrailError('config_invalid', 'the configuration must be a mapping', { location: { file } });
  const kpis = config.kpis;
  if (kpis === undefined || kpis === null) return out;
  if (!isObject(kpis)) throw new IdtrailError('config_invalid', '`kpis` must be a mapping', { location: { file, path: 'kpis' } });
  const targets = kpis.targets ?? {};
  if (!isObject(targets)) issues.push('kpis.targets: must be a mapping of KPI id to target');
  else {
    for (const [id, raw] of Object.entries(targets)) {
      const def = KPI_BY_ID.get(id);
      if (!def) {
        issues.push(`kpis.targets.${id}: unknown KPI id (known: ${[...KPI_BY_ID.keys()].join(', ')})`);
        continue;
      }
      const r = overrideTarget(def.target, raw);
      if (r.ok) out.targets[id] = r.target;
      else issues.push(`kpis.targets.${id}: ${r.error}`);
    }
  }
  const birthright = kpis.birthright ?? {};
  if (!isObject(birthright)) issues.push('kpis.birthright: must be a mapping of department to a list of entitlements');
  else {
    for (const [dept, list] of Object.entries(birthright)) {
      if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' && x.length > 0)) {
        issues.push(`kpis.birthright.${dept}: must be a list of entitlement names`);
      } else out.birthright[dept] = list as string[];
    }
  }
  const params = kpis.params ?? {};
  if (!isObject(params)) issues.push('kpis.params: must be a mapping of KPI id to parameters');
  else {
    for (const [id, p] of Object.entries(params)) {
      const def = KPI_BY_ID.get(id);
      if (!def) {
        issues.push(`kpis.params.${id}: unknown KPI id`);
        continue;
      }
      if (!isObject(p)) {
        issues.push(`kpis.params.${id}: must be a mapping`);
        continue;
      }
      for (const [k, v] of Object.entries(p)) {
        if (!def.params || !(k in def.params)) issues.push(`kpis.params.${id}.${k}: unknown parameter (known: ${Object.keys(def.params ?? {}).join(', ') || 'none'})`);
        else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) issues.push(`kpis.params.${id}.${k}: must be a non-negative number`);
        else (out.params[id] ??= {})[k] = v;
      }
    }
  }
  for (const key of Object.keys(kpis)) {
    if (!['targets', 'birthright', 'params'].includes(key)) issues.push(`kpis.${key}: unknown key (expected targets, birthright, params)`);
  }
  if (issues.length > 0) {
    throw new IdtrailError('config_invalid', `invalid metrics configuration:\n  ${issues.join('\n  ')}`, { location: { file } });
  }
  return out;
}

/** Reads a YAML (or JSON) file of the shape above. YAML syntax errors carry their line. */
export function readMetricsConfigFile(file: string): MetricsConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new IdtrailError('file_not_found', `cannot read config file ${file}: ${(err as Error).message}`, { location: { file } });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lineCounter.linePos(e.pos[0]);
    throw new IdtrailError('config_invalid', e.message.split('\n')[0], { location: { file, line: pos.line, column: pos.col } });
  }
  return metricsOptionsFromConfig(doc.toJS(), file);
}
