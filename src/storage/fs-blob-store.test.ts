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
});
