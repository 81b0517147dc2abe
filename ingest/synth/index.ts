/**
 * The demo organisation generator: `generateDemo()` writes a realistic organisation's identity
 * telemetry — vendor-native Okta, Entra, Google Workspace and CloudTrail logs, inventory snapshots,
 * the HRIS and ITSM exports — with labelled attack scenarios and benign look-alikes, into `outDir`
 * (layout: the demo data contract). The same options always give byte-identical files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IdtrailError } from '../../lib/errors.js';
import { emitTripSignIns, planTrips, routineDay, type Trip } from './activity.js';
import type { Ctx } from './ctx.js';
import { CARRIER_ASNS, VPN_ASN, VPN_EGRESS } from './geo.js';
import { writeHris } from './hris.js';
import { writeInventory } from './inventory.js';
import { planAccessReviews, writeItsm } from './itsm.js';
import type { Labels } from './labels.js';
import { emitLifecycle, planLifecycle, supportDay } from './lifecycle.js';
import { knownAppIds, OKTA_HOST, oktaAppsFor, tenantsFor } from './org.js';
import { buildPopulation, type Window } from './population.js';
import { privilegedDay } from './privileged.js';
import { Rng } from './prng.js';
import { genuineTripLabels, planAndInjectScenarios } from './scenarios.js';
import { EventSink } from './sink.js';
import { DAY, HOUR, isoSec } from './time.js';

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
}

export interface GenerateResult {
  outDir: string;
  files: string[];
  counts: Record<string, number>;
  labels: Labels;
}

export const DEFAULT_END = '2026-11-23T00:00:00Z';
export const MIN_USERS = 60;

export async function generateDemo(opts: GenerateOptions): Promise<GenerateResult> {
  const users = opts.users ?? 2000;
  const days = opts.days ?? 30;
  const seed = opts.seed ?? 1;
  const endDate = opts.end ?? new Date(DEFAULT_END);
  if (!Number.isInteger(users) || users < MIN_USERS) throw new IdtrailError('usage', `users must be a whole number of at least ${MIN_USERS} (the scenarios need that many people), got ${users}`);
  if (!Number.isInteger(days) || days < 7 || days > 400) throw new IdtrailError('usage', `days must be a whole number between 7 and 400, got ${days}`);
  if (!Number.isInteger(seed) || seed < 0) throw new IdtrailError('usage', `seed must be a non-negative whole number, got ${seed}`);
  if (Number.isNaN(endDate.getTime())) throw new IdtrailError('usage', 'end must be a valid date (ISO-8601)');
  const progress = opts.onProgress ?? (() => {});
  const outDir = path.resolve(opts.outDir);
  fs.mkdirSync(outDir, { recursive: true });
  for (const sub of ['okta', 'entra', 'google_workspace', 'aws', 'inventory', 'hris', 'itsm', 'survey', 'audit']) fs.rmSync(path.join(outDir, sub), { recursive: true, force: true });
  fs.rmSync(path.join(outDir, 'labels.json'), { force: true });

  // The window is whole UTC days: an end inside a day is moved back to that day's midnight.
  const end = Math.floor(endDate.getTime() / DAY) * DAY;
  const win: Window = { start: end - days * DAY, end, days, snapshotAt: end - DAY };
  const root = new Rng(`idtrail-demo/${seed}`);
  const tenants = tenantsFor(root.fork('tenants'));
  const pop = buildPopulation(root.fork('population'), users, win);
  const sink = new EventSink(outDir, tenants.awsAccountId, win);
  const ctx: Ctx = {
    seed, win, tenants, oktaApps: oktaAppsFor(root.fork('okta-apps')), pop, sink,
    seen: new Map(), factorIds: new Map(), groups: new Map(), oktaGroups: new Map(), servicePrincipals: new Map(),
    registeredInWindow: new Map(), activeActivations: [], directGrants: [], oktaDirectGrants: [], rng: root.fork('ids'),
    records: { selfService: [], requests: [] },
  };
  progress(`population: ${pop.people.length} accounts (${pop.humans.length} people)`);

  const plan = planLifecycle(ctx, root.fork('lifecycle'), pop.humans);
  const { planner } = planAndInjectScenarios(ctx, root.fork('scenarios'), plan);
  emitLifecycle(ctx, root.fork('lifecycle-events'), plan);
  const trips = planTrips(ctx, root.fork('trips'), pop.humans.filter((p) => !p.quiet && p.kind !== 'orphan'));
  const tripRng = root.fork('trip-events');
  for (const t of trips) emitTripSignIns(ctx, tripRng, t);
  genuineTripLabels(planner, trips);
  const reviews = planAccessReviews(ctx, root.fork('reviews'));
  progress(`scenarios: ${planner.labels.filter((l) => !l.benign).length} attacks, ${planner.labels.filter((l) => l.benign).length} look-alikes`);

  const tripOf = new Map<string, Trip>(trips.map((t) => [t.person.login, t]));
  // Local days from the day before the window (its evening is the window's first UTC hours in the
  // Americas) to the day after (Asia-Pacific mornings of the next local date fall before `end`).
  for (let d = -1; d <= days; d++) {
    const dayStart = win.start + d * DAY;
    const r = root.fork(`day/${d}`);
    for (const p of pop.people) {
      const trip = tripOf.get(p.login);
      if (trip && (dayStart === trip.leaveDay || dayStart === trip.returnDay)) continue;
      const staying = trip && dayStart > trip.leaveDay && dayStart < trip.returnDay ? trip : undefined;
      routineDay(ctx, r, p, dayStart, staying);
    }
    supportDay(ctx, root.fork(`support/${d}`), dayStart);
    privilegedDay(ctx, root.fork(`privileged/${d}`), dayStart);
    // Every later local day starts after dayStart + 17 h UTC (UTC+13 at 06:30), so this is final.
    await sink.flush(dayStart + 12 * HOUR);
    if (d >= 0 && d < days && (d % 5 === 4 || d === days - 1)) progress(`events: day ${d + 1}/${days}`);
  }
  await sink.close();

  const counts: Record<string, number> = { ...sink.counts };
  const files = [...sink.files];
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
  return { outDir, files, counts, labels };
}
