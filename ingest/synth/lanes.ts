/**
 * Simulating the days on two threads with the same files as on one. Every lane builds the same
 * world (the set-up is deterministic; only lane 0 keeps its events), then simulates its own range
 * of days and hands out, after each day, exactly the events a single-threaded run would flush
 * there. Merging lane 0's and lane 1's events of each flush by time, lane 0 first on a tie, gives
 * the single-threaded order: all of lane 0's events were added before lane 1's. What the days
 * record for the exports (last sign-ins, tickets, activations, registered methods) is merged into
 * lane 0's world at the end, in the same order.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Ctx, SeenSignIns } from './ctx.js';
import { EventCollector, type EventWriter, type LineRun, type Pending, type Run, type StreamKey } from './sink.js';
import { DAY } from './time.js';
import { buildWorld, finalBefore, simulateDay, simulatedDays, type WorldOptions } from './world.js';

export interface LaneParams extends WorldOptions {
  /** The local days this lane simulates, both inclusive. */
  from: number;
  to: number;
}

export interface LaneState {
  seen: [string, SeenSignIns][];
  selfService: Ctx['records']['selfService'];
  requests: Ctx['records']['requests'];
  activeActivations: Ctx['activeActivations'];
  directGrants: Ctx['directGrants'];
  oktaDirectGrants: Ctx['oktaDirectGrants'];
  registered: [string, { method: string; at: number }[]][];
}

export type LaneMessage =
  | { kind: 'run'; k: number; streams: StreamKey[]; runs: Run[] }
  | { kind: 'progress'; msg: string }
  | { kind: 'state'; state: LaneState }
  | { kind: 'error'; message: string };

/** Flush k follows local day k; flush `days + 1` takes what is left. */
export function closingFlush(days: number): number {
  return days + 1;
}

/**
 * Splits the simulated days into `n` contiguous ranges of about equal work: a weekend day has a
 * small fraction of a weekday's sign-ins, and the two days at the edges write only the part of
 * their events that falls inside the window.
 */
export function planLanes(o: WorldOptions, n: number): { from: number; to: number }[] {
  const days = simulatedDays(o.days);
  if (n <= 1) return [{ from: days[0], to: days[days.length - 1] }];
  const start = o.end - o.days * DAY;
  const weight = (d: number) => {
    const dow = new Date(start + d * DAY).getUTCDay();
    return (dow === 0 || dow === 6 ? 0.15 : 1) * (d < 0 || d >= o.days ? 0.5 : 1);
  };
  const total = days.reduce((a, d) => a + weight(d), 0);
  const out: { from: number; to: number }[] = [];
  let i = 0;
  let acc = 0;
  for (let lane = 0; lane < n; lane++) {
    const from = days[i];
    // A day goes to this lane when its middle falls within the lane's share of the total. A later
    // lane starts a little later (its thread loads the modules first), so lane 0 takes a bit more.
    const upTo = Math.min(1, ((lane + 1) / n) * 1.03) * total;
    do acc += weight(days[i++]);
    while (i < days.length - (n - 1 - lane) && (lane === n - 1 || acc + weight(days[i]) / 2 <= upTo));
    out.push({ from, to: days[i - 1] });
  }
  return out;
}

function recorded(ctx: Ctx) {
  return {
    selfService: ctx.records.selfService.length,
    requests: ctx.records.requests.length,
    activeActivations: ctx.activeActivations.length,
    directGrants: ctx.directGrants.length,
    oktaDirectGrants: ctx.oktaDirectGrants.length,
    registered: new Map([...ctx.registeredInWindow].map(([k, v]) => [k, v.length])),
  };
}

