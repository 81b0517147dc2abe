import { isIP } from 'node:net';
import type { Alert } from '../alerts/model.js';
import { parentTechnique, tactics, techniques } from './attack.js';
import { PRODUCT_VERSION } from './ecs.js';
import { scale } from './severity.js';

/** OCSF schema version the findings follow. */
export const OCSF_VERSION = '1.3.0';

const SEVERITY_CAPTION = ['Unknown', 'Informational', 'Low', 'Medium', 'High', 'Critical'];

/** Finding status_id (OCSF finding.json): 1 New, 2 In Progress, 3 Suppressed, 4 Resolved. */
function status(a: Alert): { id: number; name: string } {
  if (a.status === 'acknowledged') return { id: 2, name: 'In Progress' };
  if (a.status === 'closed') return a.resolution === 'true_positive' ? { id: 4, name: 'Resolved' } : { id: 3, name: 'Suppressed' };
  if (a.suppressed_by) return { id: 3, name: 'Suppressed' };
  return { id: 1, name: 'New' };
}

const ms = (iso: string) => Date.parse(iso);

/**
 * An alert as an OCSF Detection Finding (class_uid 2004, category 2 Findings, activity 1 Create, so
 * type_uid 200401). `finding_info.uid` and `metadata.uid` are the stable alert id; the rule is the
 * `finding_info.analytic`; ATT&CK goes in `attacks[]` (one entry per technique and tactic) and is
 * duplicated into `finding_info.attacks` as the schema asks of security controls. Times are epoch ms.
 */
export function toOcsf(a: Alert): Record<string, unknown> {
  const sev = scale(a.severity).ocsf;
  const st = status(a);
  const tac = tactics(a.tactics);
  const attacks: Record<string, unknown>[] = [];
  for (const t of techniques(a.techniques)) {
    const parent = parentTechnique(t);
    const tech = parent ? { technique: { uid: parent.id, name: parent.name, src_url: parent.reference }, sub_technique: { uid: t.id, name: t.name, src_url: t.reference } } : { technique: { uid: t.id, name: t.name, src_url: t.reference } };
    if (tac.length === 0) attacks.push({ ...tech, version: '15' });
    for (const x of tac) attacks.push({ ...tech, tactic: { uid: x.id, name: x.name, src_url: x.reference }, version: '15' });
  }
  const observables: Record<string, unknown>[] = [];
  const ip = a.entity.ip && isIP(a.entity.ip) ? a.entity.ip : null;
  if (a.entity.user) observables.push({ name: 'actor.user.name', type_id: 4, type: 'User Name', value: a.entity.user });
  if (ip) observables.push({ name: 'src_endpoint.ip', type_id: 2, type: 'IP Address', value: ip });
  const finding: Record<string, unknown> = {
    activity_id: 1,
    activity_name: 'Create',
    category_uid: 2,
    category_name: 'Findings',
    class_uid: 2004,
    class_name: 'Detection Finding',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    severity_id: sev,
    severity: SEVERITY_CAPTION[sev],
    status_id: st.id,
    status: st.name,
    time: ms(a.created_at),
    start_time: ms(a.first_seen),
    end_time: ms(a.last_seen),
    count: a.event_count,
    message: a.explanation,
    is_alert: true,
    finding_info: {
      uid: a.alert_id,
      title: a.rule_title,
      desc: a.explanation,
      types: [a.rule_kind],
      created_time: ms(a.created_at),
      first_seen_time: ms(a.first_seen),
      last_seen_time: ms(a.last_seen),
      analytic: { uid: a.rule_id, name: a.rule_title, type_id: 1, type: 'Rule' },
      related_events: a.evidence_event_ids.map((uid) => ({ uid })),
      attacks,
    },
    attacks,
    metadata: {
      uid: a.alert_id,
      version: OCSF_VERSION,
      product: { name: 'idtrail', vendor_name: 'idtrail', version: PRODUCT_VERSION },
      ...(a.tenant_id ? { tenant_uid: a.tenant_id } : {}),
    },
    observables,
    unmapped: {
      rule_author: a.rule_author,
      status: a.status,
      resolution: a.resolution,
      suppressed_by: a.suppressed_by,
      evidence_event_ids: a.evidence_event_ids,
      entity: a.entity,
      details: a.details,
    },
  };
  if (a.entity.user) finding.actor = { user: { name: a.entity.user, ...(a.entity.user.includes('@') ? { email_addr: a.entity.user } : {}) } };
  if (ip) finding.src_endpoint = { ip };
  if (a.entity.app) finding.resources = [{ name: a.entity.app, type: 'Application' }];
  return finding;
}
