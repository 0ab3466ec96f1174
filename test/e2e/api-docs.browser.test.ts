/**
 * The interactive API documentation in real Chromium: /api/docs loads Swagger UI from our own files under the site's
 * content security policy (no CDN, no CSP violation), renders every operation of the OpenAPI document, and expands one.
 * Skipped with a message when Chromium is missing, unless PAPERBOY_REQUIRE_BROWSER=1 (then it fails).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededApp } from '../helpers/app.js';
import { browserSuite, listen, useBrowser, VIEWPORTS } from '../helpers/browser.js';

describe.skipIf(browserSuite.skip).each(VIEWPORTS)(browserSuite.title('browser: API documentation at /api/docs ($name)'), (viewport) => {
  let server: { baseUrl: string; close: () => Promise<void> } | undefined;
  let operations = 0;

  beforeAll(async () => {
    const { app } = await seededApp();
    const doc = (await app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    server = await listen(app);
  });
  afterAll(async () => {
    await server?.close();
  });

  const browser = useBrowser(() => server!.baseUrl, { viewport });

  it('renders every operation of the document, from local files, without a CSP violation', async () => {
    const { page } = browser;
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server!.baseUrl) && !r.url().startsWith('data:')) external.push(r.url());
    });
    const res = await page.goto('/api/docs');
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('.opblock').count()).toBe(operations);
    expect(await page.locator('.info .title').innerText()).toContain('Paperboy API');
    // Open one operation: its parameters and responses render.
    await page.locator('#operations-feed-feed .opblock-summary').click();
    await page.locator('#operations-feed-feed .parameters').waitFor();
    expect(await page.locator('#operations-feed-feed').innerText()).toContain('cursor');
    expect(external).toEqual([]);
    expect(browser.problems.errors, browser.problems.errors.join("\n")).toEqual([]);
  });
});
