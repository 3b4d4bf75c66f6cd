import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

interface Received {
  to: string;
  subject: string;
  text: string;
}

/** A real SMTP server on loopback that records every mail (workflow suites). */
export async function startSmtp() {
  const mails: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      simpleParser(stream)
        .then((m) => {
          for (const t of to) mails.push({ to: t, subject: m.subject ?? '', text: m.text ?? '' });
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  const to = (address: string) => mails.filter((m) => m.to === address.toLowerCase());
  return { url: `smtp://127.0.0.1:${port}`, mails, to, close: () => new Promise<void>((r) => server.close(() => r())) };
}
