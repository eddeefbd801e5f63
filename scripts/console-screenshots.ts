/**
 * Screenshots of the owner's console on a running service with real data, for the docs:
 *   npm run demo -- --serve            (prints the URL, the admin token and the owner key file)
 *   node --import tsx scripts/console-screenshots.ts <url> <admin token> <owner.key> [out dir]
 * Uses Debian's chromium (CHROMIUM_PATH to override). Writes demo-*.png / .jpg to docs/screenshots.
 */
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const [url, token, keyFile, out = 'docs/screenshots'] = process.argv.slice(2);
if (!url || !token || !keyFile) {
  console.error('usage: console-screenshots.ts <url> <admin token> <owner.key> [out dir]');
  process.exit(2);
}
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const page = await browser.newPage();
await page.setViewport({ width: 1200, height: 900 });
page.on('console', (m) => m.type() === 'error' && console.error('console error:', m.text()));
const shot = async (name: string, fullPage = true) => {
  const file = path.join(out, name);
  await page.screenshot({ path: file, fullPage, ...(name.endsWith('.jpg') ? { quality: 80 } : {}) });
  console.log(file);
};
await page.goto(url);
await page.waitForSelector('#token');
await page.type('#token', token);
await page.click('button[type=submit]');
await page.waitForSelector('[data-event]');
await shot('demo-events.png');
// An event with people in it (else the newest): its page with the snapshot and clip decrypted.
const rows = await page.$$('.events [data-event]');
let chosen = rows[0]!;
for (const row of rows)
  if (/people|person/i.test(await row.evaluate((el) => el.textContent ?? ''))) {
    chosen = row;
    break;
  }
await chosen.click();
await page.waitForSelector('#owner-key');
await page.type('#owner-key', fs.readFileSync(keyFile, 'utf8'));
await page.click('form.decrypt button[type=submit]');
await page.waitForSelector('canvas[data-frame="0"]');
const play = await page.$('button.play');
if (play) {
  await play.click();
  await page.waitForSelector('[data-clip]');
}
await shot('demo-event.jpg');
for (const [href, selector, name] of [
  ['/cameras', '[data-camera] .model', 'demo-cameras.png'],
  ['/models', '[data-model]', 'demo-models.png'],
] as const) {
  await page.click(`nav a[href="${href}"]`);
  await page.waitForSelector(selector);
  await new Promise((r) => setTimeout(r, 1500)); // baselines and charts load after the cards
  // Open the collapsed parts (the baseline and its heatmap), then let the heatmap load.
  for (const summary of await page.$$('details > summary')) await summary.click();
  await new Promise((r) => setTimeout(r, 1500));
  await shot(name);
}
await browser.close();
