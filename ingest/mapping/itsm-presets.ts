import { z } from 'zod';
import { FieldSpecSchema } from './column-mapping.js';

/**
 * ITSM exports → `itsm_records`. `record_type` is one of request, incident, change, access_review,
 * self_service — and, for the two small registers an IAM team keeps beside its tickets,
 * survey_response (stakeholder survey) and audit_finding (access audit findings). Priorities and severities are stored as their number (`1 - Critical` → `1`, Jira
 * Highest → `1`); channels lower-cased with `_` (`self-service` → `self_service`). What has no
 * column of its own goes to `attributes` (JSON), e.g. an SSO integration's `go_live_at` and an access
 * review item's `remediated_at` (both ISO-8601 text).
 */
export const RECORD_TYPES = ['request', 'incident', 'change', 'access_review', 'self_service', 'survey_response', 'audit_finding'] as const;

export const ITSM_COLUMNS = [
  'record_id',
  'record_type',
  'category',
  'channel',
  'state',
  'priority',
  'severity',
  'requester',
  'subject_user',
  'assignment_group',
  'short_description',
  'opened_at',
  'resolved_at',
  'closed_at',
  'due_at',
  'decision',
  'decided_at',
  'caused_incident',
  'rolled_back',
  'related_record_id',
  'updated_at',
] as const;

export type ItsmColumn = (typeof ITSM_COLUMNS)[number];

export const ItsmMappingSchema = z
  .object({
    name: z.string().min(1),
    fields: z.partialRecord(z.enum(ITSM_COLUMNS), FieldSpecSchema),
    attributes: z.record(z.string(), FieldSpecSchema).optional(),
    required: z.array(z.enum(ITSM_COLUMNS)).optional(),
  })
  .strict()
  .refine((m) => m.fields.record_id !== undefined, { message: 'an ITSM mapping needs at least fields.record_id' });

export type ItsmMapping = z.infer<typeof ItsmMappingSchema>;

/** ServiceNow table names and number prefixes → record type. */
const SERVICENOW_TYPES: Record<string, string> = {
  sc_req_item: 'request',
  sc_request: 'request',
  sc_task: 'request',
  incident: 'incident',
  change_request: 'change',
  change_task: 'change',
  ritm: 'request',
  req: 'request',
  sctask: 'request',
  inc: 'incident',
  chg: 'change',
  ctask: 'change',
  // display names, with sysparm_display_value=true
  'requested item': 'request',
  request: 'request',
  'catalog task': 'request',
  'change request': 'change',
  'change task': 'change',
};

/** Jira Service Management issue types (the `[System]` ones are what a new JSM project creates). */
const JIRA_TYPES: Record<string, string> = {
  'service request': 'request',
  '[system] service request': 'request',
  'service request with approvals': 'request',
  '[system] service request with approvals': 'request',
  'it help': 'request',
  'access request': 'request',
  incident: 'incident',
  '[system] incident': 'incident',
  change: 'change',
  '[system] change': 'change',
  'access review': 'access_review',
};

const JIRA_PRIORITY: Record<string, string> = {
  highest: '1',
  blocker: '1',
  critical: '1',
  high: '2',
  major: '2',
  medium: '3',
  low: '4',
  minor: '4',
  lowest: '5',
  trivial: '5',
};

const DECISION: Record<string, string> = {
  approve: 'approve',
  approved: 'approve',
  certify: 'approve',
  certified: 'approve',
  keep: 'approve',
  maintain: 'approve',
  revoke: 'revoke',
  revoked: 'revoke',
  remove: 'revoke',
  removed: 'revoke',
  deny: 'revoke',
  denied: 'revoke',
  reject: 'revoke',
};

