import { isIP } from 'node:net';
import type { Alert } from '../alerts/model.js';
import { parentTechnique, tactics, techniques } from './attack.js';
import { scale } from './severity.js';

/** ECS version the documents and the index template follow. */
export const ECS_VERSION = '8.17.0';
export const PRODUCT_VERSION = '0.1.0';

/**
 * An alert as an ECS document (`event.kind: alert`), the form Elastic Security reads: `event.id` is the
 * stable alert id (receivers deduplicate on it and the Elasticsearch sink also uses it as `_id`),
 * `rule.*` names the detection, `threat.*` carries ATT&CK ids, names and references, `user.*`,
 * `source.*` and `related.*` the entity. Fields ECS has no name for live under `idtrail.*`.
 */
export function toEcs(a: Alert, opts: { dataStream?: { type: string; dataset: string; namespace: string } } = {}): Record<string, unknown> {
  const tac = tactics(a.tactics);
  const tech = techniques(a.techniques);
  const parents = tech.map((t) => parentTechnique(t) ?? t);
  const uniqueParents = [...new Map(parents.map((p) => [p.id, p])).values()];
  const subs = tech.filter((t) => t.id.includes('.'));
  const user = a.entity.user ?? null;
  const ip = a.entity.ip && isIP(a.entity.ip) ? a.entity.ip : null;
  const sev = scale(a.severity);
  const doc: Record<string, unknown> = {
    '@timestamp': a.created_at,
    message: a.explanation,
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'alert',
      id: a.alert_id,
      category: ['iam'],
      type: ['info'],
      severity: sev.riskScore,
      risk_score: sev.riskScore,
      start: a.first_seen,
      end: a.last_seen,
      created: a.created_at,
      module: 'idtrail',
      dataset: opts.dataStream?.dataset ?? 'idtrail.alerts',
      reason: a.explanation,
    },
    rule: {
      id: a.rule_id,
      name: a.rule_title,
      ruleset: a.rule_kind,
      ...(a.rule_author ? { author: [a.rule_author] } : {}),
    },
    threat: {
      framework: 'MITRE ATT&CK',
      tactic: { id: tac.map((t) => t.id), name: tac.map((t) => t.name), reference: tac.map((t) => t.reference) },
      technique: {
        id: uniqueParents.map((t) => t.id),
        name: uniqueParents.map((t) => t.name),
        reference: uniqueParents.map((t) => t.reference),
        subtechnique: { id: subs.map((t) => t.id), name: subs.map((t) => t.name), reference: subs.map((t) => t.reference) },
      },
    },
    observer: { vendor: 'idtrail', product: 'idtrail', version: PRODUCT_VERSION },
    related: { user: user ? [user] : [], ip: ip ? [ip] : [] },
    idtrail: {
      alert: {
        status: a.status,
        resolution: a.resolution,
        severity: a.severity,
        event_count: a.event_count,
        evidence_event_ids: a.evidence_event_ids,
        suppressed_by: a.suppressed_by,
        details: a.details,
      },
      entity: { user, ip: a.entity.ip ?? null, app: a.entity.app ?? null },
      tenant_id: a.tenant_id,
    },
  };
  if (user) {
    const at = user.indexOf('@');
    doc.user = at > 0 ? { name: user, email: user, domain: user.slice(at + 1) } : { name: user };
  }
  if (ip) doc.source = { ip };
  if (a.tenant_id) doc.organization = { id: a.tenant_id };
  if (opts.dataStream) doc.data_stream = opts.dataStream;
  return doc;
}