/** Runs one lane (any but lane 0), posting a run per flush, then what its days recorded. */
export async function runLane(p: LaneParams, post: (m: LaneMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
  const collector = new EventCollector({ start: p.end - p.days * DAY, end: p.end });
  collector.muted = true;
  const world = buildWorld(p, collector);
  collector.muted = false;
  const before = recorded(world.ctx);
  const send = (k: number, runs: Run[]) => {
    // The encoded lines move to lane 0's thread without a copy.
    const transfer = runs.flatMap((r) => ('lines' in r ? [r.lines.t.buffer, r.lines.lens.buffer, r.lines.bytes.buffer] : [])) as ArrayBuffer[];
    post({ kind: 'run', k, streams: collector.streams(), runs }, transfer);
  };
  for (const d of simulatedDays(p.days)) {
    if (d >= p.from && d <= p.to) {
      simulateDay(world, d);
      if (d >= 0 && d < p.days && (d % 5 === 4 || d === p.days - 1)) post({ kind: 'progress', msg: `events: day ${d + 1}/${p.days}` });
    }
    send(d, collector.take(finalBefore(world, d)));
  }
  send(closingFlush(p.days), collector.take(Number.POSITIVE_INFINITY));
  const ctx = world.ctx;
  post({
    kind: 'state',
    state: {
      seen: [...ctx.seen],
      selfService: ctx.records.selfService.slice(before.selfService),
      requests: ctx.records.requests.slice(before.requests),
      activeActivations: ctx.activeActivations.slice(before.activeActivations),
      directGrants: ctx.directGrants.slice(before.directGrants),
      oktaDirectGrants: ctx.oktaDirectGrants.slice(before.oktaDirectGrants),
      registered: [...ctx.registeredInWindow].map(([k, v]) => [k, v.slice(before.registered.get(k) ?? 0)] as [string, { method: string; at: number }[]]).filter(([, v]) => v.length > 0),
    },
  });
}

const SEEN_KEYS = ['oktaLastLogin', 'entraLastInteractive', 'entraLastNonInteractive', 'entraLastSuccess', 'googleLastLogin'] as const;

/** Adds a later lane's records to lane 0's world, as if its days had run after lane 0's. */
export function mergeLaneState(ctx: Ctx, s: LaneState): void {
  for (const [login, theirs] of s.seen) {
    let mine = ctx.seen.get(login);
    if (!mine) ctx.seen.set(login, (mine = {}));
    const m = mine as Record<string, unknown>;
    const o = theirs as Record<string, unknown>;
    // markSeen keeps the latest time, and on a tie the first: lane 0's days came first.
    for (const key of SEEN_KEYS) {
      const t = o[key] as number | undefined;
      if (t === undefined) continue;
      const cur = m[key] as number | undefined;
      if (cur === undefined || t > cur) {
        m[key] = t;
        if (`${key}Id` in o) m[`${key}Id`] = o[`${key}Id`];
      }
    }
  }
  ctx.records.selfService.push(...s.selfService);
  ctx.records.requests.push(...s.requests);
  ctx.activeActivations.push(...s.activeActivations);
  ctx.directGrants.push(...s.directGrants);
  ctx.oktaDirectGrants.push(...s.oktaDirectGrants);
  for (const [login, list] of s.registered) {
    const mine = ctx.registeredInWindow.get(login) ?? [];
    mine.push(...list);
    ctx.registeredInWindow.set(login, mine);
  }
}

/** Lane 0's lines of one stream and flush merged with a later lane's: by time, lane 0 first on a tie. */
export function mergeLines(a: LineRun | undefined, b: LineRun | undefined): Uint8Array[] {
  if (!b) return a ? [a.bytes] : [];
  if (!a) return [b.bytes];
  const chunks: Uint8Array[] = [];
  let i = 0;
  let j = 0;
  let ia = 0;
  let jb = 0;
  while (i < a.t.length || j < b.t.length) {
    if (j >= b.t.length || (i < a.t.length && a.t[i] <= b.t[j])) {
      const from = ia;
      while (i < a.t.length && (j >= b.t.length || a.t[i] <= b.t[j])) ia += a.lens[i++];
      chunks.push(a.bytes.subarray(from, ia));
    } else {
      const from = jb;
      while (j < b.t.length && (i >= a.t.length || b.t[j] < a.t[i])) jb += b.lens[j++];
      chunks.push(b.bytes.subarray(from, jb));
    }
  }
  return chunks;
}

export function mergeRecords(a: Pending[], b: Pending[]): Pending[] {
  if (b.length === 0) return a;
  const out: Pending[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].t <= b[j].t)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}

