import { z } from 'zod';
import { inventoryRules, OKTA_DISABLED_STATUSES, OKTA_ENABLED_STATUSES, userType, type InventoryRules } from './account-rules.js';
import { GRAPH_PREFERRED, graphMethod, isPhishingResistant, oktaFactorMethod } from './auth-methods.js';
import { ENTRA_PRIVILEGED_ROLE_TEMPLATES, isPrivilegedEntraRole, isPrivilegedOktaRole } from './privileged-roles.js';
import type { Row, TableName } from './tables.js';
import { asTimestamp, isoDurationMs, toSqlTimestamp, ValueError } from './values.js';

/**
 * Inventory kinds: one vendor API listing each, and how one of its objects becomes rows. Each kind
 * validates the vendor object with zod (only the fields it reads are required; everything else may
 * vary) and maps it. A kind may also say that an object is deliberately not a row (`skip`).
 */
export type InventorySource = 'okta' | 'entra';

export type InventoryKind =
  | 'users'
  | 'factors'
  | 'admin_roles'
  | 'graph_users'
  | 'registration_details'
  | 'role_assignments'
  | 'role_eligibility_schedules'
  | 'role_assignment_schedule_instances';

export interface MapContext {
  source: InventorySource;
  tenant: string;
  snapshotAt: string; // SQL timestamp text
  rules: InventoryRules;
  /** Okta factors/roles fetched per user: the user the page belongs to. */
  userId?: string;
}

export interface MappedRow {
  table: TableName;
  row: Row;
}

export type MapOutcome = { rows: MappedRow[] } | { skip: string };

export interface KindSpec {
  source: InventorySource;
  /** The file name (without extension) the demo data and `idtrail ingest file` recognise. */
  fileStem: string;
  table: TableName;
  /** Columns replaced when a row with the same key exists (see writeRows). */
  update?: string[];
  /**
   * Some listings wrap per-user arrays (`{ userId, factors: [...] }`): explode one item into the
   * objects to map, each with the user it belongs to.
   */
  explode?: (item: unknown, ctx: MapContext) => { value: unknown; userId?: string }[];
  map(value: unknown, ctx: MapContext): MapOutcome;
}

const str = z.string().min(1);
const optStr = z.string().nullish();

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  return schema.parse(value);
}

function ts(v: unknown, field: string): string | null {
  return asTimestamp(v, field);
}

function base(ctx: MapContext): Pick<Row, 'snapshot_at' | 'source' | 'tenant_id'> {
  return { snapshot_at: ctx.snapshotAt, source: ctx.source, tenant_id: ctx.tenant };
}

