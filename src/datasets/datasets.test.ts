import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import yazl from 'yazl';
import { testService } from '../test-support/service.js';
import { enrolledTestEdge } from '../test-support/edge.js';
import { entryLabel } from './zip-import.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/vtest-train/', import.meta.url));

function zipOf(
  entries: { name: string; data: Buffer; mode?: number; compress?: boolean }[],
): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries)
    zip.addBuffer(e.data, e.name, { ...(e.mode ? { mode: e.mode } : {}), compress: e.compress ?? true });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
}

describe('labelled snapshot datasets', () => {
  let svc: Awaited<ReturnType<typeof testService>>;
  let edge: Awaited<ReturnType<typeof enrolledTestEdge>>;
  let frames: Buffer[];
  const auth = () => ({ authorization: `Bearer ${svc.adminToken}` });

  before(async () => {
    svc = await testService({ 'edgeApi.port': 0, 'training.autoTrain': false, 'datasets.minImageSide': 64 });
    await svc.service.edges.start();
    edge = await enrolledTestEdge(svc.service, 'ds-edge', ['cam-ds']);
    frames = await Promise.all(
      ['frame-0001.jpg', 'frame-0009.jpg', 'frame-0017.jpg'].map((f) => readFile(fixtures + f)),
    );
  });
  after(() => svc.close());

  it('edges stream snapshots: accepted, duplicates skipped and counted, bad ones refused with the reason', async () => {
    const tiny = await sharp({ create: { width: 20, height: 20, channels: 3, background: 'red' } })
      .png()
      .toBuffer();
    const messages = [
      {
        label: 'normal',
        image: frames[0]!,
        conditions: { light: 'day', weather: 'clear', season: 'winter' },
      },
      { label: 'normal', image: frames[1]!, conditions: { light: 'night', weather: '', season: '' } },
      { label: 'normal', image: frames[0]! }, // duplicate
      { label: 'normal', image: Buffer.from('not an image at all') },
      { label: 'normal', image: frames[2]!.subarray(0, 2000) }, // truncated JPEG
      { label: 'normal', image: tiny },
      { label: 'zebra', image: frames[2]! }, // unknown label
      { label: 'abnormal', image: frames[2]! },
    ];
    const res = await edge.datasets.uploadSnapshots(
      (async function* () {
        for (const m of messages) yield { cameraId: 'cam-ds', capturedAtMs: BigInt(Date.now()), ...m };
      })(),
    );
    assert.equal(res.accepted, 3);
    assert.equal(res.duplicates, 1);
    assert.equal(res.refused.length, 4);
    assert.match(res.refused[0]!, /^snapshot 3: the image cannot be decoded/);
    assert.match(res.refused[1]!, /^snapshot 4: the image cannot be decoded/);
    assert.match(res.refused[2]!, /^snapshot 5: the image is 20x20/);
    assert.match(res.refused[3]!, /^snapshot 6: label zebra is not known/);

    const view = (
      await svc.service.http.inject({ url: `/api/v1/datasets/${res.datasetId}`, headers: auth() })
    ).json();
    assert.equal(view.imageCount, 3);
    assert.equal(view.duplicateCount, 1);
    assert.deepEqual(Object.keys(view.labels).sort(), ['abnormal', 'normal']);
    assert.equal(view.labels.normal.count, 2);
    assert.deepEqual(view.conditions.light, { day: 1, night: 1 });
    assert.equal(view.totalBytes, frames[0]!.length + frames[1]!.length + frames[2]!.length);
  });

  it('another edge cannot upload to this camera', async () => {
    const other = await enrolledTestEdge(svc.service, 'ds-other', ['cam-other']);
    await assert.rejects(
      other.datasets.uploadSnapshots(
        (async function* () {
          yield { cameraId: 'cam-ds', label: 'normal', image: frames[0]! };
        })(),
      ),
      /belongs to another edge/,
    );
  });

  it('imports a ZIP, exports it, and the export imports again to the same content', async () => {
    const created = await svc.service.http.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: auth(),
      payload: { cameraId: 'cam-ds', name: 'import' },
    });
    assert.equal(created.statusCode, 201);
    const id = created.json().id;
    const zip = await zipOf([
      { name: 'export/normal/a.jpg', data: frames[0]!, compress: false },
      { name: 'export/normal/b.jpg', data: frames[1]! },
      { name: 'export/abnormal/c.jpg', data: frames[2]! },
      { name: 'export/README.txt', data: Buffer.from('skipped') },
      { name: 'export/normal/broken.jpg', data: Buffer.from('xx') },
    ]);
    const res = await svc.service.http.inject({
      method: 'POST',
      url: `/api/v1/datasets/${id}/import`,
      headers: { ...auth(), 'content-type': 'application/zip' },
      payload: zip,
    });
    assert.equal(res.statusCode, 200, res.body);
    const summary = res.json() as {
      datasetId: string;
      accepted: number;
      duplicates: number;
      refused: string[];
    };
    assert.deepEqual(
      { ...summary, refused: summary.refused.length },
      { datasetId: id, accepted: 3, duplicates: 0, refused: 1 },
    );
    assert.match(summary.refused[0]!, /^normal\/broken.jpg: the image cannot be decoded/);

    const exported = await svc.service.http.inject({ url: `/api/v1/datasets/${id}/export`, headers: auth() });
    assert.equal(exported.headers['content-type'], 'application/zip');
    const copy = (
      await svc.service.http.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: auth(),
        payload: { cameraId: 'cam-ds', name: 'copy' },
      })
    ).json().id;
    const again = await svc.service.http.inject({
      method: 'POST',
      url: `/api/v1/datasets/${copy}/import`,
      headers: { ...auth(), 'content-type': 'application/zip' },
      payload: exported.rawPayload,
    });
    assert.deepEqual(again.json(), { datasetId: copy, accepted: 3, duplicates: 0, refused: [] });
    const view = (await svc.service.http.inject({ url: `/api/v1/datasets/${copy}`, headers: auth() })).json();
    assert.deepEqual(view.labels.normal.count, 2);

    const del = await svc.service.http.inject({
      method: 'DELETE',
      url: `/api/v1/datasets/${copy}`,
      headers: auth(),
    });
    assert.equal(del.statusCode, 204);
    assert.equal(
      (await svc.service.http.inject({ url: `/api/v1/datasets/${copy}`, headers: auth() })).statusCode,
      404,
    );
  });

  it('refuses unsafe archives whole: links, bombs, traversal; and enforces the quota', async () => {
    const id = (
      await svc.service.http.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: auth(),
        payload: { cameraId: 'cam-ds', name: 'unsafe' },
      })
    ).json().id;
    const post = (payload: Buffer) =>
      svc.service.http.inject({
        method: 'POST',
        url: `/api/v1/datasets/${id}/import`,
        headers: { ...auth(), 'content-type': 'application/zip' },
        payload,
      });
    const link = await post(
      await zipOf([{ name: 'normal/a.jpg', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]),
    );
    assert.equal(link.statusCode, 422);
    assert.equal(link.json().error.code, 'unsafe_archive');
    assert.match(link.json().error.message, /link/);
    const bomb = await post(await zipOf([{ name: 'normal/zeros.jpg', data: Buffer.alloc(5_000_000) }]));
    assert.equal(bomb.statusCode, 422);
    assert.match(bomb.json().error.message, /expands \d+x/);
    const notZip = await post(Buffer.from('plain text'));
    assert.equal(notZip.statusCode, 400);
    assert.throws(() => entryLabel('../normal/a.jpg', null), /escapes/);
    assert.throws(() => entryLabel('normal/../../a.jpg', null), /escapes/);
    assert.throws(() => entryLabel('/etc/normal/a.jpg', null), /absolute/);
    assert.deepEqual(entryLabel('top/normal/a.jpg', 'top'), { label: 'normal', name: 'a.jpg' });

    const quota = await svc.service.http.inject({
      method: 'PUT',
      url: `/api/v1/datasets/${id}/quota`,
      headers: auth(),
      payload: { quotaBytes: frames[0]!.length + 10 },
    });
    assert.equal(quota.statusCode, 200);
    const over = await post(
      await zipOf([
        { name: 'normal/a.jpg', data: frames[0]! },
        { name: 'normal/b.jpg', data: frames[1]! },
      ]),
    );
    assert.equal(over.statusCode, 507);
    assert.equal(over.json().error.code, 'quota_exceeded');
    // An archive is imported whole or not at all: the image before the quota was hit is taken back.
    assert.equal(
      (await svc.service.http.inject({ url: `/api/v1/datasets/${id}`, headers: auth() })).json().imageCount,
      0,
    );
  });
});
