import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A local HTTP server (127.0.0.1, random port) for one fake vendor API, with fault injection. Each
 * vendor server supplies a router that answers like the vendor; the harness applies faults to data
 * requests (the ones the router marks as counted) before the router sees them.
 */
export type Fault =
  | { kind: 'status'; status: 500 | 502 | 503 | 504 }
  | { kind: 'throttle' } // the vendor's own 429 (headers and body from the router)
  | { kind: 'timeout'; ms?: number } // accept, then never answer (until ms)
  | { kind: 'cut' } // send headers and half the body, then destroy the socket
  | { kind: 'truncated' } // a complete HTTP response whose JSON body is cut short
  | { kind: 'expire_token' } // the current access token stops being valid (401)
  | { kind: 'repeat' } // answer with the previous response of this path again
  | { kind: 'delay'; ms: number }; // answer normally, slowly

export interface VendorReply {
  status: number;
  headers?: Record<string, string | string[]>;
  body: unknown;
}

export interface RouteContext {
  url: URL;
  req: IncomingMessage;
  body: string;
  /** Number of this counted request (1-based), for routers that need it. */
  n: number;
}

export interface Router {
  /** Whether a request is a data request (faults apply, counted); token endpoints usually are not. */
  counts(url: URL, req: IncomingMessage): boolean;
  handle(ctx: RouteContext): VendorReply | Promise<VendorReply>;
  /** The vendor's 429 reply. */
  throttle(url: URL): VendorReply;
  /** The vendor's reply to a 5xx. */
  serverError(status: number): VendorReply;
  /** Invalidate the current access token (subsequent requests with it get 401). */
  expireToken(): void;
}

export interface FakeServer {
  url: string;
  /** Counted (data) requests served so far. */
  readonly requests: number;
  /** Status of every counted response, in order ('cut', 'timeout' for those faults). */
  readonly log: Array<{ n: number; path: string; outcome: string }>;
  /** Schedule a fault for counted request number n (1-based). */
  faultAt(n: number, fault: Fault): void;
  /** Apply a fault to every counted request from now on (or clear it with null). */
  setFaultAll(fault: Fault | null): void;
  close(): Promise<void>;
}

export async function startFakeServer(router: Router): Promise<FakeServer> {
  const planned = new Map<number, Fault>();
  let always: Fault | null = null;
  let count = 0;
  const log: FakeServer['log'] = [];
  const lastReply = new Map<string, VendorReply>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const send = (res: ServerResponse, reply: VendorReply) => {
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...reply.headers });
    res.end(text);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        if (!router.counts(url, req)) {
          send(res, await router.handle({ url, req, body, n: 0 }));
          return;
        }
        const n = ++count;
        const fault = planned.get(n) ?? always ?? undefined;
        planned.delete(n);
        const key = url.pathname;
        const record = (outcome: string) => log.push({ n, path: `${url.pathname}${url.search}`, outcome });
        switch (fault?.kind) {
          case 'status': {
            record(String(fault.status));
            send(res, router.serverError(fault.status));
            return;
          }
          case 'throttle': {
            record('429');
            send(res, router.throttle(url));
            return;
          }
          case 'timeout': {
            record('timeout');
            const t = setTimeout(() => res.destroy(), fault.ms ?? 60_000);
            timers.add(t);
            return;
          }
          case 'expire_token':
            router.expireToken();
            break;
          case 'repeat': {
            const prev = lastReply.get(key);
            if (prev) {
              record(`${prev.status} (repeat)`);
              send(res, prev);
              return;
            }
            break;
          }
          default:
            break;
        }
        const reply = await router.handle({ url, req, body, n });
        if (reply.status === 200) lastReply.set(key, reply);
        if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
        if (fault?.kind === 'cut') {
          record('cut');
          const text = JSON.stringify(reply.body);
          res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...reply.headers });
          res.write(text.slice(0, Math.floor(text.length / 2)));
          setTimeout(() => res.destroy(), 5);
          return;
        }
        if (fault?.kind === 'truncated') {
          record('truncated');
          send(res, { ...reply, body: JSON.stringify(reply.body).slice(0, Math.max(1, Math.floor(JSON.stringify(reply.body).length * 0.7))) });
          return;
        }
        record(String(reply.status));
        send(res, reply);
      } catch (err) {
        send(res, { status: 500, body: { error: String(err) } });
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return count;
    },
    log,
    faultAt(n, fault) {
      planned.set(n, fault);
    },
    setFaultAll(fault) {
      always = fault;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export function bearerOf(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return typeof h === 'string' ? h : undefined;
}
