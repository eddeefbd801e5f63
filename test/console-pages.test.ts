/**
 * The console's other pages in a real browser: reached by keyboard, usable on a phone (nothing
 * wider than the screen), no console errors. An admin adds an edge (the one-time bootstrap token,
 * the CA and the exact enrolment command, and the token really enrols), sees cameras, models and
 * the system's health; a viewer sees the same pages without the admin's controls.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, it } from 'node:test';
import {
  consoleUnderTest,
  screenshotDir,
  skipWithoutBrowser,
  type PageGlobals,
  type RecordedPage,
} from '../src/test-support/console-browser.js';
import { enrolledTestEdge, enrolOverGrpc } from '../src/test-support/edge.js';
import { registerTestModel } from '../src/test-support/models.js';

const skip = skipWithoutBrowser();
const shots = screenshotDir();
let world: Awaited<ReturnType<typeof consoleUnderTest>>;
let viewerToken = '';

before(async () => {
  if (skip) return;
  world = await consoleUnderTest({ 'training.autoTrain': false, 'analysis.enabled': false });
  const porch = await enrolledTestEdge(world.svc.service, 'porch-edge', ['porch'], {
    runtime: {
      runtimes: ['onnxruntime'],
      maxOpset: 17,
      maxModelBytes: 64n << 20n,
      inputSizes: ['32x32'],
      hardware: 'test',
    },
    softwareVersion: '1.4.0',
  });
  // Two telemetry reports a minute apart, so the edges page has something to chart.
  for (const [ago, cpu] of [
    [120_000, 20],
    [60_000, 45],
  ] as const)
    await porch.telemetry.reportTelemetry({
      atMs: BigInt(Date.now() - ago),
      cpuPercent: cpu,
      memoryUsedBytes: 2n << 30n,
      memoryTotalBytes: 8n << 30n,
      diskUsedBytes: 10n << 30n,
      diskTotalBytes: 100n << 30n,
      temperaturesC: { soc: 55 },
      eventQueueLength: 0,
      softwareVersion: '1.4.0',
      cameras: [
        {
          cameraId: 'porch',
          online: true,
          fps: 10,
          inferenceLatencyMs: 42,
          triggerRatePerHour: 1,
          modelVersion: '',
        },
      ],
    });
  const modelId = await registerTestModel(world.svc.service, { version: '1.0.0', cameraId: 'porch' });
  await world.svc.service.models.deployments.create(
    { modelId, target: { cameras: ['porch'] }, strategy: 'all_at_once' },
    'test',
  );
  viewerToken = (await world.svc.service.tokens.create({ name: 'family', role: 'viewer' })).token;
});
after(async () => {
  await world?.close();
});

/** Tabs from the top of the page until the link to `href` has focus; returns the presses needed. */
async function tabTo(p: RecordedPage, href: string): Promise<number> {
  for (let presses = 1; presses <= 15; presses++) {
    await p.page.keyboard.press('Tab');
    if (
      await p.page.evaluate(
        (h) => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('href') === h,
        href,
      )
    )
      return presses;
  }
  throw new Error(`${href} never got keyboard focus`);
}