/** `https://acme.okta.com/api/v1/users/00u1` → `00u1` (Okta HAL links name the user an object belongs to). */
function oktaUserFromLinks(value: unknown, rel: string): string | undefined {
  const href = (value as { _links?: Record<string, { href?: string }> })?._links?.[rel]?.href;
  const m = href ? /\/api\/v1\/users\/([^/?#]+)/.exec(href) : null;
  return m ? decodeURIComponent(m[1]) : undefined;
}

function explodeWrapped(listKey: 'factors' | 'roles', rel: string) {
  return (item: unknown, ctx: MapContext): { value: unknown; userId?: string }[] => {
    if (item && typeof item === 'object' && Array.isArray((item as Record<string, unknown>)[listKey])) {
      const w = item as Record<string, unknown>;
      const userId = typeof w.userId === 'string' && w.userId !== '' ? w.userId : undefined;
      return (w[listKey] as unknown[]).map((value) => ({ value, userId }));
    }
    return [{ value: item, userId: ctx.userId ?? oktaUserFromLinks(item, rel) }];
  };
}

const OktaUser = z.object({
  id: str,
  status: str,
  created: optStr,
  statusChanged: optStr,
  lastLogin: optStr,
  profile: z.looseObject({
    login: str,
    email: optStr,
    firstName: optStr,
    lastName: optStr,
    displayName: optStr,
    employeeNumber: z.union([z.string(), z.number()]).nullish(),
    userType: optStr,
    manager: optStr,
    managerId: optStr,
  }),
});

const OktaFactor = z.object({
  id: str,
  factorType: str,
  status: str,
  provider: optStr,
  created: optStr,
  profile: z.looseObject({ authenticatorName: optStr }).nullish(),
});

const OktaRole = z.object({
  id: str,
  type: str,
  label: optStr,
  status: optStr,
  created: optStr,
  assignmentType: optStr,
  _links: z.record(z.string(), z.unknown()).nullish(),
});

const GraphUser = z.object({
  id: str,
  userPrincipalName: str,
  mail: optStr,
  displayName: optStr,
  accountEnabled: z.boolean().nullish(),
  userType: optStr,
  employeeId: optStr,
  employeeType: optStr,
  createdDateTime: optStr,
  signInActivity: z
    .looseObject({
      lastSignInDateTime: optStr,
      lastNonInteractiveSignInDateTime: optStr,
      lastSuccessfulSignInDateTime: optStr,
    })
    .nullish(),
});

const GraphRegistration = z.object({
  id: str,
  userPrincipalName: optStr,
  methodsRegistered: z.array(z.string()).nullish(),
  userPreferredMethodForSecondaryAuthentication: optStr,
  /** beta: the default MFA method, named like a `methodsRegistered` value. */
  defaultMfaMethod: optStr,
  lastUpdatedDateTime: optStr,
});

const RoleDefinition = z
  .looseObject({ id: optStr, displayName: optStr, templateId: optStr, isPrivileged: z.boolean().nullish() })
  .nullish();

const GraphAssignment = z.object({
  id: str,
  principalId: str,
  roleDefinitionId: str,
  directoryScopeId: optStr,
  appScopeId: optStr,
  roleDefinition: RoleDefinition,
});

const GraphEligibility = GraphAssignment.extend({
  status: optStr,
  memberType: optStr,
  startDateTime: optStr,
  endDateTime: optStr,
  scheduleInfo: z
    .looseObject({
      startDateTime: optStr,
      expiration: z.looseObject({ type: optStr, endDateTime: optStr, duration: optStr }).nullish(),
    })
    .nullish(),
});

const GraphInstance = GraphAssignment.extend({
  assignmentType: z.string().nullish(),
  memberType: optStr,
  startDateTime: optStr,
  endDateTime: optStr,
  roleAssignmentOriginId: optStr,
  status: optStr,
  /** `unifiedRoleAssignmentSchedule` (the schedule rather than its instance) carries its window here. */
  scheduleInfo: z
    .looseObject({
      startDateTime: optStr,
      expiration: z.looseObject({ type: optStr, endDateTime: optStr, duration: optStr }).nullish(),
    })
    .nullish(),
});

function entraRole(a: z.infer<typeof GraphAssignment>, ctx: MapContext) {
  const def = a.roleDefinition ?? null;
  const templateId = def?.templateId ?? a.roleDefinitionId;
  const role = def?.displayName ?? ENTRA_PRIVILEGED_ROLE_TEMPLATES[templateId.toLowerCase()] ?? a.roleDefinitionId;
  return {
    role,
    role_id: templateId,
    is_privileged: isPrivilegedEntraRole({ templateId, roleDefinitionId: a.roleDefinitionId, displayName: def?.displayName, isPrivileged: def?.isPrivileged }, ctx.rules.privileged),
    scope: a.appScopeId && a.appScopeId !== '/' ? `${a.directoryScopeId ?? '/'}|app:${a.appScopeId}` : (a.directoryScopeId ?? '/'),
  };
}

/**
 * The key of an active Entra assignment: a permanent `unifiedRoleAssignment` and the PIM schedule
 * instance that describes it are the same grant, listed by two endpoints. Keying on principal, role
 * and scope lets the instance (which knows Assigned vs Activated and the end time) refine the row.
 */
function activeKey(a: z.infer<typeof GraphAssignment>): string {
  return `active:${a.principalId}:${a.roleDefinitionId}:${a.directoryScopeId ?? '/'}`;
}

/** PIM schedule statuses that mean the grant is not in force. */
const NOT_IN_FORCE = new Set(['revoked', 'canceled', 'denied', 'failed', 'pendingapproval', 'pendingprovisioning', 'pendingadminresponse', 'pendingschedulecreation', 'scheduled']);

export const INVENTORY_KINDS: Record<InventoryKind, KindSpec> = {
  users: {
    source: 'okta',
    fileStem: 'okta_users',
    table: 'accounts',
    map(value, ctx) {
      const u = parse(OktaUser, value);
      const p = u.profile;
      const isService = ctx.rules.isService(p.login, u.id, p.userType ?? null);
      const disabled = OKTA_DISABLED_STATUSES.has(u.status);
      const name = p.displayName ?? ([p.firstName, p.lastName].filter(Boolean).join(' ') || null);
      return {
        rows: [
          {
            table: 'accounts',
            row: {
              ...base(ctx),
              account_id: u.id,
              login: p.login,
              email: p.email ?? null,
              display_name: name,
              employee_id: p.employeeNumber === undefined || p.employeeNumber === null || p.employeeNumber === '' ? null : String(p.employeeNumber),
              enabled: OKTA_ENABLED_STATUSES.has(u.status),
              status: u.status,
              user_type: userType(p.userType, isService),
              is_service: isService,
              is_break_glass: ctx.rules.isBreakGlass(p.login, u.id),
              owner: p.managerId ?? p.manager ?? null,
              created_at: ts(u.created, 'created'),
              disabled_at: disabled ? ts(u.statusChanged, 'statusChanged') : null,
              last_success_signin_at: ts(u.lastLogin, 'lastLogin'),
            },
          },
        ],
      };
    },
  },
  factors: {
    source: 'okta',
    fileStem: 'okta_factors',
    table: 'auth_methods',
    explode: explodeWrapped('factors', 'user'),
    map(value, ctx) {
      const f = parse(OktaFactor, value);
      if (!ctx.userId) throw new ValueError('the factor does not say which user it belongs to (no userId wrapper, no _links.user)');
      // Only an ACTIVE factor can be used to authenticate; PENDING_ACTIVATION / NOT_SETUP / INACTIVE are enrolment leftovers.
      if (f.status !== 'ACTIVE') return { skip: `okta factor ${f.status}` };
      const method = oktaFactorMethod(f.factorType, f.profile?.authenticatorName);
      return {
        rows: [
          {
            table: 'auth_methods',
            row: {
              ...base(ctx),
              account_id: ctx.userId,
              method,
              method_id: f.id,
              phishing_resistant: isPhishingResistant(method),
              registered_at: ts(f.created, 'created'),
              is_default: null,
            },
          },
        ],
      };
    },
  },
  admin_roles: {
    source: 'okta',
    fileStem: 'okta_admin_roles',
    table: 'role_assignments',
    explode: explodeWrapped('roles', 'assignee'),
    map(value, ctx) {
      const r = parse(OktaRole, value);
      if (!ctx.userId) throw new ValueError('the role assignment does not say which user it belongs to (no userId wrapper, no _links.assignee)');
      const links = (r._links ?? {}) as Record<string, { href?: string } | undefined>;
      const tail = (href?: string) => (href ? href.split('/').filter(Boolean).pop() ?? null : null);
      const roleId = r.type === 'CUSTOM' ? (tail(links.role?.href) ?? r.id) : r.type;
      return {
        rows: [
          {
            table: 'role_assignments',
            row: {
              ...base(ctx),
              assignment_id: `${ctx.userId}/${r.id}`,
              account_id: ctx.userId,
              role: r.label ?? r.type,
              role_id: roleId,
              is_privileged: isPrivilegedOktaRole(r.type, r.label, ctx.rules.privileged),
              kind: 'permanent',
              scope: tail(links['resource-set']?.href) ?? 'org',
              start_at: ts(r.created, 'created'),
              end_at: null,
            },
          },
        ],
      };
    },
  },
  graph_users: {
    source: 'entra',
    fileStem: 'graph_users',
    table: 'accounts',
    map(value, ctx) {
      const u = parse(GraphUser, value);
      const isService = ctx.rules.isService(u.userPrincipalName, u.id, u.employeeType ?? null);
      const vendorType = u.userType === 'Guest' ? 'Guest' : (u.employeeType ?? u.userType);
      return {
        rows: [
          {
            table: 'accounts',
            row: {
              ...base(ctx),
              account_id: u.id,
              login: u.userPrincipalName,
              email: u.mail ?? null,
              display_name: u.displayName ?? null,
              employee_id: u.employeeId ?? null,
              enabled: u.accountEnabled ?? null,
              status: u.accountEnabled === false ? 'disabled' : u.accountEnabled === true ? 'enabled' : null,
              user_type: userType(vendorType, isService),
              is_service: isService,
              is_break_glass: ctx.rules.isBreakGlass(u.userPrincipalName, u.id),
              owner: null,
              created_at: ts(u.createdDateTime, 'createdDateTime'),
              disabled_at: null,
              last_success_signin_at: ts(u.signInActivity?.lastSuccessfulSignInDateTime, 'signInActivity.lastSuccessfulSignInDateTime'),
            },
          },
        ],
      };
    },
  },
  registration_details: {
    source: 'entra',
    fileStem: 'graph_user_registration_details',
    table: 'auth_methods',
    map(value, ctx) {
      const d = parse(GraphRegistration, value);
      // beta `defaultMfaMethod` names the registered method itself; v1.0 only has the coarser
      // `userPreferredMethodForSecondaryAuthentication` (push, oath, sms, voice…).
      const defaultRaw = d.defaultMfaMethod && d.defaultMfaMethod !== 'none' ? d.defaultMfaMethod.toLowerCase() : undefined;
      const prefRaw = d.userPreferredMethodForSecondaryAuthentication?.toLowerCase();
      const preferred = defaultRaw ? undefined : prefRaw && prefRaw !== 'none' ? GRAPH_PREFERRED[prefRaw] : undefined;
      const known = defaultRaw !== undefined || preferred !== undefined || prefRaw === 'none' || d.defaultMfaMethod === 'none';
      const rows: MappedRow[] = [];
      let defaultMarked = false;
      for (const raw of d.methodsRegistered ?? []) {
        const method = graphMethod(raw) ?? 'other';
        const isDefault = !defaultMarked && (defaultRaw !== undefined ? raw.toLowerCase() === defaultRaw : preferred !== undefined && method === preferred);
        if (isDefault) defaultMarked = true;
        rows.push({
          table: 'auth_methods',
          row: {
            ...base(ctx),
            account_id: d.id,
            method,
            method_id: raw,
            phishing_resistant: isPhishingResistant(method),
            registered_at: null, // the registration report has no per-method time
            is_default: known ? isDefault : null,
          },
        });
      }
      return { rows };
    },
  },
  role_assignments: {
    source: 'entra',
    fileStem: 'graph_role_assignments',
    table: 'role_assignments',
    map(value, ctx) {
      const a = parse(GraphAssignment, value);
      return {
        rows: [
          {
            table: 'role_assignments',
            row: { ...base(ctx), assignment_id: activeKey(a), account_id: a.principalId, ...entraRole(a, ctx), kind: 'permanent', start_at: null, end_at: null },
          },
        ],
      };
    },
  },
  role_eligibility_schedules: {
    source: 'entra',
    fileStem: 'graph_role_eligibility_schedules',
    table: 'role_assignments',
    map(value, ctx) {
      const e = parse(GraphEligibility, value);
      if (e.status && NOT_IN_FORCE.has(e.status.toLowerCase())) return { skip: `eligibility schedule ${e.status}` };
      const start = ts(e.scheduleInfo?.startDateTime ?? e.startDateTime, 'scheduleInfo.startDateTime');
      const exp = e.scheduleInfo?.expiration;
      let end = ts(exp?.endDateTime ?? e.endDateTime, 'scheduleInfo.expiration.endDateTime');
      if (!end && exp?.type === 'afterDuration' && exp.duration && start) {
        const ms = isoDurationMs(exp.duration);
        if (ms === null) throw new ValueError(`scheduleInfo.expiration.duration: not an ISO-8601 duration: ${JSON.stringify(exp.duration)}`);
        end = toSqlTimestamp(new Date(Date.parse(`${start.replace(' ', 'T')}Z`) + ms));
      }
      return {
        rows: [
          {
            table: 'role_assignments',
            row: {
              ...base(ctx),
              assignment_id: `eligible:${e.principalId}:${e.roleDefinitionId}:${e.directoryScopeId ?? '/'}`,
              account_id: e.principalId,
              ...entraRole(e, ctx),
              kind: 'eligible',
              start_at: start,
              end_at: end,
            },
          },
        ],
      };
    },
  },
  role_assignment_schedule_instances: {
    source: 'entra',
    fileStem: 'graph_role_assignment_schedule_instances',
    table: 'role_assignments',
    update: ['kind', 'start_at', 'end_at'],
    map(value, ctx) {
      const i = parse(GraphInstance, value);
      const type = (i.assignmentType ?? 'Assigned').toLowerCase();
      if (type !== 'assigned' && type !== 'activated') throw new ValueError(`assignmentType: expected Assigned or Activated, got ${JSON.stringify(i.assignmentType)}`);
      if (i.status && NOT_IN_FORCE.has(i.status.toLowerCase())) return { skip: `assignment schedule ${i.status}` };
      const start = ts(i.startDateTime ?? i.scheduleInfo?.startDateTime, 'startDateTime');
      const end = ts(i.endDateTime ?? i.scheduleInfo?.expiration?.endDateTime, 'endDateTime');
      const kind = type === 'activated' ? 'activated' : end ? 'timebound' : 'permanent';
      return {
        rows: [
          {
            table: 'role_assignments',
            row: { ...base(ctx), assignment_id: activeKey(i), account_id: i.principalId, ...entraRole(i, ctx), kind, start_at: start, end_at: end },
          },
        ],
      };
    },
  },
};

/** Loading order inside a folder: accounts first, then what hangs off them; instances after assignments. */
export const KIND_ORDER: InventoryKind[] = [
  'users',
  'factors',
  'admin_roles',
  'graph_users',
  'registration_details',
  'role_assignments',
  'role_eligibility_schedules',
  'role_assignment_schedule_instances',
];

export function kindFromName(name: string): InventoryKind | null {
  const stem = name.toLowerCase().replace(/\.gz$/, '').replace(/\.(json|ndjson|jsonl)$/, '');
  for (const k of KIND_ORDER) if (INVENTORY_KINDS[k].fileStem === stem || k === stem) return k;
  return null;
}

/** Recognises a listing by its Graph `@odata.context` or by the fields of its first object. */
export function sniffKind(envelope: Record<string, unknown> | undefined, first: unknown): InventoryKind | null {
  const context = typeof envelope?.['@odata.context'] === 'string' ? (envelope['@odata.context'] as string) : '';
  if (/userRegistrationDetails/i.test(context)) return 'registration_details';
  if (/roleEligibilitySchedule/i.test(context)) return 'role_eligibility_schedules';
  if (/roleAssignmentSchedule/i.test(context)) return 'role_assignment_schedule_instances';
  if (/roleAssignments/i.test(context)) return 'role_assignments';
  if (/#users/i.test(context)) return 'graph_users';
  if (!first || typeof first !== 'object') return null;
  const o = first as Record<string, unknown>;
  if (Array.isArray(o.factors)) return 'factors';
  if (Array.isArray(o.roles)) return 'admin_roles';
  if ('factorType' in o) return 'factors';
  if ('profile' in o && 'status' in o) return 'users';
  if ('methodsRegistered' in o) return 'registration_details';
  if ('principalId' in o && 'assignmentType' in o) return 'role_assignment_schedule_instances';
  if ('principalId' in o && 'scheduleInfo' in o) return 'role_eligibility_schedules';
  if ('principalId' in o && 'roleDefinitionId' in o) return 'role_assignments';
  if ('userPrincipalName' in o) return 'graph_users';
  if ('assignmentType' in o && 'type' in o && 'label' in o) return 'admin_roles';
  return null;
}

export { inventoryRules };
