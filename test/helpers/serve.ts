/**
 * Running `paperboy serve` as a user does (a real child process), and Debian's Chromium to look at it. No vitest here:
 * the benchmarks and scripts use this file too.
 */
import { type ChildProcess, type spawn, spawn as nodeSpawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const BIN = path.resolve(import.meta.dirname, '../../bin/paperboy.mjs');

/** Waits for `paperboy serve` to say where it listens; fails with its output when it exits or takes too long. */
export function serverUrl(child: ReturnType<typeof spawn>, timeoutMs = 45_000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving .* at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`serve did not start in ${timeoutMs / 1000} s: ${out}`)), timeoutMs);
  });
}

/**
 * `paperboy serve` as `npm start` runs it (SQLite, the bundled demo corpus loaded into a fresh data folder), on a free
 * loopback port, with the periodic jobs off; for the scripts and benchmarks that look at the real site.
 */
export async function startDemoServer(): Promise<{ base: string; child: ChildProcess }> {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'paperboy-demo-'));
  const child = nodeSpawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', data], {
    env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', DIGEST_JOB: '0', RECOMMENDATIONS_JOB: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { base: await serverUrl(child, 120_000), child }; // the first start loads the demo corpus
}

/** The first paper of the latest day with math in its abstract (KaTeX is the heaviest thing a page loads), else the first. */
export async function paperWithMath(base: string): Promise<string> {
  const daily = (await (await fetch(`${base}/api/daily_papers?limit=100`)).json()) as Array<{ paper: { id: string; summary: string } }>;
  return (daily.find((d) => /\$[^$]+\$/.test(d.paper.summary)) ?? daily[0]!).paper.id;
}

/** Debian's Chromium (`apt-get install -y chromium`; `npx playwright install` cannot download browsers here). */
export const CHROMIUM_PATH = process.env.PAPERBOY_CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const chromiumInstalled = fs.existsSync(CHROMIUM_PATH);

export async function launchBrowser(): Promise<Browser> {
  if (!chromiumInstalled) throw new Error(`Chromium is not at ${CHROMIUM_PATH}: apt-get install -y chromium (or set PAPERBOY_CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * The demo site (`startDemoServer`) and Chromium for `look`, both stopped afterwards whatever happens; for the scripts
 * and benchmarks that look at the real site in a browser.
 */
export async function withDemoSite<T>(look: (site: { base: string; browser: Browser }) => Promise<T>): Promise<T> {
  const { base, child } = await startDemoServer();
  try {
    const browser = await launchBrowser();
    try {
      return await look({ base, browser });
    } finally {
      await browser.close();
    }
  } finally {
    child.kill('SIGTERM');
  }
}
