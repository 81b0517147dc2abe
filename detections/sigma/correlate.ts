import type { DuckDb } from '../../store/duckdb/db.js';
import { accessVals, compileDuckDbWhere, lit, qid } from './compile-sql.js';
import { mapField } from './pipelines.js';
import type { PreparedRule } from './prepare.js';
import type { CorrelationCondition, SigmaCorrelation } from './types.js';
import { bodyOf, fieldValues, toNumber, walk, text } from './values.js';

/**
 * Correlation rules (Sigma v2 "Correlations"): event_count, value_count, value_sum, value_avg,
 * temporal and temporal_ordered, grouped by fields, over SLIDING windows of event time: every event
 * closes a window `[t - timespan, t]` (events at exactly `t` included), so a burst that straddles a
 * clock boundary is seen whole. Both targets compute the same window ends; `mergeWindows` turns the
 * qualifying window ends of a group into alerts.
 */

/** One matched event of a referenced rule, as the correlation sees it. */
export interface CorrEvent {
  /** the reference under which the correlation names the rule (an entry of `rules`) */
  ref: string;
  uid: string;
  /** epoch milliseconds */
  time: number;
  group: Array<string | null>;
  value: string | null;
}

/** A window end whose metric satisfies the condition. */
export interface WindowHit {
  group: Array<string | null>;
  uid: string;
  time: number;
  metric: number;
  uids: string[];
  start: number;
}

export interface CorrelationAlert {
  rule_id: string;
  title: string;
  author: string | null;
  group: Record<string, string | null>;
  first_seen: string;
  last_seen: string;
  event_count: number;
  /** the largest metric over the merged windows (count, distinct count, sum, average) */
  value: number;
  event_uids: string[];
}

export function conditionHolds(conds: CorrelationCondition[], metric: number | null): boolean {
  if (metric === null || !Number.isFinite(metric)) return false;
  return conds.every((c) => {
    switch (c.op) {
      case 'gt':
        return metric > c.value;
      case 'gte':
        return metric >= c.value;
      case 'lt':
        return metric < c.value;
      case 'lte':
        return metric <= c.value;
      case 'eq':
        return metric === c.value;
      case 'neq':
        return metric !== c.value;
    }
  });
}

/** The field a referenced rule's events are grouped (or counted) by: aliases first. */
export function fieldFor(corr: SigmaCorrelation, field: string, ref: string, rule?: { id?: string; name?: string }): string {
  const alias = corr.aliases[field];
  if (alias) return alias[ref] ?? (rule?.name && alias[rule.name]) ?? (rule?.id && alias[rule.id]) ?? field;
  return field;
}

export function valueField(corr: SigmaCorrelation): string | undefined {
  return corr.conditions.find((c) => c.field)?.field;
}

/** A matched record → CorrEvent (memory target); null when it has no usable event time. */
export function corrEventOf(corr: SigmaCorrelation, ref: string, prepared: PreparedRule, record: unknown, uid: string): CorrEvent | null {
  const time = eventTimeOf(prepared, record);
  if (time === null) return null;
  const first = (field: string): string | null => fieldValues(mapField(prepared.pipeline, fieldFor(corr, field, ref, prepared.rule)), prepared.pipeline, record)[0] ?? null;
  const vf = valueField(corr);
  return { ref, uid, time, group: corr.groupBy.map(first), value: vf ? first(vf) : null };
}

export function eventTimeOf(prepared: PreparedRule, record: unknown): number | null {
  const body = bodyOf(prepared.pipeline, record);
  for (const path of prepared.pipeline.time) {
    const v = walk(body, path.split('.'))[0];
    if (v === undefined) continue;
    const t = text(v);
    const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(t) ? t : `${t}Z`);
    if (Number.isFinite(ms)) return ms;
  }
  return null;
}

function metricOf(corr: SigmaCorrelation, win: CorrEvent[], end: CorrEvent): number | null {
  switch (corr.correlationType) {
    case 'event_count':
      return win.length;
    case 'value_count':
      return new Set(win.map((e) => e.value).filter((v): v is string => v !== null)).size;
    case 'value_sum':
    case 'value_avg': {
      const nums = win.map((e) => (e.value === null ? null : toNumber(e.value))).filter((n): n is number => n !== null);
      if (nums.length === 0) return null;
      const sum = nums.reduce((a, b) => a + b, 0);
      return corr.correlationType === 'value_sum' ? sum : sum / nums.length;
    }
    case 'temporal':
      return new Set(win.map((e) => e.ref)).size;
    case 'temporal_ordered': {
      // earliest-first greedy: rules[0] then rules[1] at the same time or later, …
      const sorted = [...win].sort((a, b) => a.time - b.time);
      let k = 0;
      let last = -Infinity;
      const used = new Set<string>();
      for (const r of corr.rules) {
        const e = sorted.find((x) => x.ref === r && x.time >= last && !used.has(x.uid));
        if (!e) break;
        used.add(e.uid);
        last = e.time;
        k++;
      }
      void end;
      return k === corr.rules.length ? k : 0;
    }
  }
}

