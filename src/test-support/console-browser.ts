/**
 * The owner's console in a real browser for tests: Debian's chromium through puppeteer-core (its
 * own browser download does not work offline), a composed service on loopback, and every page's
 * console errors, failed responses and outgoing requests recorded for the test to inspect.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { consoleRoot } from '../http/console.js';
import { testService } from './service.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** False when the browser is here; in CI it must be (the test fails rather than skips). */
export const skipWithoutBrowser = (): string | false =>
  fs.existsSync(CHROMIUM) || process.env.CI ? false : `no browser at ${CHROMIUM} (apt-get install chromium)`;

export const screenshotDir = () =>
  process.env.UVM_SCREENSHOTS === '1' ? path.resolve('docs/screenshots') : null;

export interface RecordedPage {
  page: Page;
  problems: string[];
  requests: { url: string; body: string; type: string }[];
}

export async function consoleUnderTest(overrides: Record<string, unknown>) {
  if (!fs.existsSync(path.join(consoleRoot(), 'index.html')))
    execFileSync('npm', ['run', 'build:web'], { stdio: 'inherit' });
  const svc = await testService({ 'edgeApi.port': 0, 'jobs.pollIntervalMs': 20, ...overrides });
  await svc.service.edges.start();
  svc.service.jobs.runner.start();
  await svc.service.http.listen({ host: '127.0.0.1', port: 0 });
  const { port } = svc.service.http.server.address() as { port: number };
  const browser: Browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    svc,
    browser,
    base,
    async open(width = 1100, height = 800): Promise<RecordedPage> {
      const page = await browser.newPage();
      await page.setViewport({ width, height });
      const problems: string[] = [];
      const requests: RecordedPage['requests'] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(String(e)));
      page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
      page.on('request', (r) =>
        requests.push({ url: r.url(), body: r.postData() ?? '', type: r.headers()['content-type'] ?? '' }),
      );
      return { page, problems, requests };
    },
    /** Signs in with the token on a fresh page at `/`. */
    async signIn(p: RecordedPage, token: string): Promise<void> {
      await p.page.goto(`${base}/`);
      await p.page.waitForSelector('#token');
      await p.page.type('#token', token);
      await p.page.click('button[type=submit]');
      await p.page.waitForSelector('nav');
    },
    async close(): Promise<void> {
      await browser.close();
      await svc.close();
    },
  };
}

/** The few page globals tests read in page.evaluate (tests compile against Node's types, not the DOM's). */
export interface PageGlobals {
  document: {
    activeElement: { getAttribute(name: string): string | null } | null;
    documentElement: { scrollWidth: number; clientWidth: number };
    querySelector(selector: string): unknown;
    body: { textContent: string | null };
  };
  Event: new (type: string, init: { bubbles: boolean }) => unknown;
}
