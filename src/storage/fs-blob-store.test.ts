import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { blobStoreContract } from './blob-store.contract.js';
import { FsBlobStore } from './fs-blob-store.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-fs-store-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

blobStoreContract('filesystem', async () => ({ store: new FsBlobStore(root), bucket: 'camera-contract' }));

describe('FsBlobStore specifics', () => {
  it('never writes outside its root, and leaves no temp files after a failed put', async () => {
    const store = new FsBlobStore(path.join(root, 'inner'));
    await assert.rejects(store.put('camera-x', '../../outside.txt', Buffer.from('x')));
    assert.equal(fs.existsSync(path.join(root, 'outside.txt')), false);
    await assert.rejects(store.put('camera-x', 'k.bin', Buffer.from('abc'), { size: 5 }));
    assert.deepEqual(fs.readdirSync(path.join(root, 'inner', '.tmp')), []);
  });

  it('removes folders left empty by a delete, and keeps working when a folder it made is removed behind its back', async () => {
    const dir = path.join(root, 'folders');
    const store = new FsBlobStore(dir);
    await store.put('camera-f', 'events/e1/a.age', Buffer.from('a'));
    await store.put('camera-f', 'events/e1/b.age', Buffer.from('b'));
    await store.delete('camera-f', 'events/e1/a.age');
    assert.ok(fs.existsSync(path.join(dir, 'camera-f/objects/events/e1')), 'still holds b');
    await store.delete('camera-f', 'events/e1/b.age');
    assert.equal(fs.existsSync(path.join(dir, 'camera-f/objects/events')), false);
    assert.equal(fs.existsSync(path.join(dir, 'camera-f/meta/events')), false);
    assert.ok(fs.existsSync(path.join(dir, 'camera-f/objects')), 'the bucket stays');

    // The store remembers the folders it made; an operator removes one: the next put still lands.
    await store.put('camera-f', 'events/e2/a.age', Buffer.from('a'));
    fs.rmSync(path.join(dir, 'camera-f'), { recursive: true });
    await store.put('camera-f', 'events/e2/b.age', Buffer.from('bb'));
    const read = await store.get('camera-f', 'events/e2/b.age');
    const chunks: Buffer[] = [];
    for await (const c of read.stream) chunks.push(c as Buffer);
    assert.equal(Buffer.concat(chunks).toString(), 'bb');
  });
});
