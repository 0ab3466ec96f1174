/**
 * Front-end performance in a real browser (issue 9): for the home page and a paper page of the demo corpus, served
 * by `paperboy serve` exactly as `npm start` does, Chromium reports
 * - JavaScript bytes over the wire (compressed, as sent) and uncompressed,
 * - Largest Contentful Paint (PerformanceObserver, buffered),
 * - Cumulative Layout Shift (layout-shift entries without recent input, summed as the page loads and for 1 s after),
 * - CSS bytes over the wire (one render-blocking stylesheet, plus KaTeX's on pages with math),
 * over several cold loads each (a new browser context per load: empty cache), with medians. Baseline, in the same
 * run: the same pages with the site's scripts blocked (what a visitor sees before app.js arrives, or without it); the
 * ratio of LCP with scripts to LCP without shows whether the enhancements delay the first render. The check that matters
 * for layout is CLS below 0.1 (Google's "good"); the budget for scripts is 30 kB compressed on a feed page.
 * Loopback only; needs Debian's Chromium at /usr/bin/chromium.
 */
import { paperWithMath, withDemoSite } from '../test/helpers/serve.js';
import { fmtInt, fmtMs, median, table } from './lib/stats.js';

const LOADS = Number(process.env.BENCH_LOADS ?? 7);
const tty = process.stderr.isTTY;
const progress = (msg: string) => (tty ? process.stderr.write(`\r\x1b[K${msg}`) : process.stderr.write(`${msg}\n`));


interface Load {
  jsWire: number;
  cssWire: number;
  jsBytes: number;
  scripts: number;
  lcpMs: number;
  cls: number;
  totalWire: number;
}

async function main() {
  progress('starting paperboy serve with the demo corpus (first start loads it into a fresh SQLite file)…');
  await withDemoSite(async ({ base, browser }) => {
    const paperId = await paperWithMath(base);
    const pages = [
      { name: 'home page', path: '/' },
      { name: `paper page (${paperId})`, path: `/papers/${paperId}` },
    ];
    const targets = pages.flatMap((p) => [
      { ...p, scripts: true },
      { ...p, name: `${p.name}, site scripts blocked (baseline)`, scripts: false },
    ]);
    const results = new Map<string, Load[]>();
    for (let round = 0; round < LOADS; round++) {
      for (const t of targets) {
        progress(`load ${round + 1}/${LOADS}: ${t.name}`);
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        const types = new Map<string, string>();
        let jsWire = 0;
        let cssWire = 0;
        let totalWire = 0;
        let scripts = 0;
        cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
        cdp.on('Network.loadingFinished', (e) => {
          totalWire += e.encodedDataLength;
          if (types.get(e.requestId) === 'Script') {
            jsWire += e.encodedDataLength;
            scripts++;
          }
          if (types.get(e.requestId) === 'Stylesheet') cssWire += e.encodedDataLength;
        });
        // Both variants go through the same interception, so that only the blocked scripts differ.
        await page.route('**/*', (route) => (!t.scripts && route.request().resourceType() === 'script' ? route.abort() : route.continue()));
        await page.addInitScript(() => {
          const w = window as unknown as { __lcp: number; __cls: number };
          w.__lcp = 0;
          w.__cls = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) w.__lcp = e.startTime;
          }).observe({ type: 'largest-contentful-paint', buffered: true });
          new PerformanceObserver((list) => {
            for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) w.__cls += e.value;
          }).observe({ type: 'layout-shift', buffered: true });
        });
        await page.goto(`${base}${t.path}`, { waitUntil: 'load' });
        await page.waitForTimeout(1000); // late shifts (fonts, math) count too
        const m = await page.evaluate(() => {
          const w = window as unknown as { __lcp: number; __cls: number };
          const js = performance.getEntriesByType('resource').filter((r) => (r as PerformanceResourceTiming).initiatorType === 'script') as PerformanceResourceTiming[];
          return { lcp: w.__lcp, cls: w.__cls, jsBytes: js.reduce((n, r) => n + r.decodedBodySize, 0) };
        });
        (results.get(t.name) ?? results.set(t.name, []).get(t.name)!).push({ jsWire, cssWire, jsBytes: m.jsBytes, scripts, lcpMs: m.lcp, cls: m.cls, totalWire });
        await context.close();
      }
    }
    if (tty) process.stderr.write('\r\x1b[K');
    const rows = [...results.entries()].map(([name, loads]) => [
      name,
      String(median(loads.map((l) => l.scripts))),
      `${fmtInt(median(loads.map((l) => l.jsWire)))} B`,
      `${fmtInt(median(loads.map((l) => l.jsBytes)))} B`,
      `${fmtInt(median(loads.map((l) => l.cssWire)))} B`,
      `${fmtInt(median(loads.map((l) => l.totalWire)) / 1024)} kB`,
      fmtMs(median(loads.map((l) => l.lcpMs))),
      median(loads.map((l) => l.cls)).toFixed(4),
      Math.max(...loads.map((l) => l.cls)).toFixed(4),
    ]);
    console.log(`\nFront-end performance, ${LOADS} cold loads each at 1280×900 (medians; Chromium ${browser.version()}, loopback, demo corpus)`);
    console.log(table(['page', 'scripts', 'JS on the wire', 'JS uncompressed', 'CSS on the wire', 'all bytes', 'LCP ms', 'CLS', 'CLS worst'], rows, 1));
    for (const p of pages) {
      const lcp = (name: string) => median(results.get(name)!.map((l) => l.lcpMs));
      const ratio = lcp(p.name) / lcp(`${p.name}, site scripts blocked (baseline)`);
      console.log(`${p.name}: LCP with the site's scripts / without them = ${ratio.toFixed(2)}×`);
    }
    const worstCls = Math.max(...[...results.values()].flat().map((l) => l.cls));
    const worstJs = Math.max(...[...results.values()].flat().map((l) => l.jsWire));
    console.log(`\ncheck: CLS below 0.1 on every load: ${worstCls < 0.1 ? 'PASS' : 'FAIL'} (worst ${worstCls.toFixed(4)})`);
    console.log(`check: JavaScript under 30 kB compressed: ${worstJs < 30 * 1024 ? 'PASS' : 'FAIL'} (largest ${fmtInt(worstJs)} B)`);
    if (worstCls >= 0.1) process.exitCode = 1;
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
