import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isAppError } from '../errors/app-error.js';
import type { BlobStore } from './blob-store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function rejectsWith(code: string) {
  return (err: unknown) => {
    assert.ok(isAppError(err), `expected AppError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  };
}

async function collect(store: BlobStore, bucket: string, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const s of store.list(bucket, prefix)) keys.push(s.key);
  return keys.sort();
}

/**
 * The behaviour every BlobStore must have. Each implementation's test file calls this with a
 * factory; `bucket` must be unique per run so runs against a shared real server do not collide.
 */
export function blobStoreContract(
  name: string,
  setup: () => Promise<{ store: BlobStore; bucket: string }>,
): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let bucket: string;

    it('setup: creates its bucket idempotently', async () => {
      ({ store, bucket } = await setup());
      await store.ensureBucket(bucket);
      await store.ensureBucket(bucket);
      await store.ping();
    });

    it('puts a buffer and reads it back with size and sha256', async () => {
      const data = randomBytes(4096);
      const info = await store.put(bucket, 'a/one.bin', data, {
        contentType: 'application/octet-stream',
        sha256: sha(data),
      });
      assert.equal(info.size, 4096);
      assert.equal(info.sha256, sha(data));
      const read = await store.get(bucket, 'a/one.bin');
      assert.deepEqual(await readAll(read.stream), data);
      const st = await store.stat(bucket, 'a/one.bin');
      assert.equal(st?.size, 4096);
      assert.equal(st?.sha256, sha(data));
    });

    it('puts a stream with declared size and sha256', async () => {
      const data = randomBytes(300_000);
      const info = await store.put(
        bucket,
        'streams/s.bin',
        Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
        {
          size: data.length,
          sha256: sha(data),
        },
      );
      assert.equal(info.sha256, sha(data));
      assert.deepEqual(await readAll((await store.get(bucket, 'streams/s.bin')).stream), data);
    });

    it('puts a multi-part-sized object (20 MB) intact', async () => {
      const data = randomBytes(20 * 1024 * 1024);
      await store.put(bucket, 'big/twenty.bin', Readable.from([data]), {
        size: data.length,
        sha256: sha(data),
      });
      const back = await readAll((await store.get(bucket, 'big/twenty.bin')).stream);
      assert.equal(back.length, data.length);
      assert.equal(sha(back), sha(data));
      await store.delete(bucket, 'big/twenty.bin');
    });

    it('refuses a sha256 mismatch and keeps nothing', async () => {
      const data = randomBytes(1000);
      await assert.rejects(
        store.put(bucket, 'bad/sha.bin', data, { sha256: 'f'.repeat(64) }),
        rejectsWith('integrity_mismatch'),
      );
      assert.equal(await store.stat(bucket, 'bad/sha.bin'), null);
    });

    it('refuses a size mismatch (too short and too long) and keeps nothing', async () => {
      const data = randomBytes(1000);
      await assert.rejects(
        store.put(bucket, 'bad/short.bin', Readable.from([data]), { size: 2000 }),
        rejectsWith('integrity_mismatch'),
      );
      await assert.rejects(
        store.put(bucket, 'bad/long.bin', Readable.from([data]), { size: 10 }),
        rejectsWith('integrity_mismatch'),
      );
      assert.equal(await store.stat(bucket, 'bad/short.bin'), null);
      assert.equal(await store.stat(bucket, 'bad/long.bin'), null);
    });

    it('keeps nothing when the source stream fails midway', async () => {
      const failing = new Readable({
        read() {
          this.push(randomBytes(1000));
          this.destroy(new Error('edge went away'));
        },
      });
      await assert.rejects(store.put(bucket, 'bad/broken.bin', failing));
      assert.equal(await store.stat(bucket, 'bad/broken.bin'), null);
    });

    it('takes a local file: stored intact and the file gone; on a mismatch refused and the file kept', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-putfile-'));
      try {
        const data = randomBytes(300_000);
        const file = path.join(dir, 'frame.age');
        fs.writeFileSync(file, data);
        await assert.rejects(
          store.putFile(bucket, 'file/refused.age', file, {
            size: data.length,
            sha256: sha(Buffer.from('other')),
          }),
          rejectsWith('integrity_mismatch'),
        );
        assert.ok(fs.existsSync(file), 'a refused file stays for a retry');
        assert.equal(await store.stat(bucket, 'file/refused.age'), null);
        const info = await store.putFile(bucket, 'file/taken.age', file, {
          size: data.length,
          sha256: sha(data),
        });
        assert.equal(info.sha256, sha(data));
        assert.equal(fs.existsSync(file), false);
        const read = await store.get(bucket, 'file/taken.age');
        assert.ok((await readAll(read.stream)).equals(data));
        assert.equal((await store.stat(bucket, 'file/taken.age'))?.sha256, sha(data));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reads byte ranges and refuses ranges outside the object', async () => {
      const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
      await store.put(bucket, 'range/r.bin', data);
      const mid = await store.get(bucket, 'range/r.bin', { start: 10, end: 19 });
      assert.equal(mid.size, 1000);
      assert.deepEqual(await readAll(mid.stream), data.subarray(10, 20));
      const last = await store.get(bucket, 'range/r.bin', { start: 999, end: 999 });
      assert.deepEqual(await readAll(last.stream), data.subarray(999));
      await assert.rejects(
        store.get(bucket, 'range/r.bin', { start: 1000, end: 1001 }),
        rejectsWith('range_not_satisfiable'),
      );
      await assert.rejects(
        store.get(bucket, 'range/r.bin', { start: 5, end: 4 }),
        rejectsWith('range_not_satisfiable'),
      );
    });

    it('reports absent objects as not_found / null', async () => {
      await assert.rejects(store.get(bucket, 'nope/missing.bin'), rejectsWith('not_found'));
      assert.equal(await store.stat(bucket, 'nope/missing.bin'), null);
    });

    it('overwrites an existing key', async () => {
      await store.put(bucket, 'ow/x.txt', Buffer.from('first'));
      await store.put(bucket, 'ow/x.txt', Buffer.from('second version'));
      assert.equal(
        (await readAll((await store.get(bucket, 'ow/x.txt')).stream)).toString(),
        'second version',
      );
    });

    it('lists by prefix, recursively', async () => {
      for (const k of ['list/a.txt', 'list/b/c.txt', 'list/b/d.txt', 'listing-other.txt'])
        await store.put(bucket, k, Buffer.from(k));
      assert.deepEqual(await collect(store, bucket, 'list/'), ['list/a.txt', 'list/b/c.txt', 'list/b/d.txt']);
      assert.deepEqual(await collect(store, bucket, 'list/b/'), ['list/b/c.txt', 'list/b/d.txt']);
      assert.deepEqual(await collect(store, bucket, 'list'), [
        'list/a.txt',
        'list/b/c.txt',
        'list/b/d.txt',
        'listing-other.txt',
      ]);
      const sizes = [];
      for await (const s of store.list(bucket, 'list/a')) sizes.push(s.size);
      assert.deepEqual(sizes, [Buffer.byteLength('list/a.txt')]);
    });

    it('deletes, and deleting an absent key is not an error', async () => {
      await store.put(bucket, 'del/x.txt', Buffer.from('x'));
      await store.delete(bucket, 'del/x.txt');
      assert.equal(await store.stat(bucket, 'del/x.txt'), null);
      await store.delete(bucket, 'del/x.txt');
    });

    it('refuses unsafe keys and bucket names', async () => {
      for (const key of [
        '../escape',
        '/etc/passwd',
        'a/../../b',
        'a/./b',
        'nul\0byte',
        'a//b',
        '',
        'back\\slash',
      ]) {
        await assert.rejects(
          store.put(bucket, key, Buffer.from('x')),
          rejectsWith('invalid_blob_key'),
          `key ${JSON.stringify(key)}`,
        );
        await assert.rejects(
          store.get(bucket, key),
          rejectsWith('invalid_blob_key'),
          `get ${JSON.stringify(key)}`,
        );
      }
      for (const b of ['..', 'UPPER', 'a', '-lead', 'has_underscore', 'x'.repeat(64)]) {
        await assert.rejects(
          store.put(b, 'k', Buffer.from('x')),
          rejectsWith('invalid_blob_key'),
          `bucket ${b}`,
        );
      }
    });

    it('lists nothing for a bucket that does not exist', async () => {
      assert.deepEqual(await collect(store, `${bucket.slice(0, 50)}-absent`), []);
    });
  });
}
