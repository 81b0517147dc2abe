import type { IncomingMessage, ServerResponse } from 'node:http';
import { RestartableServer, sendJson } from './http-util.js';

/**
 * A local Splunk HTTP Event Collector reproducing its documented contract:
 * - `POST /services/collector/event` (and `/services/collector`), `Authorization: Splunk <token>`;
 *   401 `{"text":"Token is required","code":2}`, 401 `{"text":"Invalid authorization","code":3}`,
 *   403 `{"text":"Invalid token","code":4}`, 403 `{"text":"Token disabled","code":1}`.
 * - The body is JSON event objects back to back; 400 `{"text":"No data","code":5}`; a bad one gives
 *   `{"text":"Invalid data format","code":6,"invalid-event-number":n}` or code 12/13 for a missing or
 *   blank `event`, with the events before it indexed.
 * - 200 `{"text":"Success","code":0}`; with indexer acknowledgement on the token a channel is required
 *   (400 `{"text":"Data channel is missing","code":10}`) and the reply adds `ackId`;
 *   `POST /services/collector/ack?channel=` with `{"acks":[…]}` answers `{"acks":{"0":true}}` once the
 *   batch is indexed (here: after `ackAfterQueries` queries), and
 *   400 `{"text":"ACK is disabled","code":14}` when the token has no acknowledgement.
 * - 503 `{"text":"Server is busy","code":9}` while busy; `GET /services/collector/health`.
 */
export interface HecEvent {
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  event: unknown;
  fields?: Record<string, unknown>;
  channel: string | null;
}

export class FakeSplunkHec {
  readonly server: RestartableServer;
  readonly events: HecEvent[] = [];
  /** Every Authorization header seen (tests check no other secret leaks elsewhere). */
  readonly requests: { path: string; authorization?: string; channel?: string }[] = [];
  busy = 0;
  /** Reject (once) the event for which this returns true, as HEC does with a malformed event: code 6. */
  rejectOnce: ((obj: Record<string, unknown>) => boolean) | null = null;
  /** Events are acknowledged this many ack queries after they were received. */
  ackAfterQueries = 1;
  private nextAck = new Map<string, number>();
  private pendingAcks = new Map<string, { queries: number }>();

  constructor(readonly tokens: Record<string, { ack?: boolean; disabled?: boolean }>) {
    this.server = new RestartableServer((req, body, res) => this.handle(req, body, res));
  }

  start(): Promise<number> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private auth(req: IncomingMessage, res: ServerResponse): { ack: boolean } | null {
    const h = req.headers.authorization;
    if (!h) {
      sendJson(res, 401, { text: 'Token is required', code: 2 });
      return null;
    }
    const m = /^Splunk (\S+)$/.exec(h);
    if (!m) {
      sendJson(res, 401, { text: 'Invalid authorization', code: 3 });
      return null;
    }
    const t = this.tokens[m[1]];
    if (!t) {
      sendJson(res, 403, { text: 'Invalid token', code: 4 });
      return null;
    }
    if (t.disabled) {
      sendJson(res, 403, { text: 'Token disabled', code: 1 });
      return null;
    }
    return { ack: !!t.ack };
  }

  private handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const channel = (req.headers['x-splunk-request-channel'] as string | undefined) ?? url.searchParams.get('channel');
    this.requests.push({ path: url.pathname, authorization: req.headers.authorization, channel: channel ?? undefined });
    if (req.method === 'GET' && url.pathname === '/services/collector/health') return sendJson(res, 200, { text: 'HEC is healthy', code: 17 });
    if (this.busy > 0) {
      this.busy--;
      return sendJson(res, 503, { text: 'Server is busy', code: 9 });
    }
    const tok = this.auth(req, res);
    if (!tok) return;
    if (req.method === 'POST' && url.pathname === '/services/collector/ack') {
      if (!tok.ack) return sendJson(res, 400, { text: 'ACK is disabled', code: 14 });
      if (!channel) return sendJson(res, 400, { text: 'Data channel is missing', code: 10 });
      let acks: unknown;
      try {
        acks = (JSON.parse(body.toString('utf8')) as { acks?: unknown }).acks;
      } catch {
        return sendJson(res, 400, { text: 'Invalid data format', code: 6 });
      }
      if (!Array.isArray(acks)) return sendJson(res, 400, { text: 'Invalid data format', code: 6 });
      const out: Record<string, boolean> = {};
      for (const id of acks) {
        const key = `${channel}:${id}`;
        const p = this.pendingAcks.get(key);
        if (!p) {
          out[String(id)] = false;
          continue;
        }
        p.queries++;
        if (p.queries >= this.ackAfterQueries) {
          this.pendingAcks.delete(key);
          out[String(id)] = true;
        } else {
          out[String(id)] = false;
        }
      }
      return sendJson(res, 200, { acks: out });
    }
    if (req.method !== 'POST' || !['/services/collector/event', '/services/collector', '/services/collector/event/1.0'].includes(url.pathname)) {
      return sendJson(res, 404, { text: 'The requested URL was not found on this server.', code: 404 });
    }
    if (tok.ack && !channel) return sendJson(res, 400, { text: 'Data channel is missing', code: 10 });
    const text = body.toString('utf8');
    if (!text.trim()) return sendJson(res, 400, { text: 'No data', code: 5 });
    const parsed: HecEvent[] = [];
    const objects = splitConcatenated(text);
    for (let n = 0; n < objects.length; n++) {
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(objects[n]) as Record<string, unknown>;
      } catch {
        this.accept(parsed, tok.ack, channel);
        return sendJson(res, 400, { text: 'Invalid data format', code: 6, 'invalid-event-number': n });
      }
      if (!('event' in obj)) {
        this.accept(parsed, tok.ack, channel);
        return sendJson(res, 400, { text: 'Event field is required', code: 12, 'invalid-event-number': n });
      }
      if (obj.event === '' || obj.event === null) {
        this.accept(parsed, tok.ack, channel);
        return sendJson(res, 400, { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': n });
      }
      if (this.rejectOnce?.(obj)) {
        this.rejectOnce = null;
        this.accept(parsed, tok.ack, channel);
        return sendJson(res, 400, { text: 'Invalid data format', code: 6, 'invalid-event-number': n });
      }
      parsed.push({ ...(obj as unknown as HecEvent), channel });
    }
    const ackId = this.accept(parsed, tok.ack, channel);
    sendJson(res, 200, tok.ack ? { text: 'Success', code: 0, ackId } : { text: 'Success', code: 0 });
  }

  private accept(events: HecEvent[], ack: boolean, channel: string | null): number | undefined {
    this.events.push(...events);
    if (!ack) return undefined;
    const id = this.nextAck.get(channel!) ?? 0;
    this.nextAck.set(channel!, id + 1);
    this.pendingAcks.set(`${channel}:${id}`, { queries: 0 });
    return id;
  }
}

/** Splits back-to-back JSON values ({…}{…} or one per line); a malformed tail stays one piece. */
export function splitConcatenated(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inStr = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) {
        out.push(text.slice(start, i + 1));
        start = -1;
      }
    } else if (depth === 0 && !/\s/.test(c)) {
      out.push(text.slice(i));
      return out;
    }
  }
  if (depth !== 0 && start >= 0) out.push(text.slice(start));
  return out;
}
