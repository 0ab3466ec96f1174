import { it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { seededApp, tempDir } from './helpers/app.js';
import { CHROMIUM_ARGS, listen } from './helpers/browser.js';
it('shots', async () => {
  const file = path.join(tempDir(), 'math.jsonl');
  fs.writeFileSync(file, JSON.stringify({ id: '2509.99001', title: 'Sharp bounds for $\\ell_p$ regression with $O(\\sqrt{n})$ queries', abstract: 'We show that $\\ell_p$ regression needs $O(\\sqrt{n}\\log n)$ queries: $$\\min_x \\|Ax-b\\|_p^p = \\sum_{i=1}^n |a_i^\\top x - b_i|^p.$$ This bounds regression.', authors: ['Ada Lovelace', 'Alan Turing'], categories: ['math.OC', 'cs.LG'], published: '2025-09-25', upvotes: 7 }));
  const { app } = await seededApp({ files: [file] });
  const s = await listen(app);
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const urls = (process.env.SHOT_URLS ?? '/search|/search?q=grokking').split('|');
  for (const [w, tag] of [[1200, 'wide'], [390, 'narrow']] as const) {
    const ctx = await b.newContext({ viewport: { width: w, height: 900 }, colorScheme: (process.env.SHOT_SCHEME as 'dark' | 'light') ?? 'light' });
    const page = await ctx.newPage();
    page.on('console', (m) => console.log('console', m.type(), m.text()));
    for (const [i, u] of urls.entries()) {
      await page.goto(s.baseUrl + u);
      await page.screenshot({ path: `/tmp/shots/${tag}-${i}.png`, fullPage: process.env.SHOT_FULL === '1' });
    }
    await ctx.close();
  }
  await b.close(); await s.close();
}, 60000);
