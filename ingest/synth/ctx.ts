/** The generator's shared state: the organisation, the window, the sink and what has been seen. */
import type { EventBuffer } from './sink.js';
import type { OktaApp, Tenants } from './org.js';
import type { Person, Population, Window } from './population.js';
import type { Rng } from './prng.js';

export interface SeenSignIns {
  oktaLastLogin?: number;
  entraLastInteractive?: number;
  entraLastInteractiveId?: string;
  entraLastNonInteractive?: number;
  entraLastNonInteractiveId?: string;
  entraLastSuccess?: number;
  entraLastSuccessId?: string;
  googleLastLogin?: number;
}

export interface Ctx {
  seed: number;
  win: Window;
  tenants: Tenants;
  oktaApps: Record<string, OktaApp>;
  pop: Population;
  sink: EventBuffer;
  /** Last sign-ins per login, up to the inventory snapshot (the inventory reports them). */
  seen: Map<string, SeenSignIns>;
  /** Per-person factor ids (Okta) so that events and the inventory agree. */
  factorIds: Map<string, Record<string, string>>;
  /** Entra object ids of groups (department groups and app groups). */
  groups: Map<string, string>;
  /** Okta group ids. */
  oktaGroups: Map<string, string>;
  /** Entra service principal ids of apps, by app id. */
  servicePrincipals: Map<string, string>;
  /** Extra methods registered during the window (by login), for the inventory. */
  registeredInWindow: Map<string, { method: string; at: number }[]>;
  /** PIM activations active at the snapshot (login → role keys with start/end). */
  activeActivations: { login: string; role: string; start: number; end: number; id: string }[];
  /** Role grants made in the window outside PIM (they stand in the inventory afterwards). */
  directGrants: { login: string; role: string; at: number; id: string }[];
  oktaDirectGrants: { login: string; role: string; at: number }[];
  rng: Rng;
  records: Records;
}

/** Rows for the ITSM exports that other parts of the generator produce as a side effect. */
export interface Records {
  selfService: { id: string; t: number; user: string; kind: 'password_reset' | 'mfa_enrolment' | 'account_unlock' | 'access_request' }[];
  requests: { t: number; closed: number; user: string; category: string; channel: string; short: string; item: string; group: string }[];
}

export function markSeen(ctx: Ctx, p: Person, key: keyof SeenSignIns, t: number, id?: string): void {
  if (t >= ctx.win.snapshotAt) return;
  let s = ctx.seen.get(p.login);
  if (!s) ctx.seen.set(p.login, (s = {}));
  const cur = s[key] as number | undefined;
  if (cur === undefined || t > cur) {
    (s as Record<string, unknown>)[key] = t;
    if (id !== undefined) {
      const idKey = `${key}Id` as keyof SeenSignIns;
      (s as Record<string, unknown>)[idKey] = id;
    }
  }
}

export function groupId(ctx: Ctx, name: string): string {
  let id = ctx.groups.get(name);
  if (!id) {
    id = ctx.rng.fork(`group/${name}`).uuid();
    ctx.groups.set(name, id);
  }
  return id;
}

export function oktaGroupId(ctx: Ctx, name: string): string {
  let id = ctx.oktaGroups.get(name);
  if (!id) {
    id = `00g${ctx.rng.fork(`okta-group/${name}`).base62(17)}`;
    ctx.oktaGroups.set(name, id);
  }
  return id;
}

export function spId(ctx: Ctx, appId: string): string {
  let id = ctx.servicePrincipals.get(appId);
  if (!id) {
    id = ctx.rng.fork(`sp/${appId}`).uuid();
    ctx.servicePrincipals.set(appId, id);
  }
  return id;
}

export function factorIdsOf(ctx: Ctx, p: Person): Record<string, string> {
  let f = ctx.factorIds.get(p.login);
  if (!f) {
    const r = ctx.rng.fork(`factors/${p.login}`);
    f = {
      push: `opf${r.base62(17)}`,
      signed_nonce: `crp${r.base62(17)}`,
      totp: `ost${r.base62(17)}`,
      sms: `mbl${r.base62(17)}`,
      webauthn: `fwf${r.base62(17)}`,
      email: `emf${r.base62(17)}`,
      password: `lae${r.base62(17)}`,
      enrollment: `pfd${r.base62(17)}`,
    };
    ctx.factorIds.set(p.login, f);
  }
  return f;
}
