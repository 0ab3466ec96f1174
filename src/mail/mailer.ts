/**
 * Outgoing mail through nodemailer: an SMTP server when SMTP_URL is set, otherwise (development) one `.eml` file per
 * message in the outbox folder, whose path is logged so a developer can open the sign-in link or the digest.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
  /** A Message-ID of our choosing (digests: one per edition and subscriber, so any copy is recognisably the same mail). */
  messageId?: string;
}

export interface SentMail {
  messageId: string;
  /** `smtp` or the path of the written .eml file. */
  via: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<SentMail>;
  close(): void;
}

export interface MailerOptions {
  smtpUrl: string | null;
  from: string;
  outboxDir: string;
  log?: (msg: string) => void;
  /** SMTP timeouts (ms). */
  timeoutMs?: number;
  /** Keep up to this many SMTP connections open and reuse them (bulk sending). */
  pool?: number;
  /** Development outbox: do not log every message (bulk sending). */
  quiet?: boolean;
}

/**
 * Whether a failed send may succeed later: SMTP 4xx answers (greylisting, mailbox busy, rate limits) and connection
 * failures are temporary; 5xx answers (no such user, rejected) are permanent (RFC 5321 §4.2.1).
 */
export function isTemporaryMailError(e: unknown): boolean {
  const code = (e as { responseCode?: unknown }).responseCode;
  if (typeof code === 'number') return code < 500;
  return true; // no SMTP answer at all: the connection failed or timed out
}

export function createMailer(opts: MailerOptions): Mailer {
  return opts.smtpUrl
    ? new SmtpMailer(opts.smtpUrl, opts.from, opts.timeoutMs ?? 30_000, opts.pool ?? 0)
    : new OutboxMailer(opts.outboxDir, opts.from, opts.quiet ? () => {} : (opts.log ?? (() => {})));
}

class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
    timeoutMs: number,
    pool: number,
  ) {
    const u = new URL(url);
    this.transport = nodemailer.createTransport({
      ...(pool > 0 ? { pool: true, maxConnections: pool, maxMessages: Infinity } : {}),
      host: u.hostname,
      port: Number(u.port) || (u.protocol === 'smtps:' ? 465 : 587),
      secure: u.protocol === 'smtps:',
      auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(m: MailMessage): Promise<SentMail> {
    // Quoted-printable stated up front: nodemailer would otherwise scan every part to choose an encoding.
    const info = await this.transport.sendMail({ from: this.from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers, messageId: m.messageId, textEncoding: 'quoted-printable' });
    return { messageId: info.messageId, via: 'smtp' };
  }

  close(): void {
    this.transport.close();
  }
}

class OutboxMailer implements Mailer {
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    private readonly dir: string,
    private readonly from: string,
    private readonly log: (msg: string) => void,
  ) {}

  async send(m: MailMessage): Promise<SentMail> {
    const info = await this.transport.sendMail({ from: this.from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers, messageId: m.messageId });
    fs.mkdirSync(this.dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = path.join(this.dir, `${stamp}-${crypto.randomBytes(4).toString('hex')}.eml`);
    // Written whole, then renamed: a reader never sees half a message.
    fs.writeFileSync(`${file}.tmp`, info.message as Buffer);
    fs.renameSync(`${file}.tmp`, file);
    this.log(`mail to ${m.to} ("${m.subject}") written to ${file} (no SMTP_URL set)`);
    return { messageId: info.messageId, via: file };
  }

  close(): void {
    this.transport.close();
  }
}
