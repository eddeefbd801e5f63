import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { testService } from '../test-support/service.js';
import type { Detection } from './types.js';

const images = fileURLToPath(new URL('../../test/fixtures/images/', import.meta.url));

/** The box's centre lies inside the region (fractions of the image). */
function centredIn(d: Detection, w: number, h: number, region: [number, number, number, number]): boolean {
  const cx = (d.box.x1 + d.box.x2) / 2 / w;
  const cy = (d.box.y1 + d.box.y2) / 2 / h;
  return cx >= region[0] && cy >= region[1] && cx <= region[2] && cy <= region[3];
}

describe('CenterNet detection through the API (worker pool)', () => {
  let svc: Awaited<ReturnType<typeof testService>>;
  const post = async (file: string, query = '') =>
    svc.service.http.inject({
      method: 'POST',
      url: `/api/v1/detect${query}`,
      headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'image/jpeg' },
      payload: await readFile(images + file),
    });

  before(async () => {
    svc = await testService({ 'vision.workers': 1 });
  });
  after(() => svc.close());

  it('finds the dog, the person and the bus with sensible boxes', async () => {
    const dog = (await post('dog.jpg')).json();
    assert.equal(dog.detector.name, 'centernet');
    const d = dog.detections.find((x: Detection) => x.label === 'dog');
    assert.ok(d, JSON.stringify(dog.detections));
    // The dog sits bottom-left in dog.jpg (768x576).
    assert.ok(centredIn(d, dog.width, dog.height, [0.1, 0.45, 0.45, 0.95]), JSON.stringify(d.box));
    assert.ok(dog.detections.some((x: Detection) => x.label === 'bicycle'));

    const person = (await post('person.jpg')).json();
    const p = person.detections.find((x: Detection) => x.label === 'person');
    assert.ok(
      p && p.score > 0.5 && centredIn(p, person.width, person.height, [0.25, 0.25, 0.5, 0.75]),
      JSON.stringify(person.detections),
    );

    const bus = (await post('bus.jpg')).json();
    const b = bus.detections.find((x: Detection) => x.label === 'bus');
    assert.ok(b && b.score > 0.7, JSON.stringify(bus.detections));
    const share = ((b.box.x2 - b.box.x1) * (b.box.y2 - b.box.y1)) / (bus.width * bus.height);
    assert.ok(share > 0.3 && share < 0.8, `the bus fills most of the photo (${share})`);
  });

  it('draws the boxes on request, honours a threshold override, and refuses bad input', async () => {
    const drawn = await post('bus.jpg', '?draw=true');
    assert.equal(drawn.headers['content-type'], 'image/png');
    const meta = await sharp(drawn.rawPayload).metadata();
    assert.deepEqual([meta.width, meta.height], [546, 413]);

    const strict = (await post('bus.jpg', '?minScore=0.8')).json();
    assert.deepEqual(
      strict.detections.map((x: Detection) => x.label),
      ['bus'],
    );

    const bad = await svc.service.http.inject({
      method: 'POST',
      url: '/api/v1/detect',
      headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'image/jpeg' },
      payload: Buffer.from('definitely not a jpeg'),
    });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().error.code, 'invalid_image');
    const wrongType = await svc.service.http.inject({
      method: 'POST',
      url: '/api/v1/detect',
      headers: { authorization: `Bearer ${svc.adminToken}`, 'content-type': 'text/plain' },
      payload: 'x',
    });
    assert.equal(wrongType.statusCode, 415);
  });
});