function key(g: Array<string | null>): string {
  return JSON.stringify(g);
}

/** In-memory evaluation: every event is a window end. */
export function windowHitsMemory(corr: SigmaCorrelation, events: CorrEvent[]): WindowHit[] {
  const groups = new Map<string, CorrEvent[]>();
  for (const e of events) {
    if (!corr.rules.includes(e.ref)) continue;
    const k = key(e.group);
    let list = groups.get(k);
    if (!list) groups.set(k, (list = []));
    list.push(e);
  }
  const hits: WindowHit[] = [];
  for (const list of groups.values()) {
    list.sort((a, b) => a.time - b.time);
    for (const end of list) {
      const start = end.time - corr.timespanMs;
      const win = list.filter((e) => e.time >= start && e.time <= end.time);
      const metric = metricOf(corr, win, end);
      if (conditionHolds(corr.conditions, metric)) hits.push({ group: end.group, uid: end.uid, time: end.time, metric: metric!, uids: win.map((e) => e.uid).sort(), start });
    }
  }
  return hits;
}

/** Overlapping qualifying windows of one group become one alert. */
export function mergeWindows(corr: SigmaCorrelation, hits: WindowHit[], times: Map<string, number>): CorrelationAlert[] {
  const byGroup = new Map<string, WindowHit[]>();
  for (const h of hits) {
    const k = key(h.group);
    let l = byGroup.get(k);
    if (!l) byGroup.set(k, (l = []));
    l.push(h);
  }
  const alerts: CorrelationAlert[] = [];
  for (const list of byGroup.values()) {
    list.sort((a, b) => a.time - b.time || a.uid.localeCompare(b.uid));
    let cur: { hits: WindowHit[]; end: number } | null = null;
    const flush = () => {
      if (!cur) return;
      const uids = [...new Set(cur.hits.flatMap((h) => h.uids))].sort();
      const ts = uids.map((u) => times.get(u) ?? 0);
      const g = cur.hits[0]!.group;
      alerts.push({
        rule_id: corr.id ?? corr.name ?? corr.title,
        title: corr.title,
        author: corr.author ?? null,
        group: Object.fromEntries(corr.groupBy.map((f, i) => [f, g[i] ?? null])),
        first_seen: new Date(Math.min(...ts)).toISOString(),
        last_seen: new Date(Math.max(...ts)).toISOString(),
        event_count: uids.length,
        value: Math.max(...cur.hits.map((h) => h.metric)),
        event_uids: uids,
      });
      cur = null;
    };
    for (const h of list) {
      if (cur && h.start <= cur.end) {
        cur.hits.push(h);
        cur.end = Math.max(cur.end, h.time);
      } else {
        flush();
        cur = { hits: [h], end: h.time };
      }
    }
    flush();
  }
  return alerts.sort((a, b) => a.first_seen.localeCompare(b.first_seen) || JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)));
}

export function correlateMemory(corr: SigmaCorrelation, events: CorrEvent[]): CorrelationAlert[] {
  const times = new Map(events.map((e) => [e.uid, e.time]));
  return mergeWindows(corr, windowHitsMemory(corr, events), times);
}

// ---- DuckDB -------------------------------------------------------------------------------------

function scalarOf(prepared: PreparedRule, field: string): string {
  const vals = mapField(prepared.pipeline, field).map((a) => accessVals(prepared.stream, a));
  const firsts = vals.map((v) => (v.kind === 'scalar' ? v.expr : `(${v.expr})[1]`));
  return firsts.length === 1 ? firsts[0]! : `coalesce(${firsts.join(', ')})`;
}

const CMP = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=', neq: '<>' } as const;

/**
 * SQL returning the qualifying window ends of a correlation over its referenced rules' raw tables:
 * columns g0…gN, _uid, _t, _metric, _uids, _start. `refs` maps each entry of `corr.rules` to its
 * prepared base rule. Time bounds are bound parameters `$since`/`$until` when given.
 */
