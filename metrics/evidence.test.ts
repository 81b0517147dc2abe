import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeEvidencePackage } from './evidence.js';
import { toCsv } from './csv.js';
import { KPI_DEFINITIONS } from './registry.js';
import { events, openTestDb } from './testing.js';

describe('audit evidence package', () => {
  it('writes value, calculation and evidence rows per KPI, with a manifest of SHA-256 hashes', async () => {
    const db = await openTestDb();
    await events(db, [
      { event_time: '2026-08-03T10:00:00Z', target_user_name: 'bob@acme.example', client_app: 'IMAP4', is_legacy_auth: true, src_ip: '203.0.113.7' },
      { event_time: '2026-08-04T10:00:00Z', target_user_name: 'printer, "floor 2"@acme.example', client_app: 'Authenticated SMTP', is_legacy_auth: true },
      { event_time: '2026-08-05T10:00:00Z', target_user_name: 'alice@acme.example', client_app: 'Browser', is_legacy_auth: false },
    ]);
    const out = mkdtempSync(path.join(tmpdir(), 'idtrail-evidence-'));
    const manifest = await writeEvidencePackage(db, '2026-Q3', out, { now: new Date('2027-01-01T00:00:00Z') });
    expect(manifest.period).toBe('2026-Q3');
    expect(manifest.kpis).toHaveLength(20);
    // 3 files per KPI + summary.csv, every one hashed; manifest.json itself is not in its own list.
    expect(manifest.files).toHaveLength(20 * 3 + 1);
    for (const k of KPI_DEFINITIONS) {
      for (const f of ['value.json', 'calculation.md', 'evidence.csv']) expect(existsSync(path.join(out, k.id, f)), `${k.id}/${f}`).toBe(true);
    }
    const onDisk = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as typeof manifest;
    expect(onDisk).toEqual(manifest);
    for (const f of onDisk.files) {
      const bytes = readFileSync(path.join(out, f.path));
      expect(createHash('sha256').update(bytes).digest('hex'), f.path).toBe(f.sha256);
      expect(bytes.length).toBe(f.bytes);
    }
    // Tampering with a file is visible against the manifest.
    const csvPath = path.join(out, 'legacy_auth_usage/evidence.csv');
    const entry = onDisk.files.find((f) => f.path === 'legacy_auth_usage/evidence.csv')!;
    writeFileSync(csvPath, `${readFileSync(csvPath, 'utf8')}forged,row\r\n`);
    expect(createHash('sha256').update(readFileSync(csvPath)).digest('hex')).not.toBe(entry.sha256);

    const value = JSON.parse(readFileSync(path.join(out, 'legacy_auth_usage/value.json'), 'utf8'));
    expect(value).toMatchObject({ id: 'legacy_auth_usage', period: '2026-Q3', status: 'ok', value: 2, numerator: 2, denominator: 3 });
    const calc = readFileSync(path.join(out, 'legacy_auth_usage/calculation.md'), 'utf8');
    expect(calc).toContain('is_legacy_auth = true');
    expect(calc).toContain('```sql');
    expect(calc).toContain('Measurement window: [2026-07-01T00:00:00.000Z, 2026-10-01T00:00:00.000Z)');
    // Evidence rows, RFC 4180: the comma-and-quote login is quoted with its quotes doubled.
    const evidence = readFileSync(path.join(out, 'legacy_auth_usage/evidence.csv'), 'utf8').split('\r\n');
    expect(evidence[0]).toBe('source,user_name,client_app,auth_protocol,outcome,src_ip,attempts,first_seen,last_seen');
    expect(evidence).toContain('entra,bob@acme.example,IMAP4,,success,203.0.113.7,1,2026-08-03T10:00:00.000Z,2026-08-03T10:00:00.000Z');
    expect(evidence).toContain('entra,"printer, ""floor 2""@acme.example",Authenticated SMTP,,success,,1,2026-08-04T10:00:00.000Z,2026-08-04T10:00:00.000Z');
    // A KPI without data says so in its evidence file.
    expect(readFileSync(path.join(out, 'stakeholder_csat/evidence.csv'), 'utf8')).toBe('status,needs\r\nno_data,itsm_records:survey_response\r\n');
    db.close();
  });

  it('writes RFC 4180 CSV', () => {
    expect(toCsv(['a', 'b'], [{ a: 'x,y', b: 'line\nbreak' }, { a: null, b: 'say "hi"' }, { a: 1n, b: new Date('2026-01-01T00:00:00Z') }])).toBe(
      'a,b\r\n"x,y","line\nbreak"\r\n,"say ""hi"""\r\n1,2026-01-01T00:00:00.000Z\r\n',
    );
  });
});
