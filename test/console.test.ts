/**
 * The owner's console in a real browser (Debian's chromium through puppeteer-core): sign in with an
 * API token, see an analysed event, decrypt its snapshot in the page with the owner's age identity
 * (the canvas holds the original frame's pixels), post feedback and see the re-score. Every request
 * the page makes is inspected: no identity and no plaintext frame ever goes to the server. The page
 * logs no console error. Screenshots go to docs/screenshots when UVM_SCREENSHOTS=1.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import puppeteer, { type Browser } from 'puppeteer-core';
import sharp from 'sharp';
import { TriggerType } from '../src/gen/guardian/edge/v1/events_pb.js';
import { consoleRoot } from '../src/http/console.js';
import { enrolledTestEdge } from '../src/test-support/edge.js';
import { testService } from '../src/test-support/service.js';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = !fs.existsSync(chromium)
  ? process.env.CI
    ? false // CI installs it: fail below instead of skipping
    : `no browser at ${chromium} (apt-get install chromium)`
  : false;
const frame = fs.readFileSync(path.resolve('test/fixtures/vtest-day/frame-0005.jpg'));
const shots = process.env.UVM_SCREENSHOTS === '1' ? path.resolve('docs/screenshots') : null;

let svc: Awaited<ReturnType<typeof testService>>;
let browser: Browser;
let base = '';
let identity = '';
let eventId = '';

before(async () => {
  if (skip) return;
  if (!fs.existsSync(path.join(consoleRoot(), 'index.html')))
    execFileSync('npm', ['run', 'build:web'], { stdio: 'inherit' });
  identity = await generateIdentity();
  svc = await testService({
    'edgeApi.port': 0,
    'archive.recipients': [await identityToRecipient(identity)],
    'training.autoTrain': false,
    'vision.smallObjectSide': 0,
    'jobs.pollIntervalMs': 20,
  });
  await svc.service.edges.start();
  svc.service.jobs.runner.start();
  const edge = await enrolledTestEdge(svc.service, 'console-edge', ['garden']);
  const res = await edge.events.uploadEvent({
    cameraId: 'garden',
    eventKey: 'console-1',
    startedAtMs: BigInt(Date.now() - 5000),
    trigger: TriggerType.MOTION,
    frames: [{ image: frame }],
  });
  eventId = res.eventId;
  for (let i = 0; i < 400; i++) {
    const e = await svc.service.events.query.get(eventId);
    if (e.analysisStatus === 'analyzed') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await svc.service.http.listen({ host: '127.0.0.1', port: 0 });
  const address = svc.service.http.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
});

after(async () => {
  await browser?.close();
  await svc?.close();
});

it(
  'signs in, lists the event, decrypts its snapshot in the page and re-scores on feedback',
  { skip },
  async () => {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 800 });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
    const requests: { url: string; body: string; type: string }[] = [];
    page.on('request', (r) =>
      requests.push({ url: r.url(), body: r.postData() ?? '', type: r.headers()['content-type'] ?? '' }),
    );

    const res = await page.goto(`${base}/`);
    assert.match(res!.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await page.waitForSelector('#token');
    if (shots) await page.screenshot({ path: path.join(shots, 'sign-in.png') });
    await page.type('#token', 'uvm_wrong_token');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=alert]');
    await page.$eval('#token', (el) => ((el as unknown as { value: string }).value = ''));
    await page.type('#token', svc.adminToken);
    await page.click('button[type=submit]');

    await page.waitForSelector(`[data-event="${eventId}"]`);
    const row = await page.$eval(`[data-event="${eventId}"]`, (el) => el.textContent ?? '');
    assert.match(row, /garden/);
    assert.match(row, /Nothing unusual|people|person/i, 'the explanation is shown');
    if (shots) await page.screenshot({ path: path.join(shots, 'events.png') });

    await page.click(`[data-event="${eventId}"]`);
    await page.waitForSelector('#owner-key');
    assert.equal(new URL(page.url()).pathname, `/events/${eventId}`);
    await page.type('#owner-key', identity);
    await page.click('form.decrypt button[type=submit]');
    await page.waitForSelector('canvas[data-frame="0"]');
    if (shots) await page.screenshot({ path: path.join(shots, 'event-detail.png') });

    // The canvas holds the frame the edge sent, decoded by the browser.
    const { width, height, pixels } = await page.$eval('canvas[data-frame="0"]', (c) => {
      // The page's DOM types (test code compiles against Node's, not the browser's).
      const canvas = c as unknown as {
        width: number;
        height: number;
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      };
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const rgb: number[] = [];
      for (let i = 0; i < data.length; i += 4 * 97) rgb.push(data[i]!, data[i + 1]!, data[i + 2]!);
      return { width: canvas.width, height: canvas.height, pixels: rgb };
    });
    const original = await sharp(frame).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([width, height], [original.info.width, original.info.height]);
    let diff = 0;
    for (let k = 0, i = 0; i < original.data.length; i += 3 * 97, k += 3)
      for (let c = 0; c < 3; c++) diff += Math.abs(original.data[i + c]! - pixels[k + c]!);
    const mean = diff / pixels.length;
    assert.ok(mean < 3, `canvas pixels match the original frame (mean difference ${mean.toFixed(2)})`);

    // Feedback, and the re-score it causes.
    await page.click('.feedback button');
    await page.waitForSelector('.feedback [role=status]');
    assert.match(
      await page.$eval('.feedback [role=status]', (el) => el.textContent ?? ''),
      /false positive recorded; re-scored: (normal|false positive|false_positive) \(\d+\)/,
    );

    // Nothing secret or decrypted went to the server; the token never travelled in a URL.
    for (const r of requests) {
      assert.ok(
        !r.url.includes('AGE-SECRET-KEY') && !r.body.includes('AGE-SECRET-KEY'),
        `${r.url} carries no identity`,
      );
      assert.ok(!r.url.includes(svc.adminToken), `${r.url} carries no token`);
      assert.ok(!r.type.startsWith('image/'), `${r.url} uploads no image`);
      assert.ok(!r.body.includes('JFIF'), `${r.url} uploads no JPEG`);
    }
    assert.ok(
      requests.some((r) => r.url.endsWith(`/api/v1/events/${eventId}/snapshots/0`)),
      'ciphertext fetched',
    );
    assert.deepEqual(
      problems.filter((p) => !/401|Unauthorized|Failed to load resource/.test(p)),
      [],
      'no console errors (the refused sign-in logs its 401)',
    );
    await page.close();
  },
);

it('serves pages with the history fallback and keeps API 404s as JSON', { skip }, async () => {
  const page = await fetch(`${base}/events/does-not-exist`, { headers: { accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="app">/);
  const api = await fetch(`${base}/api/v1/nope`, { headers: { accept: 'text/html' } });
  assert.equal(api.status, 404);
  assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'route_not_found');
});
