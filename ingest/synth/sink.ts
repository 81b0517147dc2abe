/**
 * Where generated vendor events go. Events are buffered per output file for one UTC day at a time,
 * sorted by event time (ties keep insertion order), serialised and streamed to disk, so memory holds
 * one day of events and no giant strings are built.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export type StreamKey = 'okta' | 'entra_signins' | 'entra_audits' | 'entra_provisioning' | 'workspace' | 'cloudtrail';

export const STREAM_FILES: Record<StreamKey, string> = {
  okta: 'okta/system_log.ndjson',
  entra_signins: 'entra/signins.ndjson',
  entra_audits: 'entra/directory_audits.ndjson',
  entra_provisioning: 'entra/provisioning.ndjson',
  workspace: 'google_workspace/activities.ndjson',
  cloudtrail: 'aws/cloudtrail',
};

interface Pending {
  t: number;
  seq: number;
  /** The event serialised at once: object trees die young, only compact strings wait for the flush. */
  line: string;
  /** CloudTrail only: the region whose log file gets the record. */
  region?: string;
}

/** A file opened for streaming writes, with backpressure. */
export class LineWriter {
  private stream: fs.WriteStream;
  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.stream = fs.createWriteStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  }
  async write(chunk: string): Promise<void> {
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
  }
}

export class EventSink {
  private pending = new Map<StreamKey, Pending[]>();
  private writers = new Map<StreamKey, LineWriter>();
  private seq = 0;
  readonly counts: Record<string, number> = {};
  readonly files = new Set<string>();

  constructor(
    private readonly outDir: string,
    private readonly awsAccountId: string,
    private readonly window: { start: number; end: number },
  ) {}

  /** Buffers an event; events outside the window are not written (returns false). */
  add(stream: StreamKey, t: number, obj: unknown, region?: string): boolean {
    if (!(t >= this.window.start && t < this.window.end)) return false;
    let list = this.pending.get(stream);
    if (!list) {
      list = [];
      this.pending.set(stream, list);
    }
    list.push({ t, seq: this.seq++, line: JSON.stringify(obj), region });
    return true;
  }

  /** Writes every buffered event with time < `until` (the end of the day just generated). */
  async flush(until: number): Promise<void> {
    for (const [stream, list] of this.pending) {
      const ready = list.filter((p) => p.t < until);
      if (ready.length === 0) continue;
      this.pending.set(stream, list.filter((p) => p.t >= until));
      ready.sort((a, b) => a.t - b.t || a.seq - b.seq);
      if (stream === 'cloudtrail') await this.writeCloudTrail(ready);
      else await this.writeLines(stream, ready);
    }
  }

  private async writeLines(stream: StreamKey, items: Pending[]): Promise<void> {
    let w = this.writers.get(stream);
    if (!w) {
      const rel = STREAM_FILES[stream];
      w = new LineWriter(path.join(this.outDir, rel));
      this.writers.set(stream, w);
      this.files.add(rel);
    }
    let buf = '';
    for (const p of items) {
      buf += `${p.line}\n`;
      if (buf.length > 1 << 20) {
        await w.write(buf);
        buf = '';
      }
    }
    if (buf) await w.write(buf);
    const key = STREAM_FILES[stream];
    this.counts[key] = (this.counts[key] ?? 0) + items.length;
  }

  /** CloudTrail delivers `{"Records": [...]}` gzip files per account, region and day. */
  private async writeCloudTrail(items: Pending[]): Promise<void> {
    const groups = new Map<string, Pending[]>();
    for (const p of items) {
      const day = new Date(p.t).toISOString().slice(0, 10).replace(/-/g, '');
      const key = `${p.region ?? 'us-east-1'}|${day}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(p);
    }
    for (const key of [...groups.keys()].sort()) {
      const [region, day] = key.split('|');
      const rel = `${STREAM_FILES.cloudtrail}/${this.awsAccountId}_CloudTrail_${region}_${day}.json.gz`;
      const recs = groups.get(key)!;
      const body = `{"Records":[${recs.map((p) => p.line).join(',')}]}`;
      const file = path.join(this.outDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // An existing file for the same region/day (events late in the buffer) is extended by rewriting.
      let all = body;
      if (this.files.has(rel)) {
        const prev = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as { Records: unknown[] };
        all = JSON.stringify({ Records: [...prev.Records, ...recs.map((p) => JSON.parse(p.line) as unknown)] });
      }
      fs.writeFileSync(file, zlib.gzipSync(all, { level: 6 }));
      this.files.add(rel);
      this.counts[STREAM_FILES.cloudtrail] = (this.counts[STREAM_FILES.cloudtrail] ?? 0) + recs.length;
    }
  }

  async close(): Promise<void> {
    await this.flush(Number.POSITIVE_INFINITY);
    for (const w of this.writers.values()) await w.close();
  }
}
