import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

/**
 * A real rsyslogd (Debian package `rsyslog`) started for a test: its own configuration, loopback
 * ports for imudp and imtcp, no privileges (`-n` foreground, `-i` pidfile in the temp dir), writing
 * every received message as one JSON object per line (rsyslog's own `jsonf` encoding) with the
 * fields rsyslog parsed (PRI, hostname, app-name, structured data, msg) and the raw message.
 * Control characters are kept as received (`parser.escapeControlCharactersOnReceive="off"`) so the
 * test sees exactly what arrived.
 */
export const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => existsSync(p)) ?? null;

export interface RsyslogRecord {
  input: string;
  pri: string;
  hostname: string;
  app: string;
  procid: string;
  msgid: string;
  sd: string;
  msg: string;
  raw: string;
}

export class Rsyslog {
  private proc: ChildProcess | null = null;
  readonly out: string;

  constructor(readonly dir: string, readonly udpPort: number, readonly tcpPort: number) {
    this.out = join(dir, 'received.jsonl');
  }

  config(): string {
    return `global(workDirectory="${this.dir}" maxMessageSize="64k" parser.escapeControlCharactersOnReceive="off")
module(load="imudp")
module(load="imtcp")
template(name="idtrail_test_json" type="list" option.jsonf="on") {
  property(outname="input" name="inputname" format="jsonf")
  property(outname="pri" name="pri" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="raw" name="rawmsg" format="jsonf")
}
input(type="imudp" address="127.0.0.1" port="${this.udpPort}")
input(type="imtcp" address="127.0.0.1" port="${this.tcpPort}")
action(type="omfile" file="${this.out}" template="idtrail_test_json")
`;
  }

  async start(): Promise<void> {
    if (!RSYSLOGD) throw new Error('rsyslogd is not installed (apt-get install -y rsyslog)');
    const conf = join(this.dir, 'rsyslog.conf');
    writeFileSync(conf, this.config());
    const check = spawnSync(RSYSLOGD, ['-N1', '-f', conf], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`rsyslog rejected its configuration: ${check.stderr}`);
    this.proc = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(this.dir, 'rsyslogd.pid')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    this.proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await tcpOpen(this.tcpPort))) {
      if (this.proc.exitCode !== null) throw new Error(`rsyslogd exited: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`rsyslogd did not listen on ${this.tcpPort}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // imudp binds in the same startup step as imtcp; give it a moment.
    await new Promise((r) => setTimeout(r, 200));
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  }

  records(): RsyslogRecord[] {
    if (!existsSync(this.out)) return [];
    return readFileSync(this.out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as RsyslogRecord);
  }

  async waitFor(n: number, timeoutMs = 10_000): Promise<RsyslogRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = this.records();
      if (r.length >= n || Date.now() > deadline) return r;
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}
