/**
 * The simulated organisation and its days. `buildWorld` draws the population, plans the lifecycle
 * changes, scenarios, trips and access reviews and emits their events; `simulateDay` then adds one
 * local day of routine, help-desk and privileged activity. Every day draws from its own random
 * streams and reads only what `buildWorld` set up, so days can be simulated apart (see lanes.ts);
 * what days record for the exports (last sign-ins, tickets, activations) is merged afterwards.
 */
import { emitTripSignIns, planTrips, routineDay, type Trip } from './activity.js';
import type { Ctx } from './ctx.js';
import { planAccessReviews } from './itsm.js';
import { emitLifecycle, planLifecycle, supportDay } from './lifecycle.js';
import { oktaAppsFor, tenantsFor } from './org.js';
import { buildPopulation, type Window } from './population.js';
import { privilegedDay } from './privileged.js';
import { Rng } from './prng.js';
import { genuineTripLabels, planAndInjectScenarios } from './scenarios.js';
import type { EventBuffer } from './sink.js';
import { DAY, HOUR } from './time.js';

export interface WorldOptions {
  users: number;
  days: number;
  seed: number;
  /** End of the window (exclusive), a UTC midnight, epoch ms. */
  end: number;
}

export interface World {
  ctx: Ctx;
  root: Rng;
  planner: ReturnType<typeof planAndInjectScenarios>['planner'];
  trips: Trip[];
  reviews: ReturnType<typeof planAccessReviews>;
  tripOf: Map<string, Trip>;
}

export function buildWorld(o: WorldOptions, sink: EventBuffer, progress: (msg: string) => void = () => {}): World {
  const win: Window = { start: o.end - o.days * DAY, end: o.end, days: o.days, snapshotAt: o.end - DAY };
  const root = new Rng(`idtrail-demo/${o.seed}`);
  const tenants = tenantsFor(root.fork('tenants'));
  const pop = buildPopulation(root.fork('population'), o.users, win);
  const ctx: Ctx = {
    seed: o.seed, win, tenants, oktaApps: oktaAppsFor(root.fork('okta-apps')), pop, sink,
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
  return { ctx, root, planner, trips, reviews, tripOf: new Map<string, Trip>(trips.map((t) => [t.person.login, t])) };
}

/**
 * The local days simulated: from the day before the window (its evening is the window's first UTC
 * hours in the Americas) to the day after (Asia-Pacific mornings of the next local date fall before
 * the end).
 */
export function simulatedDays(days: number): number[] {
  const out: number[] = [];
  for (let d = -1; d <= days; d++) out.push(d);
  return out;
}

/** Every later local day starts after dayStart + 17 h UTC (UTC+13 at 06:30): events before this are final. */
export function finalBefore(w: World, d: number): number {
  return w.ctx.win.start + d * DAY + 12 * HOUR;
}

export function simulateDay(w: World, d: number): void {
  const { ctx, root } = w;
  const dayStart = ctx.win.start + d * DAY;
  const r = root.fork(`day/${d}`);
  for (const p of ctx.pop.people) {
    const trip = w.tripOf.get(p.login);
    if (trip && (dayStart === trip.leaveDay || dayStart === trip.returnDay)) continue;
    const staying = trip && dayStart > trip.leaveDay && dayStart < trip.returnDay ? trip : undefined;
    routineDay(ctx, r, p, dayStart, staying);
  }
  supportDay(ctx, root.fork(`support/${d}`), dayStart);
  privilegedDay(ctx, root.fork(`privileged/${d}`), dayStart);
}