const wider = (p: RecordedPage) =>
  p.page.evaluate(
    () =>
      (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth -
      (globalThis as unknown as PageGlobals).document.documentElement.clientWidth,
  );

it(
  'an admin reaches every page by keyboard and adds an edge with a one-time bootstrap token',
  { skip },
  async () => {
    const p = await world.open();
    await world.signIn(p, world.svc.adminToken);
    assert.ok((await tabTo(p, '/edges')) <= 8, 'the section links come first after "skip to content"');
    await p.page.keyboard.press('Enter');
    await p.page.waitForSelector('[data-edge]');
    assert.equal(new URL(p.page.url()).pathname, '/edges');
    assert.match(await p.page.$eval('[data-edge]', (el) => el.textContent ?? ''), /porch-edge.*online/s);
    // Its telemetry, charted: the edge's CPU (latest 45 %) and the camera's inference latency.
    await p.page.waitForSelector('[data-edge] [data-metric="cpuPercent"] svg.sparkline');
    assert.match(await p.page.$eval('[data-metric="cpuPercent"]', (el) => el.textContent ?? ''), /CPU 45%/);
    assert.match(
      await p.page.$eval('[data-metric="inferenceLatencyMs"]', (el) => el.textContent ?? ''),
      /porch inference 42ms/,
    );

    await p.page.type('#edge-name', 'garage');
    await p.page.click('.grid-form button[type=submit]');
    await p.page.waitForSelector('#bootstrap-token');
    const token = await p.page.$eval('#bootstrap-token', (el) => (el as unknown as { value: string }).value);
    const command = await p.page.$eval('#enroll-command', (el) => el.textContent ?? '');
    assert.match(token, /^uvmb_/);
    assert.ok(
      command.includes(`--token ${token}`) &&
        command.includes('--name garage') &&
        command.includes('--ca ca.pem'),
    );
    assert.ok(await p.page.$('a[download="ca.pem"]'), 'the CA is offered as ca.pem');
    if (shots) await p.page.screenshot({ path: path.join(shots, 'edges.png'), fullPage: true });
    // The token shown is a real one: an edge enrols with it.
    const edges = world.svc.service.edges;
    const enrolled = await enrolOverGrpc(
      { endpoint: `127.0.0.1:${edges.grpcAddress!.port}`, caPem: edges.ca.certPem },
      'garage',
      token,
    );
    assert.ok(enrolled.res.edgeId);

    for (const [href, selector, shot] of [
      ['/cameras', '[data-camera="porch"] .model', 'cameras.png'],
      ['/models', '[data-model]', 'models.png'],
      ['/system', '[data-health]', 'system.png'],
    ] as const) {
      await p.page.click(`nav a[href="${href}"]`);
      await p.page.waitForSelector(selector);
      if (shots) await p.page.screenshot({ path: path.join(shots, shot), fullPage: true });
    }
    assert.match(await p.page.$eval('[data-health]', (el) => el.textContent ?? ''), /Service/);
    // An admin pins the camera to its model from the deployments list; the audit log shows it.
    await p.page.click('nav a[href="/models"]');
    await p.page.waitForSelector('[data-deployment] button.link');
    await p.page.click('[data-deployment] button.link');
    await p.page.waitForSelector('[role=status]');
    assert.match(await p.page.$eval('[role=status]', (el) => el.textContent ?? ''), /porch pinned/);
    await p.page.waitForFunction(() =>
      /camera\.pinned|pinned/.test(
        (globalThis as unknown as PageGlobals).document.querySelector('.audit')?.toString()
          ? ((globalThis as unknown as PageGlobals).document.body.textContent ?? '')
          : '',
      ),
    );
    assert.equal((await world.svc.service.models.assignments.effective('porch'))?.pinned, true);
    assert.deepEqual(p.problems, [], 'no console errors or failed requests');
    await p.page.close();
  },
);

it('fits a phone screen and shows a viewer no admin controls', { skip }, async () => {
  const p = await world.open(390, 844);
  await world.signIn(p, viewerToken);
  for (const [href, selector] of [
    ['/', 'section h1'],
    ['/cameras', '[data-camera]'],
    ['/models', 'section h1'],
    ['/edges', '[data-edge]'],
    ['/system', '[data-health]'],
  ] as const) {
    await p.page.click(`nav a[href="${href}"]`);
    await p.page.waitForSelector(selector);
    assert.ok((await wider(p)) <= 0, `${href} is no wider than the phone`);
    if (href === '/edges') {
      assert.equal(await p.page.$('#edge-name'), null, 'a viewer cannot add edges');
      assert.equal(await p.page.$('.card button.secondary'), null, 'nor revoke them');
    }
  }
  if (shots) await p.page.screenshot({ path: path.join(shots, 'phone-edges.png') });
  assert.deepEqual(p.problems, [], 'no console errors or failed requests');
  await p.page.close();
});
