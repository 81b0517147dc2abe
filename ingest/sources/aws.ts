import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { IdtrailError } from '../../lib/errors.js';
import type { Checkpoint } from '../../store/event-store.js';
import { emptyCounters, SeenIds, wantsFeed, type Page, type PullRequest, type Source } from './source.js';

/**
 * AWS sign-in events from CloudTrail log files: a local folder, or a copy of the S3 delivery tree
 * (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz`).
 * Each file is `{"Records":[…]}` (gzip or plain). Kept: `ConsoleLogin`, and the events of
 * `signin.amazonaws.com` (IAM Identity Center UserAuthentication, CredentialChallenge, …),
 * `sso.amazonaws.com`, `sso-oauth.amazonaws.com` and `sso-directory.amazonaws.com`; API calls are
 * not sign-ins and are skipped.
 *
 * Files are read in delivery order (the timestamp in the file name, then the path). The checkpoint
 * is the last file committed; CloudTrail delivers each region on its own, so a file can land after
 * a later one of another region: files within the lookback before the cursor are checked again and
 * the names already read there are kept in the checkpoint state.
 */
export const AWS_FEED = 'cloudtrail';

const SIGN_IN_SOURCES = new Set(['signin.amazonaws.com', 'sso.amazonaws.com', 'sso-oauth.amazonaws.com', 'sso-directory.amazonaws.com']);

export function isSignInEvent(r: { eventName?: unknown; eventSource?: unknown }): boolean {
  return r.eventName === 'ConsoleLogin' || (typeof r.eventSource === 'string' && SIGN_IN_SOURCES.has(r.eventSource));
}

export interface AwsOptions {
  tenant: string;
  path: string;
  filesPerPage?: number;
  /** Late-delivery window re-checked before the cursor (ms). */
  lookbackMs?: number;
}

interface AwsState {
  recent?: string[];
}

const NAME_TS = /_CloudTrail_[a-z0-9-]+_(\d{8}T\d{4}Z)_[A-Za-z0-9]+\.json(\.gz)?$/;

/** Sort key of a file: delivery time from the CloudTrail file name (if it has one), then the path. */
export function fileKey(rel: string): string {
  const m = NAME_TS.exec(rel);
  return `${m ? m[1] : '00000000T0000Z'}|${rel.split(sep).join('/')}`;
}

function keyTime(key: string): number {
  const ts = key.slice(0, 14);
  if (ts === '00000000T0000Z') return 0;
  return Date.UTC(+ts.slice(0, 4), +ts.slice(4, 6) - 1, +ts.slice(6, 8), +ts.slice(9, 11), +ts.slice(11, 13));
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new IdtrailError(code === 'ENOENT' ? 'file_not_found' : 'input_invalid', `cannot read the CloudTrail folder ${dir} (${code})`, {
        hint: 'set sources[].path to a folder of CloudTrail files or the root of an S3 export (AWSLogs/…)',
      });
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.json(\.gz)?$/.test(e.name)) out.push(relative(root, p));
    }
  };
  await walk(root);
  return out;
}

export class AwsCloudTrailSource implements Source {
  readonly type = 'aws' as const;
  readonly tenant: string;
  readonly feeds = [AWS_FEED] as const;

  constructor(private readonly opts: AwsOptions) {
    this.tenant = opts.tenant;
  }

  async *pull(req: PullRequest): AsyncIterable<Page> {
    if (!wantsFeed(req, AWS_FEED)) return;
    const cp = req.checkpoints[AWS_FEED] ?? null;
    const cursor = cp?.cursor ?? null;
    const lookback = this.opts.lookbackMs ?? 60 * 60_000;
    const recent = new Set((cp?.state as AwsState | undefined)?.recent ?? []);
    const files = (await listFiles(this.opts.path)).map((rel) => ({ rel, key: fileKey(rel) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const cursorTime = cursor ? keyTime(cursor) : 0;
    const sinceMs = req.since.getTime();
    const untilMs = req.until?.getTime() ?? Infinity;
    const todo = files.filter((f) => {
      const t = keyTime(f.key);
      // A file's name carries its delivery time; its events are at most ~15 minutes older.
      if (t && (t < sinceMs - 3600_000 || t > untilMs + 3600_000)) return false;
      if (!cursor || f.key > cursor) return true;
      return t >= cursorTime - lookback && !recent.has(f.key);
    });
    const seen = new SeenIds();
    let lastKey = cursor;
    const perPage = this.opts.filesPerPage ?? 50;
    for (let i = 0; i < todo.length; i += perPage) {
      if (req.signal?.aborted) return;
      const batch = todo.slice(i, i + perPage);
      const counters = emptyCounters();
      const records: string[] = [];
      for (const f of batch) {
        counters.requests++;
        const full = join(this.opts.path, f.rel);
        let parsed: { Records?: unknown };
        let text = '';
        try {
          const buf = await readFile(full);
          text = (f.rel.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
          parsed = JSON.parse(text) as { Records?: unknown };
        } catch (err) {
          // Not lost: the unreadable content goes to the store, which quarantines it with its origin.
          records.push(text || JSON.stringify({ unreadableCloudTrailFile: f.rel, error: (err as Error).message }));
          continue;
        }
        const list = Array.isArray(parsed.Records) ? (parsed.Records as Array<Record<string, unknown>>) : [];
        const wanted = list.filter((r) => {
          if (!r || typeof r !== 'object' || !isSignInEvent(r)) return false;
          const t = Date.parse(String(r.eventTime));
          return !Number.isFinite(t) || (t >= sinceMs && t < untilMs);
        });
        const { fresh, duplicates } = seen.filter(wanted, (r) => (typeof r.eventID === 'string' ? r.eventID : undefined));
        counters.duplicates += duplicates;
        for (const r of fresh) records.push(JSON.stringify(r));
        recent.add(f.key);
        if (!lastKey || f.key > lastKey) lastKey = f.key;
      }
      const floor = lastKey ? keyTime(lastKey) - lookback : 0;
      const checkpoint: Checkpoint = {
        source: 'aws',
        tenant: this.tenant,
        stream: AWS_FEED,
        cursor: lastKey,
        watermark: lastKey && keyTime(lastKey) ? new Date(keyTime(lastKey)).toISOString() : (cp?.watermark ?? null),
        state: { recent: [...recent].filter((k) => keyTime(k) >= floor).sort() },
      };
      yield { kind: 'events', feed: AWS_FEED, stream: 'aws_cloudtrail', origin: batch.length === 1 ? join(this.opts.path, batch[0].rel) : `${this.opts.path} (${batch.length} files)`, records, checkpoint, counters };
    }
  }
}
