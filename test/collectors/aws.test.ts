import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AwsCloudTrailSource, isSignInEvent } from '../../ingest/sources/aws.js';
import { collect } from '../../ingest/sources/collect.js';
import { cloudTrailRecords } from '../servers/events.js';
import { sourceConformance } from './conformance.js';
import { MemoryStore } from './memory-store.js';

const FROM = new Date('2026-11-20T00:00:00Z');
const TO = new Date('2026-11-21T00:00:00Z');
const ACCOUNT = '123456789012';

/** Writes records as CloudTrail delivers them: one gzip file per 5-minute slice, in the S3 key layout. */
function writeTree(root: string, records: Record<string, unknown>[], region = 'us-east-1', perFile = 10): string[] {
  const paths: string[] = [];
  for (let i = 0; i < records.length; i += perFile) {
    const chunk = records.slice(i, i + perFile);
    const last = new Date(String(chunk[chunk.length - 1].eventTime));
    const delivered = new Date(last.getTime() + 5 * 60_000);
    const ts = delivered.toISOString().replace(/[-:]/g, '').slice(0, 13) + 'Z';
    const day = delivered.toISOString().slice(0, 10).split('-').join('/');
    const rel = `AWSLogs/${ACCOUNT}/CloudTrail/${region}/${day}/${ACCOUNT}_CloudTrail_${region}_${ts}_${(i / perFile).toString(36).padStart(4, '0')}Xy.json.gz`;
    const full = join(root, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, gzipSync(JSON.stringify({ Records: chunk })));
    paths.push(rel);
  }
  return paths;
}

sourceConformance({
  name: 'aws (CloudTrail files, S3 export layout)',
  http: false,
  refreshableAuth: false,
  async setup(n, pageSize) {
    const root = mkdtempSync(join(tmpdir(), 'idtrail-ct-'));
    const records = cloudTrailRecords(n, FROM, TO, 61, ACCOUNT);
    writeTree(root, records);
    return {
      expectedIds: records.filter(isSignInEvent).map((r) => String(r.eventID)),
      since: FROM,
      until: TO,
      makeSource: () => new AwsCloudTrailSource({ tenant: ACCOUNT, path: root, filesPerPage: Math.max(1, Math.floor(pageSize / 10)) }),
      close: async () => rmSync(root, { recursive: true, force: true }),
    };
  },
});

describe('aws specifics', () => {
  it('keeps ConsoleLogin and Identity Center sign-ins, skips API calls, and checkpoints the last file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'idtrail-ct-'));
    try {
      const records = cloudTrailRecords(200, FROM, TO, 62, ACCOUNT);
      const files = writeTree(root, records);
      const store = new MemoryStore();
      const stats = await collect(new AwsCloudTrailSource({ tenant: ACCOUNT, path: root }), store.asStore(), { since: FROM });
      const signIns = records.filter(isSignInEvent);
      expect(signIns.some((r) => r.eventName === 'ConsoleLogin')).toBe(true);
      expect(signIns.some((r) => r.eventName === 'UserAuthentication')).toBe(true);
      expect(stats.stored).toBe(signIns.length);
      expect(store.ids()).not.toContain(records.find((r) => r.eventName === 'DescribeInstances')!.eventID);
      const cp = await store.getCheckpoint('aws', ACCOUNT, 'cloudtrail');
      expect(cp?.cursor).toContain(files[files.length - 1]);
      // Nothing new: a second pull reads no file.
      const again = await collect(new AwsCloudTrailSource({ tenant: ACCOUNT, path: root }), store.asStore(), { since: FROM });
      expect(again.requests).toBe(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('picks up a file of another region delivered late, within the lookback', async () => {
    const root = mkdtempSync(join(tmpdir(), 'idtrail-ct-'));
    try {
      const east = cloudTrailRecords(100, FROM, TO, 63, ACCOUNT, 'us-east-1');
      writeTree(root, east, 'us-east-1');
      const store = new MemoryStore();
      await collect(new AwsCloudTrailSource({ tenant: ACCOUNT, path: root }), store.asStore(), { since: FROM });
      const before = store.ids().length;
      // eu-west-1 delivers a file stamped 30 minutes before the last us-east-1 file.
      const lastEast = new Date(String(east[east.length - 1].eventTime));
      const west = cloudTrailRecords(30, new Date(lastEast.getTime() - 40 * 60_000), new Date(lastEast.getTime() - 30 * 60_000), 64, ACCOUNT, 'eu-west-1').map((r) => ({ ...r, eventName: 'ConsoleLogin', eventSource: 'signin.amazonaws.com' }));
      writeTree(root, west, 'eu-west-1', 30);
      const stats = await collect(new AwsCloudTrailSource({ tenant: ACCOUNT, path: root }), store.asStore(), { since: FROM });
      expect(stats.stored).toBe(30);
      expect(store.ids().length).toBe(before + 30);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('sends an unreadable file to the store (quarantine) instead of dropping it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'idtrail-ct-'));
    try {
      writeTree(root, cloudTrailRecords(20, FROM, TO, 65, ACCOUNT));
      const bad = join(root, 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', '2026', '11', '20', `${ACCOUNT}_CloudTrail_us-east-1_20261120T2355Z_broken1.json`);
      writeFileSync(bad, '{"Records":[{"eventVersion":"1.09","eventTime":"2026-11-20T23:50:00Z"');
      const store = new MemoryStore();
      const stats = await collect(new AwsCloudTrailSource({ tenant: ACCOUNT, path: root }), store.asStore(), { since: FROM });
      expect(stats.quarantined).toBe(1);
      expect(store.quarantine[0].raw).toContain('"eventVersion":"1.09"');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a missing folder is a clear file_not_found error', async () => {
    const err = await collect(new AwsCloudTrailSource({ tenant: ACCOUNT, path: '/nonexistent/cloudtrail' }), new MemoryStore().asStore(), { since: FROM }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('file_not_found');
    expect(String((err as Error).message)).toContain('/nonexistent/cloudtrail');
  });
});