/** Writes one flush: lane 0's runs merged with lane 1's, streams in the order they first had events. */
export async function writeFlush(writer: EventWriter, order: StreamKey[], own: Run[], other: { streams: StreamKey[]; runs: Run[] } | undefined): Promise<void> {
  const streams = [...order];
  for (const s of other?.streams ?? []) if (!streams.includes(s)) streams.push(s);
  for (const stream of streams) {
    const a = own.find((r) => r.stream === stream);
    const b = other?.runs.find((r) => r.stream === stream);
    if (!a && !b) continue;
    if (stream === 'cloudtrail') {
      const items = (r: Run | undefined) => (r && 'items' in r ? r.items : []);
      await writer.writeCloudTrail(mergeRecords(items(a), items(b)));
    } else {
      const lines = (r: Run | undefined) => (r && 'lines' in r ? r.lines : undefined);
      const la = lines(a);
      const lb = lines(b);
      await writer.writeLines(stream, mergeLines(la, lb), (la?.t.length ?? 0) + (lb?.t.length ?? 0));
    }
  }
}

const WORKER_URL = new URL('./lane-worker.js', import.meta.url);

/** Whether lanes can run on worker threads: only from the compiled JavaScript (a worker cannot load TypeScript). */
export function threadsAvailable(): boolean {
  return import.meta.url.endsWith('.js') && fs.existsSync(fileURLToPath(WORKER_URL));
}

/** A later lane, on a worker thread or (where threads are not available) run in this thread first. */
export class Lane {
  private queue: LaneMessage[] = [];
  private waiting: ((m: LaneMessage) => void) | undefined;
  private failure: Error | undefined;
  private worker: Worker | undefined;
  private done = false;

  private constructor(private readonly progress: (msg: string) => void) {}

  static async start(p: LaneParams, threads: boolean, progress: (msg: string) => void): Promise<Lane> {
    const lane = new Lane(progress);
    if (threads) {
      const w = new Worker(WORKER_URL, { workerData: p });
      lane.worker = w;
      w.on('message', (m: LaneMessage) => lane.push(m));
      w.on('error', (err) => lane.fail(err));
      // Messages sent before the exit are handled first.
      w.on('exit', (code) => setImmediate(() => {
        if (!lane.done) lane.fail(new Error(`generator lane stopped early (exit code ${code})`));
      }));
    } else {
      await runLane(p, (m) => lane.push(m));
    }
    return lane;
  }

  private push(m: LaneMessage): void {
    if (m.kind === 'progress') return this.progress(m.msg);
    if (m.kind === 'error') return this.fail(new Error(`generator lane failed: ${m.message}`));
    if (m.kind === 'state') this.done = true;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w(m);
    } else this.queue.push(m);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ kind: 'error', message: err.message });
    }
  }

  private async next(): Promise<LaneMessage> {
    const m = this.queue.shift() ?? (this.failure ? undefined : await new Promise<LaneMessage>((resolve) => (this.waiting = resolve)));
    if (!m || m.kind === 'error' || this.failure) throw this.failure ?? new Error('generator lane failed');
    return m;
  }

  async run(k: number): Promise<{ streams: StreamKey[]; runs: Run[] }> {
    const m = await this.next();
    if (m.kind !== 'run' || m.k !== k) throw new Error(`generator lane out of step: expected flush ${k}, got ${m.kind === 'run' ? `flush ${m.k}` : m.kind}`);
    return m;
  }

  async state(): Promise<LaneState> {
    const m = await this.next();
    if (m.kind !== 'state') throw new Error(`generator lane out of step: expected its records, got ${m.kind}`);
    await this.worker?.terminate();
    return m.state;
  }

  async stop(): Promise<void> {
    this.done = true;
    await this.worker?.terminate();
  }
}
