import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsOptionsFromConfig, readMetricsConfigFile } from './config.js';

describe('metrics config', () => {
  it('accepts targets, a birthright policy and parameters', () => {
    const c = metricsOptionsFromConfig({
      kpis: {
        targets: { mfa_coverage: 0.95, legacy_auth_usage: { trend: 'down', nearZero: 10 } },
        birthright: { Engineering: ['github', 'aws-dev'] },
        params: { leaver_disablement_sla: { sla_hours: 8 } },
      },
    });
    expect(c.targets).toEqual({ mfa_coverage: { op: '>=', value: 0.95 }, legacy_auth_usage: { trend: 'down', nearZero: 10 } });
    expect(c.birthright).toEqual({ Engineering: ['github', 'aws-dev'] });
    expect(c.params).toEqual({ leaver_disablement_sla: { sla_hours: 8 } });
    expect(metricsOptionsFromConfig({ other: 1 })).toEqual({ targets: {}, birthright: {}, params: {} });
  });

  it('reports every problem at once with the key path', () => {
    let message = '';
    try {
      metricsOptionsFromConfig({
        kpis: { targets: { mfa_covrage: 0.9, auth_error_rate: 0.1, mfa_coverage: { op: 'at least', value: 1 } }, params: { mover_accuracy: { sla_days: 3 } }, extra: true },
      });
    } catch (err) {
      message = (err as Error).message;
      expect(err).toMatchObject({ code: 'config_invalid' });
    }
    expect(message).toMatch(/kpis\.targets\.mfa_covrage: unknown KPI id/);
    expect(message).toMatch(/kpis\.targets\.auth_error_rate: a bare number only overrides a threshold/);
    expect(message).toMatch(/kpis\.targets\.mfa_coverage: not a target/);
    expect(message).toMatch(/kpis\.params\.mover_accuracy\.sla_days: unknown parameter \(known: sla_business_days\)/);
    expect(message).toMatch(/kpis\.extra: unknown key/);
  });

  it('reads a YAML file and points at the line of a syntax error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idtrail-cfg-'));
    const good = path.join(dir, 'good.yml');
    writeFileSync(good, 'kpis:\n  targets:\n    mfa_coverage: {op: ">=", value: 0.9}\n');
    expect(readMetricsConfigFile(good).targets.mfa_coverage).toEqual({ op: '>=', value: 0.9 });
    const bad = path.join(dir, 'bad.yml');
    writeFileSync(bad, 'kpis:\n  targets:\n    mfa_coverage: [0.9\n');
    expect(() => readMetricsConfigFile(bad)).toThrow(expect.objectContaining({ code: 'config_invalid', location: expect.objectContaining({ file: bad, line: expect.any(Number) }) }));
    expect(() => readMetricsConfigFile(path.join(dir, 'missing.yml'))).toThrow(expect.objectContaining({ code: 'file_not_found' }));
  });
});
