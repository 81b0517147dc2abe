import { RE2JS } from 're2js';
import { z } from 'zod';
import { IdtrailError } from '../../lib/errors.js';
import { DEFAULT_PRIVILEGE_RULES, type PrivilegeRules } from './privileged-roles.js';

/**
 * The organisation-specific rules that classify accounts in an inventory snapshot: which accounts
 * are service accounts, which are break-glass accounts, and which roles are privileged beyond the
 * built-in tables. They come from config (`inventory:` in idtrail.yaml); patterns are RE2 (linear
 * time), matched case-insensitively against the login and against its local part.
 */
export const InventoryRulesSchema = z
  .object({
    serviceAccounts: z
      .object({
        /** Patterns on the login (UPN / Okta login). Default: the `svc-` naming convention. */
        loginPatterns: z.array(z.string()).default(['^svc[-_.]']),
        /** Okta `profile.userType` values that mean a service account. */
        oktaUserTypes: z.array(z.string()).default(['Service', 'Service Account', 'ServiceAccount']),
        /** Graph `employeeType` / `userType` values that mean a service account. */
        graphEmployeeTypes: z.array(z.string()).default(['Service', 'Service Account', 'ServiceAccount']),
        /** Account ids or logins that are service accounts whatever their name. */
        accounts: z.array(z.string()).default([]),
      })
      .strict()
      .default({ loginPatterns: ['^svc[-_.]'], oktaUserTypes: ['Service', 'Service Account', 'ServiceAccount'], graphEmployeeTypes: ['Service', 'Service Account', 'ServiceAccount'], accounts: [] }),
    breakGlass: z
      .object({
        /** Exact logins or account ids of the emergency-access accounts. */
        accounts: z.array(z.string()).default([]),
        /** Patterns on the login. Default: `breakglass`, `break-glass`, `emergency-access` names. */
        loginPatterns: z.array(z.string()).default(['^break[-_.]?glass', '^emergency[-_.]?access']),
      })
      .strict()
      .default({ accounts: [], loginPatterns: ['^break[-_.]?glass', '^emergency[-_.]?access'] }),
    privileged: z
      .object({
        extra: z.array(z.string()).default([]),
        exclude: z.array(z.string()).default([]),
      })
      .strict()
      .default({ extra: [], exclude: [] }),
  })
  .strict();

export type InventoryRulesInput = z.input<typeof InventoryRulesSchema>;

export interface InventoryRules {
  isService(login: string | null, accountId: string, vendorType: string | null): boolean;
  isBreakGlass(login: string | null, accountId: string): boolean;
  privileged: PrivilegeRules;
}

function compile(patterns: string[], key: string): RE2JS[] {
  return patterns.map((p, i) => {
    try {
      return RE2JS.compile(p, RE2JS.CASE_INSENSITIVE);
    } catch (err) {
      throw new IdtrailError('config_invalid', `invalid pattern ${JSON.stringify(p)}: ${(err as Error).message}`, {
        location: { path: `inventory.${key}[${i}]` },
        hint: 'patterns are RE2 regular expressions',
      });
    }
  });
}

function matchesAny(res: RE2JS[], login: string | null): boolean {
  if (!login) return false;
  const local = login.split('@')[0];
  return res.some((re) => re.matcher(login).find() || re.matcher(local).find());
}

/** Validates the config block (errors name the bad key) and compiles it. */
export function inventoryRules(input: unknown = {}): InventoryRules {
  const parsed = InventoryRulesSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IdtrailError('config_invalid', `inventory rules: ${issue.message}`, { location: { path: ['inventory', ...issue.path].join('.') } });
  }
  const cfg = parsed.data;
  const svcPatterns = compile(cfg.serviceAccounts.loginPatterns, 'serviceAccounts.loginPatterns');
  const bgPatterns = compile(cfg.breakGlass.loginPatterns, 'breakGlass.loginPatterns');
  const lower = (xs: string[]) => new Set(xs.map((x) => x.toLowerCase()));
  const svcAccounts = lower(cfg.serviceAccounts.accounts);
  const svcTypes = lower([...cfg.serviceAccounts.oktaUserTypes, ...cfg.serviceAccounts.graphEmployeeTypes]);
  const bgAccounts = lower(cfg.breakGlass.accounts);
  return {
    isService(login, accountId, vendorType) {
      if (svcAccounts.has(accountId.toLowerCase()) || (login && svcAccounts.has(login.toLowerCase()))) return true;
      if (vendorType && svcTypes.has(vendorType.toLowerCase())) return true;
      return matchesAny(svcPatterns, login);
    },
    isBreakGlass(login, accountId) {
      if (bgAccounts.has(accountId.toLowerCase()) || (login && bgAccounts.has(login.toLowerCase()))) return true;
      return matchesAny(bgPatterns, login);
    },
    privileged: cfg.privileged ?? DEFAULT_PRIVILEGE_RULES,
  };
}

/**
 * Okta user `status` → can the account sign in. ACTIVE, PASSWORD_EXPIRED, LOCKED_OUT and RECOVERY
 * are live accounts (a lockout or an expired password is a state of a live account); STAGED and
 * PROVISIONED have never been activated by the user, SUSPENDED and DEPROVISIONED are disabled.
 */
export const OKTA_ENABLED_STATUSES = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'RECOVERY']);
export const OKTA_DISABLED_STATUSES = new Set(['SUSPENDED', 'DEPROVISIONED']);

/** `Member`/`Guest`/contractor/service, from the vendor's user type words. */
export function userType(vendorType: string | null | undefined, isService: boolean): string {
  const t = (vendorType ?? '').trim().toLowerCase();
  if (isService) return 'service';
  if (t === 'guest' || t === 'external') return 'guest';
  if (/contract|contingent|vendor|temp/.test(t)) return 'contractor';
  return 'member';
}