export const ITSM_PRESETS: Record<string, ItsmMapping> = {
  /**
   * ServiceNow Table API (`{"result": [...]}`) for sc_req_item, incident and change_request. With
   * `sysparm_display_value=all` every field is `{display_value, value}`; `value` holds times in UTC
   * (`YYYY-MM-DD HH:mm:ss`) and sys_ids, `display_value` the names.
   */
  servicenow: {
    name: 'servicenow',
    fields: {
      record_id: { from: 'sys_id', as: 'value' },
      record_type: { from: ['sys_class_name', 'number'], as: ['value', 'prefix'], map: SERVICENOW_TYPES },
      category: { from: ['u_category', 'category'], as: ['value', 'lower'] },
      channel: { from: 'contact_type', as: ['value', 'channel'] },
      state: { from: 'state', as: 'display' },
      priority: { from: 'priority', as: ['value', 'digit'] },
      severity: { from: 'severity', as: ['value', 'digit'] },
      requester: { from: ['opened_by', 'caller_id', 'requested_for'], as: 'display' },
      subject_user: { from: ['requested_for', 'caller_id'], as: 'display' },
      assignment_group: { from: 'assignment_group', as: 'display' },
      short_description: { from: 'short_description', as: 'display' },
      opened_at: { from: 'opened_at', as: 'value' },
      resolved_at: { from: 'resolved_at', as: 'value' },
      closed_at: { from: 'closed_at', as: 'value' },
      due_at: { from: 'due_date', as: 'value' },
      rolled_back: { from: 'u_rolled_back', as: 'value' },
      related_record_id: { from: ['caused_by', 'rfc', 'request', 'parent'], as: 'value' },
      updated_at: { from: 'sys_updated_on', as: 'value' },
    },
    required: ['opened_at'],
    attributes: {
      number: { from: 'number', as: 'display' },
      cat_item: { from: 'cat_item', as: 'display' },
      go_live_at: { from: 'u_go_live_at', as: 'iso' },
      close_code: { from: 'close_code', as: ['value', 'lower'] },
      change_type: { from: 'type', as: ['value', 'lower'] },
      priority_label: { from: 'priority', as: 'display' },
      severity_label: { from: 'severity', as: 'display' },
      caused_by_number: { from: 'caused_by', as: 'display' },
    },
  },
  /** Jira search (`/rest/api/3/search`: `{"issues": [{"id", "key", "fields": {...}}]}`). */
  jira: {
    name: 'jira',
    fields: {
      record_id: 'key',
      record_type: { from: 'fields.issuetype.name', map: JIRA_TYPES, default: 'request' },
      category: { from: ['fields.components[0].name', 'fields.labels[0]'], as: 'lower' },
      state: 'fields.status.name',
      priority: { from: 'fields.priority.name', map: JIRA_PRIORITY, unmapped: 'keep' },
      requester: ['fields.reporter.emailAddress', 'fields.reporter.displayName'],
      subject_user: ['fields.reporter.emailAddress', 'fields.reporter.displayName'],
      assignment_group: ['fields.assignee.displayName'],
      short_description: 'fields.summary',
      opened_at: 'fields.created',
      resolved_at: 'fields.resolutiondate',
      due_at: 'fields.duedate',
      // "is caused by": on the incident, the Causes link names the change as its inward issue
      related_record_id: 'fields.issuelinks[type.name=Causes].inwardIssue.key',
      updated_at: 'fields.updated',
    },
    required: ['opened_at'],
    attributes: {
      issue_id: 'id',
      issue_type: 'fields.issuetype.name',
      status_category: 'fields.status.statusCategory.key',
      resolution: 'fields.resolution.name',
      priority_label: 'fields.priority.name',
    },
  },
  /** IGA certification decisions export (Campaign_ID, …, Decision, Decided_At, Due_At, Remediated_At). */
  access_reviews: {
    name: 'access_reviews',
    fields: {
      record_id: { from: ['Campaign_ID', 'Item_ID'], pick: 'join' },
      record_type: { const: 'access_review' },
      category: 'Campaign_Name',
      state: { from: 'Decision', map: { approve: 'decided', approved: 'decided', certify: 'decided', certified: 'decided', keep: 'decided', maintain: 'decided', revoke: 'decided', revoked: 'decided', remove: 'decided', removed: 'decided', deny: 'decided', denied: 'decided', reject: 'decided' }, default: 'pending' },
      subject_user: 'Subject_User',
      requester: 'Reviewer', // the person asked to decide
      short_description: 'Entitlement',
      decision: { from: 'Decision', map: DECISION },
      decided_at: 'Decided_At',
      due_at: 'Due_At',
      resolved_at: 'Remediated_At',
      related_record_id: 'Campaign_ID',
      updated_at: { from: ['Decided_At', 'Remediated_At'], pick: 'latest' },
    },
    attributes: {
      campaign_id: 'Campaign_ID',
      campaign_name: 'Campaign_Name',
      item_id: 'Item_ID',
      reviewer: 'Reviewer',
      entitlement: 'Entitlement',
      remediated_at: { from: 'Remediated_At', as: 'iso' },
    },
  },
  /** Self-service portal events (Event_ID, Occurred_At, User, Kind, Channel). */
  self_service: {
    name: 'self_service',
    fields: {
      record_id: 'Event_ID',
      record_type: { const: 'self_service' },
      category: { from: 'Kind', as: 'lower' },
      channel: { from: 'Channel', as: 'channel' },
      state: { const: 'completed' },
      requester: 'User',
      subject_user: 'User',
      opened_at: 'Occurred_At',
      resolved_at: 'Occurred_At',
      closed_at: 'Occurred_At',
      updated_at: 'Occurred_At',
    },
    required: ['opened_at'],
  },
};

