import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server that can be stopped and started again on the same port (a SIEM going down and back up). */
export class RestartableServer {
  private server: Server | null = null;
  port = 0;
  /** Each request waits this long before it is handled (to catch a sender mid-delivery). */
  delayMs = 0;
  readonly requestListeners: ((path: string) => void)[] = [];

  constructor(private readonly handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>) {}

  async start(): Promise<number> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        for (const l of this.requestListeners) l(req.url ?? '/');
        setTimeout(() => {
          Promise.resolve(this.handler(req, Buffer.concat(chunks), res)).catch((err) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(String(err));
          });
        }, this.delayMs);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this.port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A free loopback port (bind to 0, read it, release it). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
