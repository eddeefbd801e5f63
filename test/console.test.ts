/**
 * The owner's console in a real browser (Debian's chromium through puppeteer-core): sign in with an
 * API token, see an analysed event on the list and the day timeline, decrypt its snapshot in the
 * page with the owner's age identity (the canvas holds the original frame's pixels), play its
 * encrypted motion-JPEG clip, post feedback and see the re-score, mark it reviewed, see a new event
 * arrive live, and find the key remembered on this device after a reload. Every request the page
 * makes is inspected: no identity and no plaintext frame ever goes to the server; no console error.
 * Screenshots go to docs/screenshots when UVM_SCREENSHOTS=1.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import sharp from 'sharp';
import { clipUploadMessages } from '../src/edge-client/clip-upload-messages.js';
import { TriggerType } from '../src/gen/guardian/edge/v1/events_pb.js';
import {
  consoleUnderTest,
  screenshotDir,
  skipWithoutBrowser,
  type PageGlobals,
} from '../src/test-support/console-browser.js';
import { enrolledTestEdge } from '../src/test-support/edge.js';

const skip = skipWithoutBrowser();
const fixture = (n: string) => fs.readFileSync(path.resolve(`test/fixtures/vtest-day/frame-${n}.jpg`));
const frame = fixture('0005');
const shots = screenshotDir();

let world: Awaited<ReturnType<typeof consoleUnderTest>>;
let edge: Awaited<ReturnType<typeof enrolledTestEdge>>;
let identity = '';
let eventId = '';

const upload = async (key: string) =>
  (
    await edge.events.uploadEvent({
      cameraId: 'garden',
      eventKey: key,
      startedAtMs: BigInt(Date.now() - 5000),
      trigger: TriggerType.MOTION,
      frames: [{ image: frame }],
      clipExpected: key === 'console-1',
    })
  ).eventId;

before(async () => {
  if (skip) return;
  identity = await generateIdentity();
  world = await consoleUnderTest({
    'archive.recipients': [await identityToRecipient(identity)],
    'training.autoTrain': false,
    'vision.smallObjectSide': 0,
  });
  edge = await enrolledTestEdge(world.svc.service, 'console-edge', ['garden']);
  eventId = await upload('console-1');
  // The clip, as the reference edge records it: the frames as motion JPEG, encrypted to the owner.
  const e = new Encrypter();
  e.addRecipient(await identityToRecipient(identity));
  const clip = await e.encrypt(Buffer.concat([fixture('0001'), fixture('0005'), fixture('0009')]));
  await edge.events.uploadClip(clipUploadMessages(eventId, clip));
  for (let i = 0; i < 400; i++) {
    if ((await world.svc.service.events.query.get(eventId)).analysisStatus === 'analyzed') break;
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  await world?.close();
});

/** The canvas's pixels against the original frame (mean absolute difference per channel). */
async function canvasDifference(p: Awaited<ReturnType<typeof world.open>>): Promise<number> {
  const { width, height, pixels } = await p.page.$eval('canvas[data-frame="0"]', (c) => {
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
  return diff / pixels.length;
}

/** Sets a date input as a person picking a day would (the page reacts to its change event). */
const setDate = (p: Awaited<ReturnType<typeof world.open>>, selector: string, value: string) =>
  p.page.$eval(
    selector,
    (el, v) => {
      const input = el as unknown as { value: string; dispatchEvent(e: unknown): void };
      input.value = v;
      input.dispatchEvent(new (globalThis as unknown as PageGlobals).Event('change', { bubbles: true }));
    },
    value,
  );

const text = (p: Awaited<ReturnType<typeof world.open>>, selector: string) =>
  p.page.$eval(selector, (el) => el.textContent ?? '');

it(
  'signs in, decrypts the snapshot and plays the clip in the page, re-scores on feedback, marks reviewed, follows new events live',
  { skip },
  async () => {
    const p = await world.open();
    const res = await p.page.goto(`${world.base}/`);
    assert.match(res!.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await p.page.waitForSelector('#token');
    if (shots) await p.page.screenshot({ path: path.join(shots, 'sign-in.png') });
    await p.page.type('#token', 'uvm_wrong_token');
    await p.page.click('button[type=submit]');
    await p.page.waitForSelector('[role=alert]');
    await p.page.$eval('#token', (el) => ((el as unknown as { value: string }).value = ''));
    await p.page.type('#token', world.svc.adminToken);
    await p.page.click('button[type=submit]');

    await p.page.waitForSelector(`[data-event="${eventId}"]`);
    const row = await text(p, `[data-event="${eventId}"]`);
    assert.match(row, /garden/);
    assert.match(row, /Nothing unusual|people|person/i, 'the explanation is shown');
    assert.ok(
      await p.page.$(`.timeline a.dot[href="/events/${eventId}"]`),
      'the event is on the day timeline',
    );
    if (shots) await p.page.screenshot({ path: path.join(shots, 'events.png') });

    await p.page.click(`[data-event="${eventId}"]`);
    await p.page.waitForSelector('#owner-key');
    assert.equal(new URL(p.page.url()).pathname, `/events/${eventId}`);
    await p.page.type('#owner-key', identity);
    await p.page.click('#remember-key');
    await p.page.click('form.decrypt button[type=submit]');
    await p.page.waitForSelector('canvas[data-frame="0"]');
    const mean = await canvasDifference(p);
    assert.ok(mean < 3, `canvas pixels match the original frame (mean difference ${mean.toFixed(2)})`);

    // The clip: decrypted here, split into its three JPEG frames and played in turn.
    await p.page.click('button.play');
    await p.page.waitForSelector('[data-clip="mjpeg"] img[data-clip-frame]');
    assert.equal(await p.page.$eval('[data-clip="mjpeg"]', (el) => el.getAttribute('data-frames')), '3');
    const seen = new Set<string>();
    for (let i = 0; i < 20 && seen.size < 2; i++) {
      seen.add(await p.page.$eval('[data-clip-frame]', (el) => el.getAttribute('data-clip-frame') ?? ''));
      await new Promise((r) => setTimeout(r, 150));
    }
    assert.ok(seen.size >= 2, 'the clip plays frame after frame');
    if (shots)
      await p.page.screenshot({ path: path.join(shots, 'event-detail.jpg'), fullPage: true, quality: 80 });

    // Feedback, and the re-score it causes.
    await p.page.click('.feedback button');
    await p.page.waitForSelector('.feedback [role=status]');
    assert.match(
      await text(p, '.feedback [role=status]'),
      /false positive recorded; re-scored: (normal|false positive|false_positive) \(\d+\)/,
    );

    // Mark reviewed: stored on the server for this token, so the "not reviewed" list drops it.
    await p.page.click('.actions button[aria-pressed="false"]');
    await p.page.waitForSelector('.actions button[aria-pressed="true"]');
    const reviewed = await world.svc.service.events.query.get(eventId);
    assert.equal(reviewed.analysisStatus, 'analyzed');
    await p.page.click('header .brand');
    await p.page.waitForSelector(`[data-event="${eventId}"]`);
    await p.page.select('#reviewed-filter', 'false');
    await p.page.waitForFunction(
      (id) => !(globalThis as unknown as PageGlobals).document.querySelector(`[data-event="${id}"]`),
      {},
      eventId,
    );

    // A time range that ends before today shows none of today's events.
    await p.page.select('#reviewed-filter', '');
    await setDate(p, '#to-filter', '2020-01-31');
    await p.page.waitForFunction(() =>
      /No events\./.test((globalThis as unknown as PageGlobals).document.body.textContent ?? ''),
    );
    await setDate(p, '#to-filter', '');
    await p.page.waitForSelector(`[data-event="${eventId}"]`);
    await p.page.select('#reviewed-filter', 'false');
    await p.page.waitForFunction(
      (id) => !(globalThis as unknown as PageGlobals).document.querySelector(`[data-event="${id}"]`),
      {},
      eventId,
    );

    // Live: a new event appears without reloading the page.
    const fresh = await upload('console-2');
    await p.page.waitForSelector(`[data-event="${fresh}"]`, { timeout: 10_000 });

    // The key was remembered on this device: after a reload the snapshot decrypts by itself.
    await p.page.goto(`${world.base}/events/${eventId}`);
    await p.page.waitForSelector('canvas[data-frame="0"]', { timeout: 10_000 });
    assert.ok((await canvasDifference(p)) < 3);

    // Nothing secret or decrypted went to the server; the token never travelled in a URL.
    for (const r of p.requests) {
      assert.ok(
        !r.url.includes('AGE-SECRET-KEY') && !r.body.includes('AGE-SECRET-KEY'),
        `${r.url} carries no identity`,
      );
      assert.ok(!r.url.includes(world.svc.adminToken), `${r.url} carries no token`);
      assert.ok(!r.type.startsWith('image/'), `${r.url} uploads no image`);
      assert.ok(!r.body.includes('JFIF'), `${r.url} uploads no JPEG`);
    }
    assert.ok(
      p.requests.some((r) => r.url.endsWith(`/api/v1/events/${eventId}/snapshots/0`)),
      'ciphertext fetched',
    );
    assert.ok(
      p.requests.some((r) => r.url.endsWith(`/api/v1/events/${eventId}/clip`)),
      'clip ciphertext fetched',
    );
    assert.deepEqual(
      p.problems.filter((x) => !/401|Unauthorized|Failed to load resource/.test(x)),
      [],
      'no console errors (the refused sign-in logs its 401)',
    );
    await p.page.close();
  },
);

it('plays an MP4 clip in a <video> from memory, decrypted in the page', { skip }, async () => {
  const mp4Event = await upload('console-mp4');
  const e = new Encrypter();
  e.addRecipient(await identityToRecipient(identity));
  await edge.events.uploadClip(
    clipUploadMessages(mp4Event, await e.encrypt(fs.readFileSync(path.resolve('test/fixtures/clip.mp4')))),
  );
  const p = await world.open();
  await world.signIn(p, world.svc.adminToken);
  // The owner key is still remembered in this browser: the page decrypts without asking.
  await p.page.goto(`${world.base}/events/${mp4Event}`);
  await p.page.waitForSelector('canvas[data-frame="0"]', { timeout: 10_000 });
  await p.page.click('button.play');
  await p.page.waitForSelector('video[data-clip="mp4"]');
  await p.page.waitForFunction(
    () => {
      const v = (globalThis as unknown as PageGlobals).document.querySelector('video') as {
        readyState: number;
      } | null;
      return (v?.readyState ?? 0) >= 2;
    },
    { timeout: 10_000 },
  );
  const video = await p.page.$eval('video', (v) => {
    const el = v as unknown as { videoWidth: number; videoHeight: number; duration: number; src: string };
    return { width: el.videoWidth, height: el.videoHeight, duration: el.duration, src: el.src };
  });
  assert.deepEqual([video.width, video.height], [320, 240], 'the browser decoded the decrypted MP4');
  assert.ok(video.duration > 1 && video.duration < 2, `duration ${video.duration}`);
  assert.match(video.src, /^blob:/, 'played from memory, not from a server URL');
  assert.deepEqual(p.problems, [], 'no console errors');
  await p.page.close();
});

it('serves pages with the history fallback and keeps API 404s as JSON', { skip }, async () => {
  const page = await fetch(`${world.base}/events/does-not-exist`, { headers: { accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="app">/);
  const api = await fetch(`${world.base}/api/v1/nope`, { headers: { accept: 'text/html' } });
  assert.equal(api.status, 404);
  assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'route_not_found');
});
