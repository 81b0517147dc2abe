import { createServer, type Server, type Socket } from 'node:net';

/**
 * A syslog-over-TCP receiver with RFC 6587 octet-counted framing (`MSG-LEN SP SYSLOG-MSG`) that can
 * hold each connection open for a while after the sender finished (to catch a sender mid-delivery)
 * and be stopped and restarted on the same port.
 */
export class SyslogTcpReceiver {
  readonly messages: string[] = [];
  readonly connectionListeners: (() => void)[] = [];
  holdMs = 0;
  private server: Server | null = null;
  private sockets = new Set<Socket>();

  constructor(public port: number) {}

  async start(): Promise<void> {
    const server = createServer((sock) => {
      this.sockets.add(sock);
      sock.on('close', () => this.sockets.delete(sock));
      for (const l of this.connectionListeners) l();
      let buf = Buffer.alloc(0);
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        for (;;) {
          const sp = buf.indexOf(0x20);
          if (sp < 0) break;
          const len = Number(buf.subarray(0, sp).toString('ascii'));
          if (!Number.isInteger(len)) throw new Error(`bad octet count ${buf.subarray(0, sp).toString()}`);
          if (buf.length < sp + 1 + len) break;
          this.messages.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
          buf = buf.subarray(sp + 1 + len);
        }
      });
      sock.on('end', () => setTimeout(() => sock.end(), this.holdMs));
      sock.on('error', () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
