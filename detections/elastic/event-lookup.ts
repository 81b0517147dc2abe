import type { ElasticStore } from '../../store/elastic/store.js';
import { eventsDataStream } from '../../store/elastic/templates.js';
import type { EventInfo, EventLookup } from '../engine/sigma-alerts.js';

const CHUNK = 1000;
const PAGE = 1000;

/**
 * The subject user of an event, exactly as the `idt_user` SQL macro (detections/analytics/sql.ts)
 * computes it: the actor of sign-in, MFA and session events by a user-like actor, else the target
 * user (empty counts as missing), else the actor; lower-cased.
 */
export function idtUser(eventClass: unknown, actorName: unknown, actorType: unknown, targetUserName: unknown): string | null {
  const actor = typeof actorName === 'string' ? actorName : null;
  const target = typeof targetUserName === 'string' ? targetUserName : null;
  const type = typeof actorType === 'string' ? actorType.toLowerCase() : 'user';
  const actorIsSubject = ['authentication', 'mfa', 'session'].includes(String(eventClass)) && actor !== null && actor !== '' && ['user', 'person', 'account', ''].includes(type);
  const v = actorIsSubject ? actor : target !== null && target !== '' ? target : actor;
  return v === null ? null : v.toLowerCase();
}

type IdentitySource = { identity: Record<string, unknown> };

/**
 * The Elasticsearch store's EventLookup: the normalized events whose `identity.raw_uid` is one of
 * the matched records', read from `_source` (exact values, not the normalized keyword terms) and
 * walked in event_uid order so a record with several events answers as on DuckDB.
 */
export function elasticEventLookup(store: ElasticStore): EventLookup {
  return async (rawUids) => {
    const uids = [...new Set(rawUids)];
    const found: Record<string, unknown>[] = [];
    for (let i = 0; i < uids.length; i += CHUNK) {
      const chunk = uids.slice(i, i + CHUNK);
      let after: unknown[] | undefined;
      for (;;) {
        const resp = await store.client.search<IdentitySource>({
          index: eventsDataStream(store.ns),
          ignore_unavailable: true,
          size: PAGE,
          _source: ['identity.event_uid', 'identity.raw_uid', 'identity.event_class', 'identity.actor_name', 'identity.actor_type', 'identity.target_user_name', 'identity.src_ip', 'identity.app_name', 'identity.event_time'],
          query: { bool: { filter: [{ terms: { 'identity.raw_uid': chunk } }] } },
          sort: [{ 'identity.event_uid': { order: 'asc' } }],
          ...(after ? { search_after: after as never } : {}),
        });
        const hits = resp.hits.hits;
        for (const h of hits) if (h._source) found.push(h._source.identity);
        if (hits.length < PAGE) break;
        after = hits[hits.length - 1].sort as unknown[];
      }
    }
    // The keyword sort above is on the lower-cased term; order by the exact id as DuckDB does.
    found.sort((a, b) => (String(a.event_uid) < String(b.event_uid) ? -1 : String(a.event_uid) > String(b.event_uid) ? 1 : 0));
    const out = new Map<string, EventInfo>();
    const wanted = new Set(uids);
    for (const e of found) {
      const raw = String(e.raw_uid);
      // terms on a normalized keyword match case-insensitively: keep exact raw uids only
      if (!wanted.has(raw)) continue;
      out.set(raw, {
        event_uid: String(e.event_uid),
        raw_uid: raw,
        usr: idtUser(e.event_class, e.actor_name, e.actor_type, e.target_user_name),
        ip: typeof e.src_ip === 'string' ? e.src_ip : null,
        app: typeof e.app_name === 'string' ? e.app_name : null,
        t: new Date(String(e.event_time)),
      });
    }
    return out;
  };
}
