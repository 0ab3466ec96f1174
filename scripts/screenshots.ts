/**
 * `npm run screenshots`: pictures of the real running site for the README (docs/screenshots/), so they never go
 * stale. Starts `paperboy serve` with the bundled demo corpus on a fresh data folder, as `npm start` would, and takes
 * them in Chromium (/usr/bin/chromium): the home page (desktop, and a phone in the dark theme), a paper page with
 * math, a search, and the daily digest email as its preview shows it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { paperWithMath, withDemoSite } from '../test/helpers/serve.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs/screenshots');

async function main() {
  process.stderr.write('starting paperboy serve with the demo corpus…\n');
  await withDemoSite(async ({ base, browser }) => {
    const withMath = await paperWithMath(base);
    const shots = [
      { file: 'home.png', path: '/', width: 1280, height: 900, scheme: 'light' as const },
      { file: 'home-phone-dark.png', path: '/', width: 390, height: 844, scheme: 'dark' as const },
      { file: 'paper.png', path: `/papers/${withMath}`, width: 1280, height: 900, scheme: 'light' as const },
      { file: 'search.png', path: '/search?q=diffusion%20models', width: 1280, height: 900, scheme: 'light' as const },
      { file: 'digest.png', path: '/digest/preview', width: 760, height: 1000, scheme: 'light' as const },
    ];
    fs.mkdirSync(OUT, { recursive: true });
    for (const s of shots) {
      const context = await browser.newContext({ viewport: { width: s.width, height: s.height }, colorScheme: s.scheme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const res = await page.goto(`${base}${s.path}`, { waitUntil: 'networkidle' });
      if (!res || res.status() >= 400) throw new Error(`${s.path} answered ${res?.status()}`);
      await page.screenshot({ path: path.join(OUT, s.file) });
      await context.close();
      process.stderr.write(`docs/screenshots/${s.file} (${s.path}, ${s.width}×${s.height}, ${s.scheme})\n`);
    }
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
