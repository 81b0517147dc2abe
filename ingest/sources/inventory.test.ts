import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdtrailError } from '../../lib/errors.js';
import { DuckDb } from '../../store/duckdb/db.js';
import { migrate } from '../../store/duckdb/migrate.js';
import { loadInventoryFile, loadInventoryPages, loadInventoryPath } from './inventory.js';

const FIX = resolve(import.meta.dirname, '../../test/fixtures/inventory');
const ENTRA_TENANT = '5f1c8a2e-3b7d-4c1e-9a55-2f6d8e0b4c11';
const SNAP = new Date('2026-11-25T06:00:00Z');

/** Line of the object that contains `needle` (the line of its opening brace) in a fixture file. */
async function lineOf(file: string, needle: string): Promise<number> {
  const lines = (await readFile(join(FIX, file), 'utf8')).split('\n');
  const at = lines.findIndex((l) => l.includes(needle));
  for (let i = at; i >= 0; i--) if (/^\s*\{\s*$/.test(lines[i])) return i + 1;
  throw new Error(`no object around ${needle}`);
}

// The loaders need only the SQL handle: a migrated DuckDB is all a test needs.
let store: { db: DuckDb };
beforeEach(async () => {
  const db = await DuckDb.open(':memory:');
  await migrate(db);
  store = { db };
});
afterEach(() => {
  store.db.close();
});

async function rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return store.db.all<T>(sql, params as never);
}

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['accounts', 'auth_methods', 'role_assignments', 'quarantine']) {
    out[t] = Number((await store.db.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))!.n);
  }
  return out;
}

