import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../store/duckdb/store.js';
import { graphDirectoryAudits, graphSignIns, oktaLogEvents } from '../servers/events.js';
import { startGraphServer } from '../servers/graph.js';
import { startOktaServer } from '../servers/okta.js';
import { ensureBuilt, spawnCli } from './cli-helpers.js';

/**
 * Done-when: `idtrail run` with a test config runs scheduled collection → detection → forwarding for
 * several cycles against the fake vendor APIs and shuts down cleanly on SIGTERM.
 */
const dir = mkdtempSync(join(tmpdir(), 'idtrail-run-'));
beforeAll(() => ensureBuilt(), 900_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A push-bombing episode: denied Okta Verify pushes, then an accepted one, for one user. */
function pushBombing(at: Date): Record<string, unknown>[] {
  const base = oktaLogEvents(1, at, new Date(at.getTime() + 1000), 401)[0];
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 8; i++) {
    out.push({
      ...structuredClone(base),
      uuid: `6f1c2d3e-0000-4000-8000-0000000000${String(i).padStart(2, '0')}`,
      published: new Date(at.getTime() + i * 30_000).toISOString(),
      eventType: 'user.mfa.okta_verify.deny_push',
      displayMessage: 'User rejected Okta push verify',
      legacyEventType: 'core.user.factor.attempt_fail',
      outcome: { result: 'FAILURE', reason: 'User rejected Okta push verify' },
      severity: 'WARN',
    });
  }
  out.push({
    ...structuredClone(base),
    uuid: '6f1c2d3e-0000-4000-8000-000000000099',
    published: new Date(at.getTime() + 8 * 30_000).toISOString(),
    eventType: 'user.authentication.auth_via_mfa',
    displayMessage: 'Authentication of user via MFA',
    legacyEventType: 'core.user.factor.attempt_success',
    outcome: { result: 'SUCCESS', reason: null },
    severity: 'INFO',
  });
  return out;
}

function logLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('idtrail run', () => {
  it('collects, detects and forwards on schedule for several cycles, then stops cleanly on SIGTERM', { timeout: 600_000 }, async () => {
    const now = Date.now();
    const from = new Date(now - 6 * 3600_000);
    const to = new Date(now - 30 * 60_000);
    const oktaToken = 'run-test-okta-token-0123456789abcdefgh';
    const graphSecret = 'Run~graph-secret-0123456789abcdefghijk';
    const episode = pushBombing(new Date(now - 2 * 3600_000));
    const oktaEvents = [...oktaLogEvents(300, from, to, 402), ...episode];
    // Events that the Okta API only shows from its 4th log request on: a later cycle must pick them up.
    const late = oktaLogEvents(40, new Date(now - 20 * 60_000), new Date(now - 10 * 60_000), 403).map((event) => ({ event, afterRequests: 3 }));
    const okta = await startOktaServer({ events: oktaEvents, apiToken: oktaToken, late });
    const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const clientId = '3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    const signIns = graphSignIns(200, from, to, 404);
    const audits = graphDirectoryAudits(50, from, to, 405);
    const graph = await startGraphServer({ tenantId, clientId, clientSecret: graphSecret, signIns, directoryAudits: audits });
    const alertsFile = join(dir, 'alerts.ndjson');
    const cfg = join(dir, 'idtrail.yaml');
    const db = join(dir, 'run.duckdb');
    writeFileSync(
      cfg,
      `store: { kind: duckdb, path: ${db} }
tenants: [{ id: acme }, { id: contoso }]
sources:
  - type: okta
    tenant: acme
    schedule: "*/3 * * * * *"
    initial_since: 7h
    lookback: 1h
  - type: entra
    tenant: contoso
    schedule: "*/4 * * * * *"
    initial_since: 7h
    streams: [signins, directory_audits]
    audit_rate_limit: { requests: 50, per: 1s }
schedules:
  forward: "*/5 * * * * *"
  kpi_report: "0 6 * * 1"
sinks:
  - file://${alertsFile}?format=ocsf&name=archive
log: { level: info }
`,
    );
    const env = {
      OKTA_ORG_URL: okta.url,
      OKTA_API_TOKEN: oktaToken,
      ENTRA_TENANT_ID: tenantId,
      ENTRA_CLIENT_ID: clientId,
      ENTRA_CLIENT_SECRET: graphSecret,
      ENTRA_GRAPH_URL: graph.url,
      ENTRA_LOGIN_URL: graph.url,
      IDTRAIL_LOG_LEVEL: 'info',
    };
    const child = spawnCli(['run', '--config', cfg], env);
    try {
      // Wait for several finished cycles of each collection job.
      const deadline = Date.now() + 400_000;
      const finished = (job: string) => logLines(child.stderr()).filter((l) => l.msg === 'job finished' && l.job === job).length;
      while (Date.now() < deadline && (finished('collect:okta-acme') < 3 || finished('collect:entra-contoso') < 3 || finished('forward') < 1)) {
        await new Promise((r) => setTimeout(r, 200));
        if (child.proc.exitCode !== null) break;
      }
      expect(finished('collect:okta-acme')).toBeGreaterThanOrEqual(3);
      expect(finished('collect:entra-contoso')).toBeGreaterThanOrEqual(3);
      child.proc.kill('SIGTERM');
      const r = await child.exited;
      expect(r.code).toBe(0);
    } finally {
      if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
      await okta.close();
      await graph.close();
    }
    const logs = logLines(child.stderr());
    const msgs = logs.map((l) => l.msg);
    expect(msgs).toContain('scheduler started');
    expect(msgs).toContain('detections finished');
    expect(msgs).toContain('forwarding finished');
    expect(msgs).toContain('scheduler stopped');
    expect(msgs[msgs.length - 1]).toBe('store closed; idtrail run stopped');
    expect(logs.filter((l) => l.msg === 'job failed')).toEqual([]);
    // Per-source counters in the logs.
    const counters = logs.filter((l) => l.msg === 'source counters');
    expect(counters[0]).toMatchObject({ received: expect.any(Number), stored: expect.any(Number), quarantined: expect.any(Number), errors: 0 });
    // Secrets never reach a log line.
    for (const s of [oktaToken, graphSecret]) expect(child.stderr() + child.stdout()).not.toContain(s);

    const store = await DuckDbStore.open(db, { readOnly: true });
    try {
      const okta = await store.db.one<{ n: bigint; d: bigint }>('SELECT count(*) AS n, count(DISTINCT _native_id) AS d FROM raw_okta_system_log');
      expect(Number(okta!.n)).toBe(oktaEvents.length + late.length);
      expect(Number(okta!.d)).toBe(oktaEvents.length + late.length);
      const signin = await store.db.one<{ n: bigint }>('SELECT count(*) AS n FROM raw_entra_signin');
      expect(Number(signin!.n)).toBe(200);
      const audit = await store.db.one<{ n: bigint }>('SELECT count(*) AS n FROM raw_entra_directory_audit');
      expect(Number(audit!.n)).toBe(50);
      // Detection ran over what was collected, and what it raised went out through the sink.
      const alerts = await store.listAlerts({});
      expect(alerts.some((a) => /mfa|push/i.test(`${a.rule_id} ${a.rule_title}`))).toBe(true);
      const status = (await store.sinkStatus()).find((s) => s.sink === 'archive');
      expect(status?.delivered).toBeGreaterThan(0);
      expect(existsSync(alertsFile)).toBe(true);
      expect(readFileSync(alertsFile, 'utf8').trim().split('\n').length).toBe(status?.delivered);
    } finally {
      await store.close();
    }
  });
});
