/** Outgoing mail: a real SMTP server on loopback (smtp-server) receives what the SMTP mailer sends; the outbox writes .eml files. */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../src/mail/mailer.js';
import { tempDir } from './helpers/app.js';

describe('SMTP mailer against a real SMTP server', () => {
  const received: Array<{ from: string; to: string[]; raw: Buffer; user: string | undefined }> = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      secure: false,
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth(auth, _session, cb) {
        if (auth.username === 'paperboy' && auth.password === 's3cr:t/') cb(null, { user: auth.username });
        else cb(new Error('Invalid username or password'));
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
            user: session.user as string | undefined,
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('authenticates and delivers text, HTML and extra headers', async () => {
    const mailer = createMailer({ smtpUrl: `smtp://paperboy:${encodeURIComponent('s3cr:t/')}@127.0.0.1:${port}`, from: 'Paperboy <news@example.org>', outboxDir: tempDir() });
    const sent = await mailer.send({
      to: 'ada@example.org',
      subject: 'Sign in to Paperboy',
      text: 'Open https://paperboy.example/auth/abc to sign in.',
      html: '<p><a href="https://paperboy.example/auth/abc">Sign in</a></p>',
      headers: { 'List-Unsubscribe': '<https://paperboy.example/unsubscribe/x>' },
    });
    mailer.close();
    expect(sent.via).toBe('smtp');
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail).toMatchObject({ from: 'news@example.org', to: ['ada@example.org'], user: 'paperboy' });
    const parsed = await simpleParser(mail!.raw);
    expect(parsed.subject).toBe('Sign in to Paperboy');
    expect(parsed.text).toContain('https://paperboy.example/auth/abc');
    expect(parsed.html).toContain('<a href="https://paperboy.example/auth/abc">');
    expect(mail!.raw.toString()).toMatch(/^List-Unsubscribe: <https:\/\/paperboy\.example\/unsubscribe\/x>$/m);
  });

  it('fails with the server\'s reason on wrong credentials', async () => {
    const mailer = createMailer({ smtpUrl: `smtp://paperboy:wrong@127.0.0.1:${port}`, from: 'p@example.org', outboxDir: tempDir() });
    await expect(mailer.send({ to: 'ada@example.org', subject: 's', text: 't' })).rejects.toThrow(/Invalid username or password/);
    mailer.close();
  });
});

describe('outbox mailer (no SMTP server configured)', () => {
  it('writes one readable .eml file per message and says where', async () => {
    const dir = path.join(tempDir(), 'outbox');
    const logs: string[] = [];
    const mailer = createMailer({ smtpUrl: null, from: 'Paperboy <paperboy@localhost>', outboxDir: dir, log: (m) => logs.push(m) });
    const a = await mailer.send({ to: 'ada@example.org', subject: 'Héllo ∑', text: 'first' });
    const b = await mailer.send({ to: 'alan@example.org', subject: 'Second', text: 'second', html: '<b>second</b>' });
    mailer.close();
    const files = fs.readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.endsWith('.eml'))).toBe(true);
    expect([a.via, b.via].sort()).toEqual(files.map((f) => path.join(dir, f)));
    const parsed = await simpleParser(fs.readFileSync(a.via));
    expect(parsed.subject).toBe('Héllo ∑');
    expect(parsed.to && 'text' in parsed.to ? parsed.to.text : '').toBe('ada@example.org');
    expect(logs[0]).toContain(a.via);
  });
});