describe('inventory folder (Okta and Graph listings, snapshot.json)', () => {
  it('loads every listing into the snapshot tables under one snapshot time', async () => {
    const r = await loadInventoryPath(store, FIX);
    expect(r.files.length).toBe(8);
    expect(r.received).toBe(r.stored + r.duplicates + r.quarantined + r.skipped);
    expect(r.quarantined).toBe(6);
    expect(r.skippedReasons).toEqual({ 'okta factor PENDING_ACTIVATION': 1, 'eligibility schedule Revoked': 1 });
    const c = await counts();
    expect(c).toEqual({ accounts: 14, auth_methods: 19, role_assignments: 13, quarantine: 6 });
    const snaps = await rows<{ s: Date }>(
      `SELECT DISTINCT snapshot_at AS s FROM (SELECT snapshot_at FROM accounts UNION ALL SELECT snapshot_at FROM auth_methods UNION ALL SELECT snapshot_at FROM role_assignments)`,
    );
    expect(snaps.map((s) => s.s.toISOString())).toEqual([SNAP.toISOString()]);
    const tenants = await rows<{ source: string; tenant_id: string }>(`SELECT DISTINCT source, tenant_id FROM accounts ORDER BY 1`);
    expect(tenants).toEqual([
      { source: 'entra', tenant_id: ENTRA_TENANT },
      { source: 'okta', tenant_id: 'acme.okta.com' },
    ]);
  });

  it('maps Okta user status to enabled, and flags service accounts, contractors and disable times', async () => {
    await loadInventoryPath(store, FIX);
    const got = await rows<Record<string, unknown>>(
      `SELECT login, enabled, status, user_type, is_service, is_break_glass, employee_id, disabled_at, last_success_signin_at, owner
       FROM accounts WHERE source = 'okta' ORDER BY login`,
    );
    const by = Object.fromEntries(got.map((g) => [g.login as string, g]));
    expect(by['ana.silva@acme.example']).toMatchObject({ enabled: true, status: 'ACTIVE', user_type: 'member', is_service: false, employee_id: 'E000123', owner: 'E000045' });
    expect((by['ana.silva@acme.example'].last_success_signin_at as Date).toISOString()).toBe('2026-11-24T08:41:19.000Z');
    expect(by['svc-backup@acme.example']).toMatchObject({ is_service: true, user_type: 'service', employee_id: null });
    expect(by['bob.jones@acme.example']).toMatchObject({ enabled: false, status: 'SUSPENDED' });
    expect((by['bob.jones@acme.example'].disabled_at as Date).toISOString()).toBe('2026-11-20T17:45:12.000Z');
    expect(by['carl.ng@acme.example']).toMatchObject({ enabled: false, status: 'DEPROVISIONED' });
    expect(by['dana.kim@acme.example']).toMatchObject({ enabled: true, status: 'LOCKED_OUT', user_type: 'contractor', employee_id: 'C000456', disabled_at: null });
    expect(by['eve.moreau@acme.example']).toMatchObject({ enabled: false, status: 'STAGED', last_success_signin_at: null });
    // Okta profile attributes are typed by the org's schema: a numeric employeeNumber stays an id.
    expect(by['finn.oconnor@acme.example']).toMatchObject({ enabled: true, status: 'PASSWORD_EXPIRED', employee_id: '610' });
  });

  it('maps Graph users: accountEnabled, Guest, break-glass and service accounts, last successful sign-in', async () => {
    await loadInventoryPath(store, FIX);
    const got = await rows<Record<string, unknown>>(`SELECT login, enabled, user_type, is_service, is_break_glass, last_success_signin_at FROM accounts WHERE source = 'entra'`);
    const by = Object.fromEntries(got.map((g) => [g.login as string, g]));
    expect(by['breakglass-01@acme.example']).toMatchObject({ is_break_glass: true, is_service: false });
    expect(by['pat_partner.example#EXT#@acmeexample.onmicrosoft.com']).toMatchObject({ user_type: 'guest' });
    expect(by['svc-sync@acme.example']).toMatchObject({ is_service: true, user_type: 'service' });
    expect(by['carl.ng@acme.example']).toMatchObject({ enabled: false });
    expect(by['eve.moreau@acme.example'].last_success_signin_at).toBeNull();
    expect((by['svc-sync@acme.example'].last_success_signin_at as Date).toISOString()).toBe('2026-11-25T05:59:59.000Z');
  });

  it('keeps a person with two accounts (an Okta account, an Entra account and an Entra admin account) as separate rows', async () => {
    await loadInventoryPath(store, FIX);
    const got = await rows<{ source: string; login: string }>(`SELECT source, login FROM accounts WHERE employee_id = 'E000123' ORDER BY source, login`);
    expect(got).toEqual([
      { source: 'entra', login: 'adm-ana.silva@acme.example' },
      { source: 'entra', login: 'ana.silva@acme.example' },
      { source: 'okta', login: 'ana.silva@acme.example' },
    ]);
  });

  it('normalises MFA methods and phishing resistance from Okta factors and Graph registration details', async () => {
    await loadInventoryPath(store, FIX);
    const got = await rows<{ source: string; account_id: string; method: string; method_id: string; phishing_resistant: boolean; is_default: boolean | null }>(
      `SELECT source, account_id, method, method_id, phishing_resistant, is_default FROM auth_methods ORDER BY source, account_id, method_id`,
    );
    const methodsOf = (acct: string) => got.filter((g) => g.account_id === acct).map((g) => `${g.method}${g.phishing_resistant ? '+pr' : ''}`).sort();
    expect(methodsOf('00u1ana0silva0E00123')).toEqual(['fido2+pr', 'push', 'totp']); // the pending SMS factor is not a method yet
    expect(methodsOf('00u5dana0kim00C00456')).toEqual(['email', 'passkey+pr', 'voice']); // signed_nonce is FastPass
    expect(methodsOf('00u7finn0oconnorE061')).toEqual(['fido2+pr', 'windows_hello+pr']);
    expect(methodsOf('1d3f7a10-8c2b-4e5a-9f11-0a2b3c4d5e61')).toEqual(['push', 'sms', 'totp']);
    expect(methodsOf('2e4a8b21-9d3c-4f6b-8a22-1b3c4d5e6f72')).toEqual(['passkey+pr', 'windows_hello+pr']);
    expect(methodsOf('3f5b9c32-0e4d-4a7c-9b33-2c4d5e6f7083')).toEqual(['fido2+pr']);
    expect(methodsOf('5b7d1e54-2a6f-4c9e-9d55-4e6f708192a5')).toEqual(['email', 'temporary_access_pass']);
    expect(methodsOf('6c8e2f65-3b70-4daf-8e66-5f708192a3b6')).toEqual(['passkey+pr', 'totp', 'voice']);
    const defaults = got.filter((g) => g.is_default === true).map((g) => g.method_id).sort();
    expect(defaults).toEqual(['hardwareOneTimePasscode', 'microsoftAuthenticatorPush']);
  });

  it('classifies role assignments: permanent, eligible, activated, timebound, privileged or not', async () => {
    await loadInventoryPath(store, FIX);
    const got = await rows<{ source: string; account_id: string; role: string; role_id: string; is_privileged: boolean; kind: string; scope: string; start_at: Date | null; end_at: Date | null }>(
      `SELECT source, account_id, role, role_id, is_privileged, kind, scope, start_at, end_at FROM role_assignments ORDER BY source, account_id, role, kind`,
    );
    const find = (acct: string, role: string, kind: string) => got.find((g) => g.account_id === acct && g.role === role && g.kind === kind);
    const BG1 = '3f5b9c32-0e4d-4a7c-9b33-2c4d5e6f7083';
    const ADM = '2e4a8b21-9d3c-4f6b-8a22-1b3c4d5e6f72';
    const ANA = '1d3f7a10-8c2b-4e5a-9f11-0a2b3c4d5e61';
    // The permanent assignment and its PIM instance are one grant: one row, with the instance's start.
    expect(got.filter((g) => g.account_id === BG1)).toHaveLength(1);
    expect(find(BG1, 'Global Administrator', 'permanent')).toMatchObject({ is_privileged: true, role_id: '62e90394-69f5-4237-9190-012177145e10', scope: '/' });
    expect(find(BG1, 'Global Administrator', 'permanent')!.start_at!.toISOString()).toBe('2022-01-05T12:05:00.000Z');
    expect(find(ADM, 'User Administrator', 'permanent')).toMatchObject({ is_privileged: true });
    expect(find(ADM, 'Exchange Administrator', 'permanent')).toMatchObject({ is_privileged: false });
    expect(find('5b7d1e54-2a6f-4c9e-9d55-4e6f708192a5', 'Directory Synchronization Accounts', 'permanent')).toMatchObject({ is_privileged: false });
    const pra = find(ADM, 'Privileged Role Administrator', 'eligible')!;
    expect(pra.is_privileged).toBe(true);
    expect(pra.end_at!.toISOString()).toBe('2027-03-01T10:00:00.000Z');
    expect(find(ADM, 'Security Administrator', 'eligible')!.end_at).toBeNull();
    const gr = find(ANA, 'Global Reader', 'eligible')!; // afterDuration P180D
    expect(gr.end_at!.toISOString()).toBe('2027-04-30T00:00:00.000Z');
    const act = find(ADM, 'Privileged Role Administrator', 'activated')!;
    expect([act.start_at!.toISOString(), act.end_at!.toISOString()]).toEqual(['2026-11-25T04:00:00.000Z', '2026-11-25T12:00:00.000Z']);
    expect(find(ANA, 'Security Administrator', 'timebound')!.end_at!.toISOString()).toBe('2026-12-20T00:00:00.000Z');
    // Revoked eligibility is not access.
    expect(got.filter((g) => g.account_id === '6c8e2f65-3b70-4daf-8e66-5f708192a3b6')).toEqual([]);
    // Okta admin roles
    const okta = got.filter((g) => g.source === 'okta').map((g) => [g.account_id, g.role_id, g.is_privileged, g.kind, g.scope]);
    expect(okta).toEqual([
      ['00u1ana0silva0E00123', 'READ_ONLY_ADMIN', false, 'permanent', 'org'],
      ['00u1ana0silva0E00123', 'SUPER_ADMIN', true, 'permanent', 'org'],
      ['00u7finn0oconnorE061', 'cr0Yq6IJxGIr0ouum0g3', true, 'permanent', 'iamoJDFKaJxGIr0oamd9g'],
      ['00u7finn0oconnorE061', 'HELP_DESK_ADMIN', true, 'permanent', 'org'],
    ]);
  });

  it('quarantines malformed vendor objects with their file and line, and loads the rest', async () => {
    await loadInventoryPath(store, FIX);
    const q = await rows<{ stream: string; origin: string; line_no: bigint; reason: string; raw_text: string }>(`SELECT stream, origin, line_no, reason, raw_text FROM quarantine ORDER BY stream`);
    const by = Object.fromEntries(q.map((x) => [x.stream, x]));
    expect(Object.keys(by).sort()).toEqual([
      'entra_graph_users',
      'entra_registration_details',
      'entra_role_assignment_schedule_instances',
      'entra_role_assignments',
      'okta_factors',
      'okta_users',
    ]);
    expect(by.okta_users.origin).toBe(join(FIX, 'okta_users.json'));
    expect(Number(by.okta_users.line_no)).toBe(await lineOf('okta_users.json', '"00u8broken0profile00"'));
    expect(by.okta_users.reason).toMatch(/profile\.login/);
    expect(JSON.parse(by.okta_users.raw_text).id).toBe('00u8broken0profile00');
    expect(Number(by.entra_graph_users.line_no)).toBe(await lineOf('graph_users.json', 'broken.flag@acme.example'));
    expect(by.entra_graph_users.reason).toMatch(/accountEnabled/);
    expect(by.entra_registration_details.reason).toMatch(/methodsRegistered/);
    expect(by.entra_role_assignments.reason).toMatch(/principalId/);
    expect(by.entra_role_assignment_schedule_instances.reason).toMatch(/assignmentType.*Pending/);
    expect(by.okta_factors.reason).toMatch(/factorType/);
    // a factor inside a wrapper is reported at its wrapper's line
    expect(Number(by.okta_factors.line_no)).toBeGreaterThan(1);
  });

  it('re-loading the same snapshot changes nothing', async () => {
    const first = await loadInventoryPath(store, FIX);
    const before = await counts();
    const second = await loadInventoryPath(store, FIX);
    expect(await counts()).toEqual(before);
    expect(second.stored).toBe(0);
    expect(second.duplicates).toBe(first.stored);
    expect(second.received).toBe(first.received);
  });

  it('accepts one listing file with a kind hint, and needs a tenant when nothing names it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inv-'));
    try {
      await copyFile(join(FIX, 'graph_users.json'), join(dir, 'export-1.json'));
      const sniffed = await loadInventoryFile(store, join(dir, 'export-1.json'), { tenant: ENTRA_TENANT, snapshotAt: '2026-11-25T07:00:00Z' });
      expect(sniffed.tables.accounts).toBe(7); // recognised from @odata.context
      await writeFile(join(dir, 'x.json'), JSON.stringify([{ id: 'a1', principalId: 'p1', roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10', directoryScopeId: '/' }]));
      await expect(loadInventoryFile(store, join(dir, 'x.json'), { kind: 'graph_role_assignments', snapshotAt: '2026-11-25T07:00:00Z' })).rejects.toThrow(/tenant/);
      const hinted = await loadInventoryFile(store, join(dir, 'x.json'), { kind: 'graph_role_assignments', tenant: ENTRA_TENANT, snapshotAt: '2026-11-25T07:00:00Z' });
      expect(hinted.tables.role_assignments).toBe(1);
      const okta = await loadInventoryFile(store, join(FIX, 'okta_users.json'), { snapshotAt: '2026-11-25T07:00:00Z' }, null);
      expect(okta.stored).toBe(7);
      const t = await rows<{ tenant_id: string }>(`SELECT DISTINCT tenant_id FROM accounts WHERE source = 'okta'`);
      expect(t).toEqual([{ tenant_id: 'acme.okta.com' }]); // from the users' HAL links
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('inventory pages from the collectors', () => {
  const factorsPage = JSON.parse(
    JSON.stringify([
      {
        id: 'opf9push',
        factorType: 'push',
        provider: 'OKTA',
        vendorName: 'OKTA',
        status: 'ACTIVE',
        created: '2026-01-02T03:04:05.000Z',
        lastUpdated: '2026-01-02T03:04:05.000Z',
        profile: { credentialId: 'zoe@acme.example', deviceType: 'SmartPhone_Android', name: 'Pixel 8', platform: 'ANDROID', version: '14' },
        _links: { self: { href: 'https://acme.okta.com/api/v1/users/00u9zoe/factors/opf9push' }, user: { href: 'https://acme.okta.com/api/v1/users/00u9zoe' } },
      },
    ]),
  );

  it('takes an Okta per-user factor list: the user from the call or from the factor links', async () => {
    const a = await loadInventoryPages(store, { source: 'okta', tenant: 'acme.okta.com', snapshotAt: SNAP, kind: 'factors', items: factorsPage });
    expect(a.stored).toBe(1);
    const b = await loadInventoryPages(store, { source: 'okta', tenant: 'acme.okta.com', snapshotAt: SNAP, kind: 'factors', items: [{ ...factorsPage[0], _links: {} }], userId: '00u9zoe' });
    expect(b).toMatchObject({ stored: 0, duplicates: 1 });
    const lost = await loadInventoryPages(store, { source: 'okta', tenant: 'acme.okta.com', snapshotAt: SNAP, kind: 'factors', items: [{ ...factorsPage[0], _links: {} }], origin: 'https://acme.okta.com/api/v1/users/x/factors' });
    expect(lost.quarantined).toBe(1);
    const q = await rows<{ origin: string; reason: string }>(`SELECT origin, reason FROM quarantine`);
    expect(q[0]).toEqual({ origin: 'https://acme.okta.com/api/v1/users/x/factors', reason: expect.stringMatching(/which user/) });
  });

  it('lets a PIM instance refine a permanent assignment whatever the order they arrive in', async () => {
    const instances = JSON.parse(await readFile(join(FIX, 'graph_role_assignment_schedule_instances.json'), 'utf8')).value.slice(0, 3);
    const assignments = JSON.parse(await readFile(join(FIX, 'graph_role_assignments.json'), 'utf8')).value.slice(0, 4);
    const base = { source: 'entra' as const, tenant: ENTRA_TENANT, snapshotAt: '2026-11-25T06:00:00Z' };
    await loadInventoryPages(store, { ...base, kind: 'role_assignment_schedule_instances', items: instances });
    await loadInventoryPages(store, { ...base, kind: 'role_assignments', items: assignments });
    const a = await rows(`SELECT assignment_id, kind, start_at, end_at FROM role_assignments ORDER BY assignment_id`);
    await store.db.run('DELETE FROM role_assignments');
    await loadInventoryPages(store, { ...base, kind: 'role_assignments', items: assignments });
    await loadInventoryPages(store, { ...base, kind: 'role_assignment_schedule_instances', items: instances });
    const b = await rows(`SELECT assignment_id, kind, start_at, end_at FROM role_assignments ORDER BY assignment_id`);
    expect(b).toEqual(a);
    expect(a.length).toBe(6);
  });

  it('applies organisation rules for service and break-glass accounts and extra privileged roles', async () => {
    const users = JSON.parse(await readFile(join(FIX, 'graph_users.json'), 'utf8')).value;
    await loadInventoryPages(store, {
      source: 'entra',
      tenant: ENTRA_TENANT,
      snapshotAt: SNAP,
      kind: 'graph_users',
      items: users,
      rules: { serviceAccounts: { loginPatterns: ['^adm-'] }, breakGlass: { accounts: ['ana.silva@acme.example'], loginPatterns: [] } },
    });
    const got = await rows<{ login: string; is_service: boolean; is_break_glass: boolean }>(`SELECT login, is_service, is_break_glass FROM accounts ORDER BY login`);
    const by = Object.fromEntries(got.map((g) => [g.login, g]));
    expect(by['adm-ana.silva@acme.example'].is_service).toBe(true);
    expect(by['svc-sync@acme.example'].is_service).toBe(false); // the default pattern was replaced
    expect(by['ana.silva@acme.example'].is_break_glass).toBe(true);
    expect(by['breakglass-01@acme.example'].is_break_glass).toBe(false);
    const assignments = JSON.parse(await readFile(join(FIX, 'graph_role_assignments.json'), 'utf8')).value.slice(0, 4);
    await loadInventoryPages(store, { source: 'entra', tenant: ENTRA_TENANT, snapshotAt: SNAP, kind: 'role_assignments', items: assignments, rules: { privileged: { extra: ['Exchange Administrator'], exclude: [] } } });
    const ex = await rows<{ is_privileged: boolean }>(`SELECT is_privileged FROM role_assignments WHERE role = 'Exchange Administrator'`);
    expect(ex).toEqual([{ is_privileged: true }]);
  });

  it('rejects bad rules and calls with a clear error', async () => {
    const call = loadInventoryPages(store, { source: 'entra', tenant: 't', snapshotAt: SNAP, kind: 'graph_users', items: [], rules: { breakGlass: { loginPatterns: ['(unclosed'] } } });
    await expect(call).rejects.toBeInstanceOf(IdtrailError);
    await expect(call).rejects.toMatchObject({ code: 'config_invalid', location: { path: 'inventory.breakGlass.loginPatterns[0]' } });
    await expect(loadInventoryPages(store, { source: 'okta', tenant: 't', snapshotAt: SNAP, kind: 'graph_users', items: [] })).rejects.toThrow(/comes from entra/);
    await expect(loadInventoryPages(store, { source: 'entra', tenant: 't', snapshotAt: 'yesterday', kind: 'graph_users', items: [] })).rejects.toThrow(/snapshot time/);
  });
});
