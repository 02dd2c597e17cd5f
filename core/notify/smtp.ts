/**
 * A minimal SMTP client on node:net/node:tls (RFC 5321): EHLO, STARTTLS when offered and wanted,
 * AUTH PLAIN when credentials are set, one message to one or more recipients. Enough to notify; no
 * pipelining, no attachments.
 */
import net from 'node:net';
import tls from 'node:tls';
import os from 'node:os';

/** Where and how to send. */
export interface SmtpOptions {
  host: string;
  port: number;
  starttls: boolean;
  from: string;
  to: string[];
  user?: string;
  password?: string;
  timeoutMs?: number;
  /** Extra TLS options (tests pass a self-signed CA). */
  tls?: tls.ConnectionOptions;
}

/** Sends one plain-text message. Rejects with the server's reply when a command is refused. */
export async function sendMail(opts: SmtpOptions, subject: string, text: string): Promise<void> {
  let socket: net.Socket | tls.TLSSocket = net.connect({ host: opts.host, port: opts.port });
  socket.setTimeout(opts.timeoutMs ?? 15_000);
  let buffer = '';
  let waiter: { resolve: (r: { code: number; lines: string[] }) => void; reject: (e: Error) => void } | null = null;
  let failure: Error | null = null;
  const fail = (e: Error) => {
    failure ??= e;
    waiter?.reject(e);
    waiter = null;
  };
  const attach = (s: net.Socket) => {
    s.on('data', (d: Buffer) => {
      buffer += d.toString('utf8');
      tryResolve();
    });
    s.on('error', fail);
    s.on('timeout', () => {
      fail(new Error('SMTP server timed out'));
      s.destroy();
    });
    s.on('close', () => fail(new Error('SMTP connection closed')));
  };
  // A reply is complete when a line has a space (not a dash) after its three-digit code.
  const tryResolve = () => {
    if (!waiter) return;
    const lines = buffer.split('\r\n');
    for (let i = 0; i < lines.length - 1; i++) {
      if (/^\d{3} /.test(lines[i]) || /^\d{3}$/.test(lines[i])) {
        const reply = lines.slice(0, i + 1);
        buffer = lines.slice(i + 1).join('\r\n');
        const w = waiter;
        waiter = null;
        w.resolve({ code: Number(lines[i].slice(0, 3)), lines: reply });
        return;
      }
    }
  };
  const read = () =>
    new Promise<{ code: number; lines: string[] }>((resolve, reject) => {
      if (failure) return reject(failure);
      waiter = { resolve, reject };
      tryResolve();
    });
  const cmd = async (line: string | null, expect: number[]) => {
    if (line !== null) socket.write(`${line}\r\n`);
    const r = await read();
    if (!expect.includes(r.code)) throw new Error(`SMTP ${line?.split(' ')[0] ?? 'greeting'} refused: ${r.lines.join(' | ')}`);
    return r;
  };
  attach(socket);
  try {
    await cmd(null, [220]);
    const name = os.hostname() || 'watchfloor';
    let ehlo = await cmd(`EHLO ${name}`, [250]);
    if (opts.starttls && ehlo.lines.some((l) => /STARTTLS/i.test(l))) {
      await cmd('STARTTLS', [220]);
      socket.removeAllListeners('data').removeAllListeners('close').removeAllListeners('error').removeAllListeners('timeout');
      const plain = socket;
      socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
        const t = tls.connect({ socket: plain, servername: opts.host, ...opts.tls }, () => resolve(t));
        t.once('error', reject);
      });
      socket.setTimeout(opts.timeoutMs ?? 15_000);
      attach(socket);
      ehlo = await cmd(`EHLO ${name}`, [250]);
    }
    if (opts.user && opts.password) {
      const token = Buffer.from(`\u0000${opts.user}\u0000${opts.password}`).toString('base64');
      await cmd(`AUTH PLAIN ${token}`, [235]);
    }
    await cmd(`MAIL FROM:<${opts.from}>`, [250]);
    for (const to of opts.to) await cmd(`RCPT TO:<${to}>`, [250, 251]);
    await cmd('DATA', [354]);
    const headers = [
      `From: ${opts.from}`,
      `To: ${opts.to.join(', ')}`,
      `Subject: ${subject.replace(/[\r\n]+/g, ' ')}`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
    ];
    // Dot-stuffing: a line starting with '.' gets another one, so it cannot end the message early.
    const body = text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    await cmd(`${headers.join('\r\n')}\r\n\r\n${body}\r\n.`, [250]);
    await cmd('QUIT', [221]).catch(() => undefined);
  } finally {
    socket.destroy();
  }
}
