import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { newId } from '../db/ids.js';
import { loadOrCreateKey, PendingFrameStore } from './pending-frames.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-pending-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const frame = (bytes: number, fill: number) => new Uint8Array(bytes).fill(fill);

describe('PendingFrameStore', () => {
  it('keeps frames across a reopen, encrypted at rest, and deletes them on remove', async () => {
    const key = await loadOrCreateKey(path.join(dir, 'keys/k'));
    assert.equal((fs.statSync(path.join(dir, 'keys/k')).mode & 0o777).toString(8), '600');
    const store = await PendingFrameStore.open(path.join(dir, 'p'), key, 1e6);
    const id = newId();
    const image = Buffer.from('JPEG-like plaintext that must not be on disk in clear');
    await store.put(id, {
      frames: [
        { image, capturedAt: 42 },
        { image: frame(10, 7), capturedAt: null },
      ],
      conditions: { light: 'day' },
    });
    const [file] = fs.readdirSync(path.join(dir, 'p'));
    assert.equal(file, `${id}.frames`);
    const onDisk = fs.readFileSync(path.join(dir, 'p', file!));
    assert.equal(onDisk.includes(image), false, 'the frame is not stored in clear');

    const again = await PendingFrameStore.open(
      path.join(dir, 'p'),
      await loadOrCreateKey(path.join(dir, 'keys/k')),
      1e6,
    );
    assert.equal(again.count, 1);
    assert.equal(again.usedBytes, onDisk.length);
    const back = await again.get(id);
    assert.deepEqual(Buffer.from(back!.frames[0]!.image), image);
    assert.equal(back!.frames[0]!.capturedAt, 42);
    assert.deepEqual([...back!.frames[1]!.image], [...frame(10, 7)]);
    assert.deepEqual(back!.conditions, { light: 'day' });
    await again.remove(id);
    assert.equal(again.count, 0);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'p')), []);
    assert.equal(await again.get(id), undefined);
  });

  it('refuses a file written with another key or passed off as another event', async () => {
    const store = await PendingFrameStore.open(dir, randomBytes(32), 1e6);
    const [a, b] = [newId(), newId()];
    await store.put(a, { frames: [{ image: frame(100, 1), capturedAt: null }], conditions: null });
    await store.put(b, { frames: [{ image: frame(100, 2), capturedAt: null }], conditions: null });
    fs.copyFileSync(path.join(dir, `${a}.frames`), path.join(dir, `${b}.frames`));
    await assert.rejects(store.get(b), /failed authentication/);
    const other = await PendingFrameStore.open(dir, randomBytes(32), 1e6);
    await assert.rejects(other.get(a), /failed authentication/);
  });

  it('drops the oldest events when full, and refuses one larger than the bound', async () => {
    const store = await PendingFrameStore.open(dir, randomBytes(32), 3500);
    const ids = [newId(), newId(), newId(), newId()];
    for (const id of ids.slice(0, 3))
      assert.deepEqual(
        await store.put(id, { frames: [{ image: frame(1000, 3), capturedAt: null }], conditions: null }),
        [],
      );
    const dropped = await store.put(ids[3]!, {
      frames: [{ image: frame(2000, 4), capturedAt: null }],
      conditions: null,
    });
    assert.deepEqual(dropped, [ids[0], ids[1]]);
    assert.deepEqual(store.ids(), [ids[2], ids[3]]);
    assert.ok(store.usedBytes <= 3500);
    assert.deepEqual(fs.readdirSync(dir).sort(), [`${ids[2]}.frames`, `${ids[3]}.frames`]);
    const huge = newId();
    assert.deepEqual(
      await store.put(huge, { frames: [{ image: frame(5000, 5), capturedAt: null }], conditions: null }),
      [huge],
    );
    assert.equal(store.has(huge), false);
  });

  it('accounts concurrent puts so the bound holds', async () => {
    const store = await PendingFrameStore.open(dir, randomBytes(32), 10_000);
    const ids = Array.from({ length: 30 }, () => newId());
    await Promise.all(
      ids.map((id) =>
        store.put(id, { frames: [{ image: frame(900, 9), capturedAt: null }], conditions: null }),
      ),
    );
    const files = fs.readdirSync(dir);
    const onDisk = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
    assert.equal(onDisk, store.usedBytes);
    assert.ok(onDisk <= 10_000);
    assert.equal(files.length, store.count);
  });

  it('removes half-written temp files when it opens', async () => {
    fs.writeFileSync(path.join(dir, `${newId()}.frames.abc.tmp`), 'partial');
    const store = await PendingFrameStore.open(dir, randomBytes(32), 1e6);
    assert.equal(store.count, 0);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
