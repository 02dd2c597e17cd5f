/**
 * Syslog receiver: UDP and TCP on one port, RFC 3164 and RFC 5424 messages (told apart per message).
 * TCP accepts both framings of RFC 6587: octet counting (`LEN SP MSG`) and newline-delimited.
 * Messages become LogRecords (entity `host:<hostname>`, service = app name) and are handed over in
 * small batches; a message that parses as neither format is kept whole as the body, from the
 * sender's address.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { resolveLineFormat } from '../analytics/logs/header-format.ts';
import { entityId, type LogRecord } from '../common/records.ts';
import type { Logger } from '../log.ts';

/** Receiver settings. */
export interface SyslogOptions {
  host: string;
  /** Port for both UDP and TCP; 0 picks a port free for both. */
  port: number;
  /** Takes one batch; resolves once it is stored. */
  onBatch: (logs: LogRecord[]) => Promise<void>;
  log: Logger;
  /** Most records per batch (default 2000) and longest wait before a partial batch goes (default 100 ms). */
  batchSize?: number;
  batchMs?: number;
}

/** Longest accepted message; longer TCP frames are cut here (RFC 5425 asks for at least 2048 octets). */
const MAX_MESSAGE = 64 * 1024;
const SYSLOG = resolveLineFormat('syslog');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Event time of a syslog timestamp; RFC 3164 has no year or zone: the current year, UTC, not in the future. */
export function syslogTime(stamp: string | undefined, received: number): number {
  if (!stamp || stamp === '-') return received;
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)$/.exec(stamp);
  if (m) {
    const month = MONTHS.indexOf(m[1]!);
    if (month < 0) return received;
    const year = new Date(received).getUTCFullYear();
    let t = Date.UTC(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    if (t > received + 86_400_000) t = Date.UTC(year - 1, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    return t;
  }
  const t = Date.parse(stamp);
  return Number.isFinite(t) ? t : received;
}

/** One syslog message → a LogRecord. `peer` names the sender when the message does not. */
export function parseSyslogMessage(message: string, peer: string, received: number): LogRecord {
  const text = message.replace(/[\r\n]+$/, '');
  const p = SYSLOG.parse(text);
  if (!p) {
    return { ts: received, entity: entityId('host', peer), service: null, host: peer, severity: 'INFO', body: text, traceId: null, spanId: null, attributes: { 'syslog.parsed': false } };
  }
  const f = p.fields;
  const host = f.Host && f.Host !== '-' ? f.Host : peer;
  const app = f.App && f.App !== '-' ? f.App : null;
  const attributes: Record<string, string | number | boolean | null> = {};
  if (f.Facility !== undefined) attributes['syslog.facility'] = Number(f.Facility);
  if (f.Pid && f.Pid !== '-') attributes['syslog.procid'] = f.Pid;
  if (f.MsgId && f.MsgId !== '-') attributes['syslog.msgid'] = f.MsgId;
  if (f.StructuredData) attributes['syslog.structured_data'] = f.StructuredData;
  return {
    ts: syslogTime(f.Timestamp, received),
    entity: entityId('host', host),
    service: app,
    host,
    severity: (f.Level ?? 'info').toUpperCase(),
    body: p.content,
    traceId: null,
    spanId: null,
    attributes,
  };
}

/**
 * Splits a TCP byte stream into messages (RFC 6587): a frame starting with digits and a space is
 * octet-counted, anything else runs to the next LF. Returns the messages and the unconsumed rest.
 */
export function splitTcpFrames(buf: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let i = pos;
    while (i < buf.length && i - pos < 6 && buf[i]! >= 48 && buf[i]! <= 57) i++;
    if (i > pos && i < buf.length && buf[i] === 32) {
      const len = Number(buf.subarray(pos, i).toString('latin1'));
      if (i + 1 + len > buf.length) break;
      messages.push(buf.subarray(i + 1, i + 1 + Math.min(len, MAX_MESSAGE)).toString('utf8'));
      pos = i + 1 + len;
      continue;
    }
    if (i === buf.length && i > pos) break;
    const nl = buf.indexOf(10, pos);
    if (nl < 0) {
      if (buf.length - pos > MAX_MESSAGE) {
        messages.push(buf.subarray(pos, pos + MAX_MESSAGE).toString('utf8'));
        pos = buf.length;
      }
      break;
    }
    const line = buf.subarray(pos, nl).toString('utf8');
    if (line.trim()) messages.push(line.slice(0, MAX_MESSAGE));
    pos = nl + 1;
  }
  return { messages, rest: buf.subarray(pos) };
}

/** A running receiver. */
export class SyslogReceiver {
  private pending: LogRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inflight: Promise<void> = Promise.resolve();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly opts: SyslogOptions,
    private readonly udp: UdpSocket,
    private readonly tcp: Server,
    /** The port both listen on. */
    readonly port: number,
  ) {}

  /** Binds UDP and TCP to the same port (retrying a few free ports when asked for 0). */
  static async start(opts: SyslogOptions): Promise<SyslogReceiver> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const tcp = createServer();
      const tcpPort = await new Promise<number>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(opts.port, opts.host, () => resolve((tcp.address() as { port: number }).port));
      });
      const udp = createSocket(opts.host.includes(':') ? 'udp6' : 'udp4');
      const ok = await new Promise<boolean>((resolve) => {
        udp.once('error', () => resolve(false));
        udp.bind(tcpPort, opts.host, () => resolve(true));
      });
      if (ok) {
        const r = new SyslogReceiver(opts, udp, tcp, tcpPort);
        r.listen();
        return r;
      }
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      if (opts.port !== 0) throw new Error(`syslog: UDP port ${tcpPort} is in use`);
    }
    throw new Error('syslog: no port free for both UDP and TCP');
  }

  private listen(): void {
    this.udp.on('message', (msg, rinfo) => this.add(msg.toString('utf8'), rinfo.address));
    this.udp.on('error', (err) => this.opts.log('warn', 'syslog UDP error', { error: err.message }));
    this.tcp.on('connection', (sock) => {
      this.sockets.add(sock);
      let buf: Buffer = Buffer.alloc(0);
      const peer = sock.remoteAddress ?? 'unknown';
      sock.on('data', (chunk: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        const { messages, rest } = splitTcpFrames(buf);
        buf = rest;
        for (const m of messages) this.add(m, peer);
      });
      sock.on('end', () => {
        // A last newline-less message is complete when the sender closes.
        const tail = buf.toString('utf8').trim();
        if (tail) this.add(tail, peer);
        buf = Buffer.alloc(0);
      });
      sock.on('error', () => undefined);
      sock.on('close', () => this.sockets.delete(sock));
    });
  }

  private add(message: string, peer: string): void {
    if (!message.trim()) return;
    this.pending.push(parseSyslogMessage(message, peer, Date.now()));
    if (this.pending.length >= (this.opts.batchSize ?? 2000)) this.flushPending();
    else this.timer ??= setTimeout(() => this.flushPending(), this.opts.batchMs ?? 100);
  }

  private flushPending(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (!batch.length) return;
    // Batches go in arrival order, one at a time.
    this.inflight = this.inflight.then(() =>
      this.opts.onBatch(batch).catch((err: unknown) => this.opts.log('error', 'syslog batch not stored', { records: batch.length, error: String(err) })),
    );
  }

  /** Resolves once everything received so far has been handed over and stored. */
  async drain(): Promise<void> {
    this.flushPending();
    await this.inflight;
  }

  /** Stops listening, then hands over what is pending. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    await this.drain();
  }
}
