/**
 * The alert, as stored in `alerts` and handed to forwarders (DESIGN.md §4).
 * `alert_id` is stable: a hash of rule id + entity + time bucket (or the correlation group), so that
 * re-running a detection over the same window creates nothing new.
 */
export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export type AlertStatus = 'new' | 'acknowledged' | 'closed';
export type AlertResolution = 'true_positive' | 'benign' | 'false_positive';

export interface AlertEntity {
  user?: string | null;
  ip?: string | null;
  app?: string | null;
}

export interface Alert {
  alert_id: string;
  rule_id: string;
  rule_title: string;
  /** The rule's author (Sigma rules: required by the Detection Rule License). */
  rule_author: string | null;
  /** 'sigma' | 'sigma_correlation' | 'analytic' */
  rule_kind: string;
  severity: Severity;
  tactics: string[];
  techniques: string[];
  entity: AlertEntity;
  tenant_id: string | null;
  first_seen: string; // ISO-8601 UTC
  last_seen: string;
  event_count: number;
  evidence_event_ids: string[];
  explanation: string;
  details: Record<string, unknown>;
  status: AlertStatus;
  resolution: AlertResolution | null;
  status_note: string | null;
  suppressed_by: string | null;
  created_at: string;
  updated_at: string;
}

export const SEVERITIES: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];
export const ALERT_STATUSES: readonly AlertStatus[] = ['new', 'acknowledged', 'closed'];
export const ALERT_RESOLUTIONS: readonly AlertResolution[] = ['true_positive', 'benign', 'false_positive'];
export { stableAlertId } from './alert-id.js';