export function compileCorrelationDuckDb(corr: SigmaCorrelation, refs: Map<string, PreparedRule>, opts: { bounded?: boolean } = {}): string {
  const vf = valueField(corr);
  const parts: string[] = [];
  for (const ref of corr.rules) {
    const p = refs.get(ref);
    if (!p) throw new Error(`correlation '${corr.title}' references '${ref}', which is not a loaded rule`);
    const groups = corr.groupBy.map((f, i) => `${scalarOf(p, fieldFor(corr, f, ref, p.rule))} AS g${i}`);
    const value = vf ? scalarOf(p, fieldFor(corr, vf, ref, p.rule)) : 'NULL::VARCHAR';
    const bounds = opts.bounded ? ' AND _event_time >= $since AND _event_time < $until' : '';
    parts.push(
      `SELECT ${lit(ref)} AS _rule, _uid, _event_time AS _t${groups.length ? `, ${groups.join(', ')}` : ''}, ${value} AS _v FROM ${qid(`raw_${p.stream.name}`)} WHERE _event_time IS NOT NULL${bounds} AND (${compileDuckDbWhere(p)})`,
    );
  }
  const gcols = corr.groupBy.map((_f, i) => `g${i}`);
  const span = `INTERVAL (${corr.timespanMs}) MILLISECOND`;
  const win = `(${gcols.length ? `PARTITION BY ${gcols.join(', ')} ` : ''}ORDER BY _t RANGE BETWEEN ${span} PRECEDING AND CURRENT ROW)`;
  let metric: string;
  switch (corr.correlationType) {
    case 'event_count':
      metric = `count(*) OVER ${win}`;
      break;
    case 'value_count':
      metric = `count(DISTINCT _v) OVER ${win}`;
      break;
    case 'value_sum':
      metric = `sum(TRY_CAST(CASE WHEN regexp_full_match(_v, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$') THEN _v END AS DOUBLE)) OVER ${win}`;
      break;
    case 'value_avg':
      metric = `avg(TRY_CAST(CASE WHEN regexp_full_match(_v, '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$') THEN _v END AS DOUBLE)) OVER ${win}`;
      break;
    case 'temporal':
      metric = `count(DISTINCT _rule) OVER ${win}`;
      break;
    case 'temporal_ordered': {
      // events of rules[0..n-1] at non-decreasing times inside the window that ends at this row
      const same = (a: string) => gcols.map((g) => `${a}.${g} IS NOT DISTINCT FROM w.${g}`).join(' AND ');
      let inner = 'true';
      for (let k = corr.rules.length - 1; k >= 0; k--) {
        const a = `o${k}`;
        const prev = k === 0 ? `w._t - ${span}` : `o${k - 1}._t`;
        const distinct = k === 0 ? '' : ` AND ${a}._uid <> o${k - 1}._uid`;
        inner = `EXISTS (SELECT 1 FROM m AS ${a} WHERE ${a}._rule = ${lit(corr.rules[k]!)}${gcols.length ? ` AND ${same(a)}` : ''} AND ${a}._t >= ${prev} AND ${a}._t >= w._t - ${span} AND ${a}._t <= w._t${distinct} AND ${inner})`;
      }
      metric = `CASE WHEN ${inner} THEN ${corr.rules.length} ELSE 0 END`;
      break;
    }
  }
  const cond = corr.conditions.map((c) => `_metric ${CMP[c.op]} ${Number(c.value)}`).join(' AND ');
  return `WITH m AS (${parts.join(' UNION ALL ')}),
w AS (SELECT *, list({'u': _uid, 't': epoch_ms(_t)}) OVER ${win} AS _uids FROM m),
x AS (SELECT ${gcols.length ? `${gcols.map((g) => `w.${g}`).join(', ')}, ` : ''}w._uid, w._t, w._uids, ${metric.replace(/ OVER /g, ' OVER ')} AS _metric FROM w)
SELECT ${gcols.length ? `${gcols.join(', ')}, ` : ''}_uid, _t, _metric, _uids FROM x WHERE ${cond}`;
}

/** Run a correlation on DuckDB and merge its window ends into alerts. */
export async function correlateDuckDb(
  db: DuckDb,
  corr: SigmaCorrelation,
  refs: Map<string, PreparedRule>,
  opts: { since?: Date; until?: Date } = {},
): Promise<CorrelationAlert[]> {
  const bounded = !!(opts.since && opts.until);
  const sql = compileCorrelationDuckDb(corr, refs, { bounded });
  const rows = await db.all<Record<string, unknown>>(sql, bounded ? { since: opts.since!, until: opts.until! } : undefined);
  const times = new Map<string, number>();
  const hits: WindowHit[] = rows.map((r) => {
    const uids = (r._uids as Array<{ u: string; t: number | bigint }>).map((x) => {
      times.set(x.u, Number(x.t));
      return x.u;
    });
    const t = Number((r._t as Date).getTime());
    return {
      group: corr.groupBy.map((_f, i) => (r[`g${i}`] === null || r[`g${i}`] === undefined ? null : String(r[`g${i}`]))),
      uid: String(r._uid),
      time: t,
      metric: Number(r._metric),
      uids: [...uids].sort(),
      start: t - corr.timespanMs,
    };
  });
  return mergeWindows(corr, hits, times);
}

/**
 * Chaining: a correlation that references another correlation consumes its alerts as events (at
 * the alert's last_seen time, with the inner group-by values as fields). Evaluated in memory over
 * the inner correlation's alerts from either target.
 */
export function alertsAsEvents(outer: SigmaCorrelation, ref: string, alerts: CorrelationAlert[]): CorrEvent[] {
  const vf = valueField(outer);
  return alerts.map((a, i) => ({
    ref,
    uid: `${a.rule_id}:${a.first_seen}:${i}`,
    time: Date.parse(a.last_seen),
    group: outer.groupBy.map((f) => a.group[fieldFor(outer, f, ref)] ?? null),
    value: vf ? (a.group[fieldFor(outer, vf, ref)] ?? null) : null,
  }));
}
