/**
 * Google Workspace Admin SDK Reports `activity` objects (kind admin#reports#activity) for the
 * login, admin and token applications. Parameters are typed (`value`, `boolValue`, `intValue`,
 * `multiValue`, `multiMessageValue`); only an IP is given, no geo.
 */
import type { Rng } from '../prng.js';
import { isoMs } from '../time.js';

export type WsParam = { name: string; value?: string; boolValue?: boolean; intValue?: string; multiValue?: string[]; multiMessageValue?: { parameter: WsParam[] }[] };

export interface WsInput {
  t: number;
  app: 'login' | 'admin' | 'token';
  customerId: string;
  actor: { email: string; profileId: string; callerType?: string };
  ip: string | null;
  events: { type: string; name: string; parameters: WsParam[] }[];
}

export function wsActivity(rng: Rng, a: WsInput): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: 'admin#reports#activity',
    id: { time: isoMs(a.t), uniqueQualifier: `${rng.chance(0.5) ? '-' : ''}${rng.digits(19)}`, applicationName: a.app, customerId: a.customerId },
    etag: `"${rng.base62(43)}/${rng.base62(27)}"`,
    actor: { ...(a.actor.callerType ? { callerType: a.actor.callerType } : {}), email: a.actor.email, profileId: a.actor.profileId },
  };
  if (a.ip) out.ipAddress = a.ip;
  out.events = a.events;
  return out;
}
