import { describe, expect, it } from 'vitest';
import { alertSet, impossibleTravel, mfaFatigue, riskyConsent } from '../../test/forward/alerts.js';
import { cefCustomStrings, escapeExtension, escapeHeader, formatCef, parseCef } from './cef.js';
import { toEcs } from './ecs.js';
import { toOcsf } from './ocsf.js';
import { alertToSyslog, parseRfc5424 } from './rfc5424.js';
import { backoffMs } from './backoff.js';
import { tactic, technique } from './attack.js';

describe('CEF', () => {
  it('escapes the header and the extension as the ArcSight spec says', () => {
    expect(escapeHeader('a|b\\c')).toBe('a\\|b\\\\c');
    expect(escapeExtension('x=1\\2\nthree|four')).toBe('x\\=1\\\\2\\nthree|four');
    const line = formatCef(mfaFatigue(), { host: 'idtrail-1' });
    expect(line.startsWith('CEF:0|idtrail|idtrail|0.1.0|mfa_fatigue|MFA push bombing \\| denials followed by an accepted push|10|')).toBe(true);
    expect(line).not.toMatch(/[\r\n]/);
  });

  it('reads back every field, special characters included', () => {
    for (const a of alertSet(6)) {
      const e = parseCef(formatCef(a, { host: 'idtrail-1' }))!;
      expect(e.signatureId).toBe(a.rule_id);
      expect(e.name).toBe(a.rule_title);
      expect(e.extensions.externalId).toBe(a.alert_id);
      expect(e.extensions.msg).toBe(a.explanation);
      expect(Number(e.extensions.cnt)).toBe(a.event_count);
      expect(Number(e.extensions.start)).toBe(Date.parse(a.first_seen));
      expect(e.extensions.suser ?? null).toBe(a.entity.user ?? null);
      const cs = cefCustomStrings(e);
      expect(cs.entityApp ?? null).toBe(a.entity.app ?? null);
      expect(cs.evidenceEventIds).toBe(a.evidence_event_ids.join(','));
    }
    const m = parseCef(formatCef(mfaFatigue()))!;
    expect(m.extensions.c6a2).toBe('2001:db8:85a3::8a2e:370:7334');
    expect(m.extensions.msg).toContain('\r\nüser: Jürgen Groß 東京');
    expect(parseCef(formatCef(riskyConsent()))!.extensions.cs3).toBe('Mail Sync Pro = "free"');
  });

  it('parses third-party CEF with a syslog prefix and escaped values', () => {
    const e = parseCef('Sep 19 08:26:10 host CEF:0|Security|threatmanager|1.0|100|detected a \\| in message|10|src=10.0.0.1 act=blocked a \\= sign msg=C:\\\\temp end')!;
    expect(e.deviceVendor).toBe('Security');
    expect(e.name).toBe('detected a | in message');
    expect(e.extensions).toEqual({ src: '10.0.0.1', act: 'blocked a = sign', msg: 'C:\\temp end' });
    expect(parseCef('no cef here')).toBeNull();
  });
});

describe('RFC 5424', () => {
  it('writes structured data with escapes and reads it back', () => {
    const a = riskyConsent();
    const line = alertToSyslog(a, { format: 'rfc5424', host: 'idtrail-1' });
    expect(line.startsWith('<35>1 2026-11-20T10:20:00.000Z idtrail-1 idtrail ')).toBe(true);
    expect(line).toContain('app="Mail Sync Pro = \\"free\\""');
    const m = parseRfc5424(line);
    expect(m.facility).toBe(4);
    expect(m.severity).toBe(3);
    const sd = Object.fromEntries(m.structuredData[0].params);
    expect(sd.alert_id).toBe(a.alert_id);
    expect(sd.app).toBe(a.entity.app);
    expect(m.msg).toBe(`${a.rule_title}: ${a.explanation}`);
  });

  it('escapes ] and \\ in parameter values', () => {
    const a = { ...mfaFatigue(), entity: { user: 'x]y\\z"q', ip: null, app: null } };
    const m = parseRfc5424(alertToSyslog(a, { format: 'rfc5424' }));
    expect(Object.fromEntries(m.structuredData[0].params).user).toBe('x]y\\z"q');
  });

  it('carries CEF in MSG without structured data', () => {
    const m = parseRfc5424(alertToSyslog(impossibleTravel(), { format: 'cef' }));
    expect(m.structuredData).toEqual([]);
    expect(parseCef(m.msg!)!.extensions.externalId).toBe(impossibleTravel().alert_id);
  });
});

