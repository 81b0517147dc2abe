/**
 * The metrics API the CLI, dashboards, notebooks and the web view share.
 * - `computeKpis(db, period, opts)` — the KPI table for a period, written to `kpi_results`
 * - `computeTrend(db, kpiId, endPeriod, n = 12)` — one KPI over the last n periods
 * - `evidenceRows(db, kpiId, period)` — the rows behind a value
 * - `writeEvidencePackage(db, period, outDir)` — the audit evidence package with its manifest
 * - `KPI_DEFINITIONS` — the twenty definitions as data
 */
export { computeKpis, computeTrend, defaultPeriod, hasData, writeKpiResults, type ComputeOptions } from './compute.js';
export { evidenceRows, writeEvidencePackage, type EvidenceManifest, type EvidenceRows } from './evidence.js';
export { KPI_BY_ID, KPI_DEFINITIONS } from './registry.js';
export { metricsOptionsFromConfig, readMetricsConfigFile, type MetricsConfig } from './config.js';
export { parsePeriod, periodContaining, shiftPeriod, windowFor, type Cadence, type Grain, type Period } from './period.js';
export { formatTarget, type Target, type Unit } from './target.js';
export type { KpiDefinition, KpiNeed, KpiResult, KpiStatus } from './types.js';
