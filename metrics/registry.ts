import type { KpiDefinition } from './types.js';
import { sso_integration_lead_time } from './kpis/sso_integration_lead_time.js';
import { provisioning_success_rate } from './kpis/provisioning_success_rate.js';
import { leaver_disablement_sla } from './kpis/leaver_disablement_sla.js';
import { mover_accuracy } from './kpis/mover_accuracy.js';
import { mfa_coverage } from './kpis/mfa_coverage.js';
import { phishing_resistant_admins } from './kpis/phishing_resistant_admins.js';
import { legacy_auth_usage } from './kpis/legacy_auth_usage.js';
import { privileged_standing_access } from './kpis/privileged_standing_access.js';
import { jit_adoption } from './kpis/jit_adoption.js';
import { access_review_completion } from './kpis/access_review_completion.js';
import { access_review_remediation } from './kpis/access_review_remediation.js';
import { iam_change_failure_rate } from './kpis/iam_change_failure_rate.js';
import { iam_incident_mttr } from './kpis/iam_incident_mttr.js';
import { auth_error_rate } from './kpis/auth_error_rate.js';
import { ticket_deflection } from './kpis/ticket_deflection.js';
import { automation_coverage } from './kpis/automation_coverage.js';
import { orphaned_accounts } from './kpis/orphaned_accounts.js';
import { dormant_privileged_accounts } from './kpis/dormant_privileged_accounts.js';
import { stakeholder_csat } from './kpis/stakeholder_csat.js';
import { access_audit_findings } from './kpis/access_audit_findings.js';

/** The twenty KPIs of KPIS.md, in its order. The id, the file name and the export name are the same. */
export const KPI_DEFINITIONS: readonly KpiDefinition[] = [
  sso_integration_lead_time,
  provisioning_success_rate,
  leaver_disablement_sla,
  mover_accuracy,
  mfa_coverage,
  phishing_resistant_admins,
  legacy_auth_usage,
  privileged_standing_access,
  jit_adoption,
  access_review_completion,
  access_review_remediation,
  iam_change_failure_rate,
  iam_incident_mttr,
  auth_error_rate,
  ticket_deflection,
  automation_coverage,
  orphaned_accounts,
  dormant_privileged_accounts,
  stakeholder_csat,
  access_audit_findings,
];

export const KPI_BY_ID: ReadonlyMap<string, KpiDefinition> = new Map(KPI_DEFINITIONS.map((k) => [k.id, k]));
