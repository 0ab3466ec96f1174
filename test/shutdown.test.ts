/**
 * Graceful shutdown of `paperboy serve` (issue 8): on SIGTERM it stops taking connections, finishes the request in
 * flight (here one whose body is still arriving), then stops its jobs, closes the database and exits 0.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/app.js';
import { BIN, serverUrl } from './helpers/serve.js';



const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('paperboy serve on SIGTERM', () => {
  it('finishes the request in flight, refuses new connections, and exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', tempDir(), '--no-demo'], {
      env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '' },
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = new URL(await serverUrl(child));
      expect((await fetch(`${url.origin}/readyz`)).status).toBe(200);
      // A request whose body is only half sent when the signal comes.
      const socket = net.connect(Number(url.port), url.hostname);
      await new Promise((r) => socket.once('connect', r));
      let answer = '';
      socket.on('data', (c: Buffer) => (answer += c.toString()));
      const body = 'email=someone%40example.org';
      socket.write(`POST /auth/signin HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`);
      await wait(300);
      child.kill('SIGTERM');
      await wait(500);
      // No new connections once shutdown has begun.
      await expect(fetch(`${url.origin}/healthz`)).rejects.toThrow();
      expect(child.exitCode).toBeNull(); // still finishing the request in flight
      socket.write(body.slice(10));
      await new Promise((r) => socket.once('close', r));
      expect(answer).toMatch(/^HTTP\/1\.1 (200|303|403) /);
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
