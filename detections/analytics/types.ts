import type { DuckDb } from '../../store/duckdb/db.js';
import type { Severity } from '../alerts/model.js';

/**
 * An analytic: a stateful detection in DuckDB SQL over `identity_events` plus the inventory
 * (`accounts`, `role_assignments`, `auth_methods`) and `hris_workers`. It carries the same metadata
 * as a Sigma rule, so the engine, the CLI and the docs treat both alike. The id is the file name.
 */
export interface AnalyticParam {
  default: number | string | string[] | boolean;
  description: string;
  /** Where the default comes from (a vendor's or a public rule's threshold). */
  source: string;
}

export interface Analytic {
  id: string;
  title: string;
  severity: Severity;
  tactics: string[];
  techniques: string[];
  description: string;
  triage: string;
  falsePositives: string[];
  params: Record<string, AnalyticParam>;
  /**
   * How far before the run window the analytic reads context (earlier events of the same
   * correlation group, the previous sign-in), in minutes. A group is rebuilt whole on every run,
   * so its stable id does not depend on where a run boundary fell.
   */
  contextMinutes: (params: ResolvedParams) => number;
  detect(db: DuckDb, win: DetectWindow, params: ResolvedParams): Promise<Hit[]>;
}

export type ResolvedParams = Record<string, number | string | string[] | boolean>;

export interface DetectWindow {
  /** Hits whose last event falls in [from, to] are reported. */
  from: Date;
  to: Date;
  /** from − contextMinutes: where the analytic starts reading. */
  contextFrom: Date;
}

/** One correlation group an analytic found; the engine turns it into an Alert. */
export interface Hit {
  /** Identifies the correlation group (with the rule id → the stable alert id). */
  groupKey: string;
  entity: { user?: string | null; ip?: string | null; app?: string | null };
  tenantId: string | null;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
  evidence: string[];
  explanation: string;
  /** Overrides the analytic's severity (escalation). */
  severity?: Severity;
  /** Numbers and context behind the hit; suppression reads `ips`, `asns`, `countries`, `apps`. */
  details: Record<string, unknown> & { ips?: string[]; asns?: number[]; countries?: string[]; apps?: string[] };
}

export function resolveParams(a: Analytic, overrides: Record<string, unknown> = {}): ResolvedParams {
  const out: ResolvedParams = {};
  for (const [k, p] of Object.entries(a.params)) {
    const v = overrides[k];
    out[k] = v === undefined ? p.default : (v as ResolvedParams[string]);
  }
  return out;
}

export const num = (p: ResolvedParams, k: string): number => Number(p[k]);
export const list = (p: ResolvedParams, k: string): string[] => (Array.isArray(p[k]) ? (p[k] as string[]) : []);
