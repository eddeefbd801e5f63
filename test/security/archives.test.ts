// Archive imports with unsafe entries answer 422 unsafe_archive (not
// the ZIP library's own error as a 500), and a refused archive imports nothing at all.
import assert from 'node:assert/strict';
import { deflateRawSync, crc32 } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { FRAMES, seededWorld } from './world.js';

/** A ZIP written by hand: the libraries that write ZIPs refuse the names an attacker uses. */
function rawZip(
  entries: { name: string; data: Buffer; deflate?: boolean; declaredSize?: number; mode?: number }[],
) {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(e.data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by Unix, so the mode bits count
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc32(e.data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

let world: Awaited<ReturnType<typeof seededWorld>>;
before(async () => (world = await seededWorld()));
after(() => world.ctx.close());

async function importZip(zip: Buffer) {
  const created = await world.ctx.service.http.inject({
    method: 'POST',
    url: '/api/v1/datasets',
    headers: { authorization: `Bearer ${world.ctx.adminToken}` },
    payload: { cameraId: 'cam-seed', name: `import-${Math.random()}` },
  });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().id as string;
  const res = await world.ctx.service.http.inject({
    method: 'POST',
    url: `/api/v1/datasets/${id}/import`,
    headers: { authorization: `Bearer ${world.ctx.adminToken}`, 'content-type': 'application/zip' },
    payload: zip,
  });
  const view = (
    await world.ctx.service.http.inject({
      url: `/api/v1/datasets/${id}`,
      headers: { authorization: `Bearer ${world.ctx.adminToken}` },
    })
  ).json();
  return { res, imageCount: view.imageCount as number, totalBytes: view.totalBytes as number };
}

const good = (n: number) => ({ name: `normal/ok-${n}.jpg`, data: FRAMES[n]! });

describe('security: archive imports', () => {
  for (const [what, name] of [
    ['a ../ path', 'normal/../../escape.jpg'],
    ['an absolute path', '/etc/normal/x.jpg'],
    ['a drive path', 'C:/normal/x.jpg'],
    ['a backslash path', 'normal\\..\\x.jpg'],
  ] as const) {
    it(`${what} is refused with 422 unsafe_archive, and the images before it are not imported`, async () => {
      const { res, imageCount } = await importZip(rawZip([good(0), good(1), { name, data: FRAMES[2]! }]));
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(res.json().error.code, 'unsafe_archive');
      assert.equal(imageCount, 0, 'nothing of the archive was imported');
    });
  }

  it('a symlink entry is refused whole', async () => {
    const { res, imageCount } = await importZip(
      rawZip([good(0), { name: 'normal/link.jpg', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]),
    );
    assert.equal(res.statusCode, 422);
    assert.equal(imageCount, 0);
  });

  it('an entry that inflates past its declared size, after good ones, takes the good ones back too', async () => {
    const big = Buffer.concat([FRAMES[2]!, Buffer.alloc(50_000)]);
    const { res, imageCount, totalBytes } = await importZip(
      rawZip([good(0), good(1), { name: 'normal/liar.jpg', data: big, deflate: true, declaredSize: 1000 }]),
    );
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().error.code, 'unsafe_archive');
    assert.equal(imageCount, 0);
    assert.equal(totalBytes, 0);
  });

  it('a clean archive still imports', async () => {
    const { res, imageCount } = await importZip(rawZip([good(0), good(1)]));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(imageCount, 2);
  });
});
