import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelBytesCache } from './model-bytes-cache.js';

describe('ModelBytesCache', () => {
  it('loads a model once, drops the least recently used past the bound, and never holds a large one', async () => {
    const cache = new ModelBytesCache(100);
    const loads: string[] = [];
    const load = (id: string, size: number) => () => {
      loads.push(id);
      return Promise.resolve(Buffer.alloc(size, id));
    };
    assert.equal((await cache.get('a', 20, load('a', 20)))!.length, 20);
    await cache.get('a', 20, load('a', 20));
    assert.deepEqual(loads, ['a'], 'the second download is served from memory');
    await cache.get('b', 25, load('b', 25));
    await cache.get('c', 25, load('c', 25));
    await cache.get('a', 20, load('a', 20)); // a is now the most recently used
    await cache.get('d', 25, load('d', 25)); // 95 bytes: all fit
    await cache.get('e', 25, load('e', 25)); // 120 > 100: b (least recent) leaves
    assert.equal(cache.heldBytes, 95);
    await cache.get('b', 25, load('b', 25));
    assert.deepEqual(loads, ['a', 'b', 'c', 'd', 'e', 'b']);
    assert.equal(await cache.get('huge', 26, load('huge', 26)), null, 'over a quarter of the bound');
  });

  it('forgets a failed load so the next download tries again', async () => {
    const cache = new ModelBytesCache(100);
    await assert.rejects(
      cache.get('a', 10, () => Promise.reject(new Error('store down'))),
      /store down/,
    );
    await new Promise((r) => setImmediate(r));
    assert.equal(cache.heldBytes, 0);
    assert.equal((await cache.get('a', 10, () => Promise.resolve(Buffer.alloc(10))))!.length, 10);
  });
});
