import { describe, expect, it } from 'vitest';
import { parseSinkUrl } from './url.js';

describe('sink URLs', () => {
  it('parses every kind', () => {
    expect(parseSinkUrl('file:///var/idtrail/alerts.ndjson?format=ocsf')).toMatchObject({ kind: 'file', name: 'file', path: '/var/idtrail/alerts.ndjson', format: 'ocsf' });
    expect(parseSinkUrl('syslog+udp://127.0.0.1:5514?format=cef')).toMatchObject({ kind: 'syslog', transport: 'udp', host: '127.0.0.1', port: 5514, format: 'cef', facility: 4 });
    expect(parseSinkUrl('syslog+tcp://siem.example?format=rfc5424&facility=local4')).toMatchObject({ transport: 'tcp', port: 514, format: 'rfc5424', facility: 20 });
    expect(parseSinkUrl('syslog+tls://[::1]?ca=/etc/ssl/ca.pem&name=soc')).toMatchObject({ transport: 'tls', host: '::1', port: 6514, caFile: '/etc/ssl/ca.pem', name: 'soc' });
    const hook = parseSinkUrl('https://hooks.example/services/T0/B0/XyZ?format=slack');
    expect(hook).toMatchObject({ kind: 'webhook', url: 'https://hooks.example/services/T0/B0/XyZ', format: 'slack', secretEnv: 'IDTRAIL_WEBHOOK_SECRET' });
    expect(hook.display).toBe('https://hooks.example/…');
    expect(parseSinkUrl('https://x.example/flow?api-version=1&sig=abc&format=teams')).toMatchObject({ url: 'https://x.example/flow?api-version=1&sig=abc', format: 'teams' });
    expect(parseSinkUrl('splunk-hec+https://splunk:8088?index=identity&ack=true')).toMatchObject({ kind: 'splunk_hec', baseUrl: 'https://splunk:8088', index: 'identity', ack: true, tokenEnv: 'SPLUNK_HEC_TOKEN' });
    expect(parseSinkUrl('splunk-hec+http://127.0.0.1:18088')).toMatchObject({ baseUrl: 'http://127.0.0.1:18088', ack: false });
    expect(parseSinkUrl('elasticsearch+https://es:9200')).toMatchObject({ kind: 'elasticsearch', node: 'https://es:9200', dataStream: 'logs-idtrail.alerts-default', apiKeyEnv: 'ELASTICSEARCH_API_KEY' });
    expect(parseSinkUrl('elasticsearch+http://elastic@127.0.0.1:9201?data_stream=logs-idtrail.alerts-prod')).toMatchObject({ node: 'http://127.0.0.1:9201', username: 'elastic', dataStream: 'logs-idtrail.alerts-prod' });
  });

  it('refuses what would silently go wrong, with a hint', () => {
    expect(() => parseSinkUrl('ftp://x')).toThrow(/unknown scheme ftp:/);
    expect(() => parseSinkUrl('syslog+udp://h?formt=cef')).toThrow(/unknown option formt/);
    expect(() => parseSinkUrl('syslog+udp://h?format=leef')).toThrow(/format=leef is not one of cef, rfc5424/);
    expect(() => parseSinkUrl('elasticsearch+https://elastic:hunter2@es:9200')).toThrow(/password in the URL/);
    expect(() => parseSinkUrl('elasticsearch+https://elastic:hunter2@es:9200')).not.toThrow(/hunter2/);
    expect(() => parseSinkUrl('elasticsearch+https://es?data_stream=Alerts')).toThrow(/data_stream/);
    expect(() => parseSinkUrl('not a url')).toThrow(/not a sink URL/);
    expect(() => parseSinkUrl('file://remote/x')).toThrow(/on this machine/);
  });
});