/** Extra ITSM-shaped registers: stakeholder survey responses and the access audit findings register. */
ITSM_PRESETS.survey = {
  name: 'survey',
  fields: {
    record_id: 'Response_ID',
    record_type: { const: 'survey_response' },
    category: { from: 'Respondent_Group', as: 'lower' },
    opened_at: 'Submitted_At',
    closed_at: 'Submitted_At',
    updated_at: 'Submitted_At',
  },
  attributes: { score: 'Score', comment: 'Comment' },
  required: ['opened_at'],
};

ITSM_PRESETS.audit_findings = {
  name: 'audit_findings',
  fields: {
    record_id: 'Finding_ID',
    record_type: { const: 'audit_finding' },
    severity: 'Severity',
    state: 'Status',
    short_description: 'Title',
    opened_at: 'Raised_At',
    closed_at: 'Closed_At',
    due_at: 'Due_At',
    updated_at: { from: ['Raised_At', 'Closed_At'], pick: 'latest' },
  },
  attributes: { audit_name: 'Audit_Name' },
  required: ['opened_at'],
};

/** Record type from a ServiceNow export's file name (`incident.json`), when the records do not say. */
export function recordTypeFromName(name: string): string | null {
  const stem = name.toLowerCase().replace(/\.gz$/, '').replace(/\.(json|ndjson|jsonl|csv)$/, '');
  return SERVICENOW_TYPES[stem] ?? null;
}

export function detectItsmPreset(header: string[] | undefined, envelopeKey: string | undefined, first: unknown): string | null {
  if (envelopeKey === 'result') return 'servicenow';
  if (envelopeKey === 'issues') return 'jira';
  const keys = header ?? (first && typeof first === 'object' ? Object.keys(first as object) : []);
  const has = (k: string) => keys.includes(k);
  if (has('Campaign_ID') && has('Decision')) return 'access_reviews';
  if (has('Event_ID') && has('Occurred_At')) return 'self_service';
  if (has('Response_ID') && has('Score')) return 'survey';
  if (has('Finding_ID') && has('Raised_At')) return 'audit_findings';
  if (has('sys_id') || (has('number') && has('sys_updated_on'))) return 'servicenow';
  if (has('key') && has('fields')) return 'jira';
  return null;
}