describe('ECS and OCSF', () => {
  it('ECS alert document carries the id, the rule, ATT&CK and the entity', () => {
    const a = impossibleTravel();
    const d = toEcs(a) as any;
    expect(d.event.kind).toBe('alert');
    expect(d.event.id).toBe(a.alert_id);
    expect(d.rule).toMatchObject({ id: 'impossible_travel', name: a.rule_title });
    expect(d.threat.framework).toBe('MITRE ATT&CK');
    expect(d.threat.tactic.id).toEqual(['TA0001', 'TA0003', 'TA0004', 'TA0005']);
    expect(d.threat.technique).toMatchObject({ id: ['T1078'], name: ['Valid Accounts'] });
    expect(d.threat.technique.subtechnique).toEqual({ id: ['T1078.004'], name: ['Cloud Accounts'], reference: ['https://attack.mitre.org/techniques/T1078/004/'] });
    expect(d.user).toEqual({ name: a.entity.user, email: a.entity.user, domain: 'contoso.com' });
    expect(d.source.ip).toBe('103.152.220.14');
    expect(d.related).toEqual({ user: [a.entity.user], ip: ['103.152.220.14'] });
    expect(d['@timestamp']).toBe(a.created_at);
  });

  it('OCSF Detection Finding (2004) with analytic, attacks and observables', () => {
    const a = mfaFatigue();
    const f = toOcsf(a) as any;
    expect([f.class_uid, f.category_uid, f.activity_id, f.type_uid, f.severity_id]).toEqual([2004, 2, 1, 200401, 5]);
    expect(f.finding_info.uid).toBe(a.alert_id);
    expect(f.finding_info.analytic).toEqual({ uid: 'mfa_fatigue', name: a.rule_title, type_id: 1, type: 'Rule' });
    expect(f.attacks).toEqual([
      {
        technique: { uid: 'T1621', name: 'Multi-Factor Authentication Request Generation', src_url: 'https://attack.mitre.org/techniques/T1621/' },
        tactic: { uid: 'TA0006', name: 'Credential Access', src_url: 'https://attack.mitre.org/tactics/TA0006/' },
        version: '15',
      },
    ]);
    expect(f.metadata.product.name).toBe('idtrail');
    expect(f.time).toBe(Date.parse(a.created_at));
    expect(f.observables).toContainEqual({ name: 'actor.user.name', type_id: 4, type: 'User Name', value: a.entity.user });
    expect(f.observables).toContainEqual({ name: 'src_endpoint.ip', type_id: 2, type: 'IP Address', value: a.entity.ip });
  });

  it('ATT&CK lookups accept the spellings rules use', () => {
    expect(tactic('attack.credential_access')?.id).toBe('TA0006');
    expect(tactic('Credential Access')?.id).toBe('TA0006');
    expect(tactic('TA0001')?.name).toBe('Initial Access');
    expect(technique('attack.t1110.003')?.name).toBe('Password Spraying');
    expect(technique('T9999')?.name).toBe('T9999');
    expect(technique('not')).toBeNull();
  });
});

describe('backoff', () => {
  it('grows exponentially with jitter, is capped, and honours Retry-After', () => {
    const p = { baseMs: 1000, capMs: 60_000 };
    expect(backoffMs(1, p, () => 0)).toBe(500);
    expect(backoffMs(1, p, () => 1)).toBe(1000);
    expect(backoffMs(4, p, () => 1)).toBe(8000);
    expect(backoffMs(50, p, () => 1)).toBe(60_000);
    expect(backoffMs(1, p, () => 0, 30_000)).toBe(30_000);
  });
});
