/**
 * Where generated vendor events go. The generator adds events to an `EventCollector`, which
 * serialises each at once and buffers it; after each simulated day the collector hands out the
 * events that no later day can precede (`take(until)`), per output file sorted by event time (ties
 * keep insertion order), and an `EventWriter` streams them to disk. Memory holds about one day of
 * events and no giant strings are built.
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

export interface Pending {
  t: number;
  seq: number;
  /** The event serialised at once: object trees die young, only compact strings wait for the flush. */
  line: string;
  /** CloudTrail only: the region whose log file gets the record. */
  region?: string;
}

/** What the generator's code adds events to (`ctx.sink`). */
export interface EventBuffer {
  /** Buffers an event; events outside the window are not written (returns false). */
  add(stream: StreamKey, t: number, obj: unknown, region?: string): boolean;
}

export type LineStream = Exclude<StreamKey, 'cloudtrail'>;

/** NDJSON lines in file order: each line's time and byte length (newline included), and the UTF-8 bytes. */
export interface LineRun {
  t: Float64Array;
  lens: Uint32Array;
  bytes: Uint8Array;
}

/** One stream's events of one flush, in file order. */
export type Run = { stream: LineStream; lines: LineRun } | { stream: 'cloudtrail'; items: Pending[] };

/**
 * One NDJSON stream's waiting events, encoded at once into one growing buffer outside the JS heap:
 * the heap keeps no day of strings alive, so the garbage collector has little to copy.
 */
class LineArena {
  private bytes = Buffer.allocUnsafeSlow(1 << 23);
  private used = 0;
  private t: number[] = [];
  private off: number[] = [];
  private len: number[] = [];

  add(t: number, line: string): void {
    const max = line.length * 3 + 1;
    if (this.used + max > this.bytes.length) this.makeRoom(max);
    const n = this.bytes.write(line, this.used, 'utf8');
    this.bytes[this.used + n] = 10;
    this.t.push(t);
    this.off.push(this.used);
    this.len.push(n + 1);
    this.used += n + 1;
  }

  /** Packs the waiting lines to the front (they are in offset order), into a bigger buffer if half of it would not do. */
  private makeRoom(max: number): void {
    let live = 0;
    for (const l of this.len) live += l;
    const into = live * 2 + max > this.bytes.length ? Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, live * 2 + max)) : this.bytes;
    let used = 0;
    for (let i = 0; i < this.off.length; i++) {
      const from = this.off[i];
      if (into !== this.bytes) this.bytes.copy(into, used, from, from + this.len[i]);
      else if (from !== used) this.bytes.copyWithin(used, from, from + this.len[i]);
      this.off[i] = used;
      used += this.len[i];
    }
    this.bytes = into;
    this.used = used;
  }

  /** The events with time < `until`, sorted by time (ties in insertion order); the rest stay. */
  take(until: number): LineRun | undefined {
    const { t, off, len } = this;
    const ready: number[] = [];
    const keep: number[] = [];
    for (let i = 0; i < t.length; i++) (t[i] < until ? ready : keep).push(i);
    if (ready.length === 0) return undefined;
    ready.sort((a, b) => t[a] - t[b] || a - b);
    let total = 0;
    for (const i of ready) total += len[i];
    // Not from Node's shared pool: a run may be handed to another thread.
    const bytes = Buffer.allocUnsafeSlow(total);
    const times = new Float64Array(ready.length);
    const lens = new Uint32Array(ready.length);
    let pos = 0;
    for (let k = 0; k < ready.length; k++) {
      const i = ready[k];
      this.bytes.copy(bytes, pos, off[i], off[i] + len[i]);
      pos += len[i];
      times[k] = t[i];
      lens[k] = len[i];
    }
    // The waiting lines stay where they are until the buffer runs out of room (`makeRoom`).
    this.t = keep.map((i) => t[i]);
    this.off = keep.map((i) => off[i]);
    this.len = keep.map((i) => len[i]);
    if (keep.length === 0) this.used = 0;
    return { t: times, lens, bytes };
  }
}

export class EventCollector implements EventBuffer {
  private order: StreamKey[] = [];
  private lines = new Map<LineStream, LineArena>();
  private records: Pending[] = [];
  private seq = 0;
  /** While muted, events are dropped: a lane that re-runs the set-up does not write its events twice. */
  muted = false;

  constructor(private readonly window: { start: number; end: number }) {}

  add(stream: StreamKey, t: number, obj: unknown, region?: string): boolean {
    if (!(t >= this.window.start && t < this.window.end)) return false;
    if (this.muted) return true;
    if (stream === 'cloudtrail') {
      if (!this.order.includes(stream)) this.order.push(stream);
      this.records.push({ t, seq: this.seq++, line: JSON.stringify(obj), region });
      return true;
    }
    let arena = this.lines.get(stream);
    if (!arena) {
      arena = new LineArena();
      this.lines.set(stream, arena);
      this.order.push(stream);
    }
    arena.add(t, JSON.stringify(obj));
    return true;
  }

  /** The streams in the order they were first added to (the order a flush visits them). */
  streams(): StreamKey[] {
    return [...this.order];
  }

  /** Takes every buffered event with time < `until`: per stream (in `streams()` order) sorted by time. */
  take(until: number): Run[] {
    const runs: Run[] = [];
    for (const stream of this.order) {
      if (stream === 'cloudtrail') {
        const ready = this.records.filter((p) => p.t < until);
        if (ready.length === 0) continue;
        this.records = this.records.filter((p) => p.t >= until);
        ready.sort((a, b) => a.t - b.t || a.seq - b.seq);
        runs.push({ stream, items: ready });
      } else {
        const lines = this.lines.get(stream)!.take(until);
        if (lines) runs.push({ stream, lines });
      }
    }
    return runs;
  }
}

/**
 * A file opened for streaming writes, with backpressure: a write waits until what the previous
 * write queued is on its way to disk, so the next day is simulated while the last one is written.
 */
export class LineWriter {
  private stream: fs.WriteStream;
  private draining: Promise<void> | undefined;
  constructor(file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.stream = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
  }
  async write(chunk: Uint8Array): Promise<void> {
    if (this.draining) await this.draining;
    if (!this.stream.write(chunk)) {
      this.draining = new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          this.draining = undefined;
          if (err) reject(err);
          else resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('error', done);
      });
    }
  }
  async close(): Promise<void> {
    if (this.draining) await this.draining;
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
  }
}

/** Writes flushed events: NDJSON files per stream, CloudTrail `{"Records": [...]}` gzip files. */
export class EventWriter {
  private writers = new Map<LineStream, LineWriter>();
  readonly counts: Record<string, number> = {};
  readonly files = new Set<string>();

  constructor(
    private readonly outDir: string,
    private readonly awsAccountId: string,
  ) {}

  async writeLines(stream: LineStream, chunks: Uint8Array[], count: number): Promise<void> {
    let w = this.writers.get(stream);
    if (!w) {
      const rel = STREAM_FILES[stream];
      w = new LineWriter(path.join(this.outDir, rel));
      this.writers.set(stream, w);
      this.files.add(rel);
    }
    for (const c of chunks) await w.write(c);
    const key = STREAM_FILES[stream];
    this.counts[key] = (this.counts[key] ?? 0) + count;
  }

  /** CloudTrail delivers `{"Records": [...]}` gzip files per account, region and day. */
  async writeCloudTrail(items: { t: number; line: string; region?: string }[]): Promise<void> {
    const groups = new Map<string, { t: number; line: string }[]>();
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
    for (const w of this.writers.values()) await w.close();
  }
}
