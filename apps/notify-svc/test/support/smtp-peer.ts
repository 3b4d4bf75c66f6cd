import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail the peer took: the parsed message, its envelope recipients (lowercased) and when it arrived. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  /** `now()` when the mail arrived (a test may pass its own clock). */
  at: number;
  parsed: ParsedMail;
}

export interface SmtpPeerOptions {
  /** A reply code (e.g. 550, 450) that refuses this recipient; null takes it. */
  rcptCode?: (to: string) => number | null;
  /** The clock stamped on each received mail. */
  now?: () => number;
}

const refuse = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/**
 * The one real SMTP server on loopback the notify suites send to. It records every mail taken (in
 * `mails` one entry per envelope recipient, in `messages` one per message); `tries` counts every
 * MAIL FROM and `connections` every connection opened; while `down` it answers 421 (service not
 * available: a temporary refusal that takes nothing). A client that drops the connection (a
 * SIGKILLed worker mid-send) is ignored, as a real server would.
 */
export async function startSmtp(options: SmtpPeerOptions = {}) {
  const now = options.now ?? Date.now;
  const mails: ReceivedMail[] = [];
  /** Every message taken, once (however many recipients it had). */
  const messages: ParsedMail[] = [];
  const state = { down: false, tries: 0, connections: 0 };
  const server = new SMTPServer({
    onConnect(_session, cb) {
      state.connections++;
      cb();
    },
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onMailFrom(_address, _session, cb) {
      state.tries++;
      if (state.down) return cb(refuse(421, 'service not available, try later'));
      cb();
    },
    onRcptTo(address, _session, cb) {
      const code = options.rcptCode?.(address.address);
      if (code) return cb(refuse(code, `refused with ${code}`));
      cb();
    },
    onData(stream, session, cb) {
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      simpleParser(stream)
        .then((m) => {
          messages.push(m);
          for (const t of to) mails.push({ to: t, subject: m.subject ?? '', text: m.text ?? '', at: now(), parsed: m });
          cb();
        })
        .catch(cb);
    },
  });
  // smtp-server emits a connection's socket errors (ECONNRESET from a killed client) on the server:
  // without a listener they would be thrown in the test process.
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    messages,
    /** Mails to one address. */
    to: (address: string) => mails.filter((m) => m.to === address.toLowerCase()),
    /** How many mails each address received. */
    countBy: () => {
      const n = new Map<string, number>();
      for (const m of mails) n.set(m.to, (n.get(m.to) ?? 0) + 1);
      return n;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
