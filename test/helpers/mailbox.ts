/** A real SMTP server on 127.0.0.1 (smtp-server) that keeps what it receives, parsed with mailparser. */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Mailbox {
  /** smtp://127.0.0.1:PORT for SMTP_URL. */
  url: string;
  messages: ParsedMail[];
  /** The next message to `to` not returned before (waiting for it up to `timeoutMs`). */
  waitFor(to: string, timeoutMs?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

export interface MailboxOptions {
  /** An SMTP reply code to refuse a recipient with (e.g. 451 temporary, 550 permanent), or 0 to accept. */
  reject?: (recipient: string, attempt: number) => number;
}

export async function startMailbox(opts: MailboxOptions = {}): Promise<Mailbox> {
  const messages: ParsedMail[] = [];
  const attempts = new Map<string, number>();
  const taken = new Set<ParsedMail>();
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, cb) {
      const to = address.address.toLowerCase();
      const attempt = (attempts.get(to) ?? 0) + 1;
      attempts.set(to, attempt);
      const code = opts.reject?.(to, attempt) ?? 0;
      if (!code) return cb();
      const err = new Error(code >= 500 ? 'No such user here' : 'Mailbox busy, try again later') as Error & { responseCode: number };
      err.responseCode = code;
      cb(err);
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const addressedTo = (m: ParsedMail, to: string) => {
    const list = Array.isArray(m.to) ? m.to : m.to ? [m.to] : [];
    return list.some((a) => a.value.some((v) => v.address?.toLowerCase() === to.toLowerCase()));
  };
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(to, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const next = messages.find((m) => !taken.has(m) && addressedTo(m, to));
        if (next) {
          taken.add(next);
          return next;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
