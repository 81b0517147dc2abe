/**
 * The demo organisation generator: `generateDemo()` writes a realistic organisation's identity
 * telemetry — vendor-native Okta, Entra, Google Workspace and CloudTrail logs, inventory snapshots,
 * the HRIS and ITSM exports — with labelled attack scenarios and benign look-alikes, into `outDir`
 * (layout: the demo data contract). The same options always give byte-identical files, whether
 * the days are simulated in one lane or in two on two threads (lanes.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IdtrailError } from '../../lib/errors.js';
import { CARRIER_ASNS, VPN_ASN, VPN_EGRESS } from './geo.js';
import { writeHris } from './hris.js';
import { writeInventory } from './inventory.js';
import { writeItsm } from './itsm.js';
import type { Labels } from './labels.js';
import { closingFlush, Lane, mergeLaneState, planLanes, threadsAvailable, writeFlush } from './lanes.js';
import { knownAppIds, OKTA_HOST } from './org.js';
import { EventCollector, EventWriter } from './sink.js';
import { DAY, isoSec } from './time.js';
import { buildWorld, finalBefore, simulateDay, simulatedDays } from './world.js';

export type { Label, Labels } from './labels.js';

export interface GenerateOptions {
  outDir: string;
  users?: number;
  days?: number;
  seed?: number;
  /**
   * End of the window (exclusive), rounded down to a UTC midnight. Default 2026-11-23T00:00:00Z, so
   * a seed always gives the same files.
   */
  end?: Date;
  onProgress?: (msg: string) => void;
  /**
   * Simulate the days in this many lanes (1 or 2), merged into the same files. Default: 2 on a
   * machine with two or more cores for sizes where a second thread pays off, else 1.
   */
  lanes?: number;
  /** Run later lanes on worker threads (default: when the compiled worker is available); else in this thread, one after another. */
  threads?: boolean;
}

export interface GenerateResult {
  outDir: string;
  files: string[];
  counts: Record<string, number>;
  labels: Labels;
  /** How the days were simulated: in how many lanes, and whether a later lane ran on a worker thread. */
  lanes: number;
  threads: boolean;
}

export const DEFAULT_END = '2026-11-23T00:00:00Z';
export const MIN_USERS = 60;

/**
 * Sizes (people × days) from which a second lane on a worker thread pays for its start-up (the
 * set-up runs in both lanes). The later lane's files wait in memory until lane 0 has written its own
 * days (about 400 MB at 2,000 × 30), so above the upper bound one lane is used.
 */
const LANE_MIN = 6_000;
const LANE_MAX = 150_000;

function defaultLanes(users: number, days: number, threads: boolean): number {
  const size = users * days;
  return threads && os.availableParallelism() > 1 && size >= LANE_MIN && size <= LANE_MAX ? 2 : 1;
}

export async function generateDemo(opts: GenerateOptions): Promise<GenerateResult> {
  const users = opts.users ?? 2000;
  const days = opts.days ?? 30;
  const seed = opts.seed ?? 1;
  const endDate = opts.end ?? new Date(DEFAULT_END);
  if (!Number.isInteger(users) || users < MIN_USERS) throw new IdtrailError('usage', `users must be a whole number of at least ${MIN_USERS} (the scenarios need that many people), got ${users}`);
  if (!Number.isInteger(days) || days < 7 || days > 400) throw new IdtrailError('usage', `days must be a whole number between 7 and 400, got ${days}`);
  if (!Number.isInteger(seed) || seed < 0) throw new IdtrailError('usage', `seed must be a non-negative whole number, got ${seed}`);
  if (Number.isNaN(endDate.getTime())) throw new IdtrailError('usage', 'end must be a valid date (ISO-8601)');
  const threads = opts.threads ?? threadsAvailable();
  const nLanes = opts.lanes ?? defaultLanes(users, days, threads);
  if (nLanes !== 1 && nLanes !== 2) throw new IdtrailError('usage', `lanes must be 1 or 2, got ${nLanes}`);
  const progress = opts.onProgress ?? (() => {});
  const outDir = path.resolve(opts.outDir);
  fs.mkdirSync(outDir, { recursive: true });
  for (const sub of ['okta', 'entra', 'google_workspace', 'aws', 'inventory', 'hris', 'itsm', 'survey', 'audit']) fs.rmSync(path.join(outDir, sub), { recursive: true, force: true });
  fs.rmSync(path.join(outDir, 'labels.json'), { force: true });

  // The window is whole UTC days: an end inside a day is moved back to that day's midnight.
  const end = Math.floor(endDate.getTime() / DAY) * DAY;
  const wopts = { users, days, seed, end };
  const ranges = planLanes(wopts, nLanes);
  const other = nLanes > 1 ? await Lane.start({ ...wopts, ...ranges[1] }, threads, progress) : undefined;
  try {
    const collector = new EventCollector({ start: end - days * DAY, end });
    const world = buildWorld(wopts, collector, progress);
    const { ctx, planner, reviews, root } = world;
    const { win, pop, tenants } = ctx;
    const writer = new EventWriter(outDir, tenants.awsAccountId);
    for (const d of simulatedDays(days)) {
      if (d >= ranges[0].from && d <= ranges[0].to) {
        simulateDay(world, d);
        if (d >= 0 && d < days && (d % 5 === 4 || d === days - 1)) progress(`events: day ${d + 1}/${days}`);
      }
      await writeFlush(writer, collector.streams(), collector.take(finalBefore(world, d)), await other?.run(d));
    }
    await writeFlush(writer, collector.streams(), collector.take(Number.POSITIVE_INFINITY), await other?.run(closingFlush(days)));
    await writer.close();
    if (other) mergeLaneState(ctx, await other.state());

    const counts: Record<string, number> = { ...writer.counts };
    const files = [...writer.files];
    files.push(...writeInventory(ctx, outDir));
    const hris = writeHris(ctx, outDir);
    files.push(hris.file);
    counts[hris.file] = hris.rows;
    const itsm = writeItsm(ctx, root.fork('itsm'), outDir, reviews);
    files.push(...itsm.files);
    Object.assign(counts, itsm.counts);

    const labels: Labels = {
      seed,
      generated_at: isoSec(end),
      window: { start: isoSec(win.start), end: isoSec(win.end) },
      scenarios: planner.labels,
      org: {
        okta_org: OKTA_HOST,
        entra_tenant_id: tenants.entra,
        google_customer_id: tenants.googleCustomerId,
        aws_account_id: tenants.awsAccountId,
        snapshot_at: isoSec(win.snapshotAt),
        vpn_egress_ips: VPN_EGRESS.map((v) => v.ip),
        vpn_asn: VPN_ASN,
        carrier_asns: CARRIER_ASNS,
        known_app_ids: knownAppIds(),
        break_glass_accounts: pop.people.filter((p) => p.kind === 'breakglass').map((p) => p.login),
        service_accounts: pop.people.filter((p) => p.kind === 'service').map((p) => p.login),
      },
    };
    fs.writeFileSync(path.join(outDir, 'labels.json'), `${JSON.stringify(labels, null, 2)}\n`);
    files.push('labels.json');
    counts['labels.json'] = labels.scenarios.length;
    files.sort();
    progress(`done: ${files.length} files in ${outDir}`);
    return { outDir, files, counts, labels, lanes: nLanes, threads: nLanes > 1 && threads };
  } finally {
    await other?.stop();
  }
}


