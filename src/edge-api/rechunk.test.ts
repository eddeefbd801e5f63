import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rechunk } from './rechunk.js';

async function collect(pieces: number[], size: number): Promise<Uint8Array[]> {
  let n = 0;
  const input = pieces.map((len) => Uint8Array.from({ length: len }, () => n++ % 251));
  const out: Uint8Array[] = [];
  for await (const c of rechunk(
    (async function* () {
      yield* input;
    })(),
    size,
  ))
    out.push(c);
  return out;
}

describe('rechunk', () => {
  it('cuts any input into full pieces of the size, then the rest, keeping every byte in order', async () => {
    for (const pieces of [[10], [3, 3, 3, 3], [25], [1, 9, 1, 30, 0, 4], []]) {
      const out = await collect(pieces, 8);
      const total = pieces.reduce((a, b) => a + b, 0);
      assert.deepEqual(
        out.map((c) => c.length),
        [...Array(Math.floor(total / 8)).fill(8), ...(total % 8 ? [total % 8] : [])],
        JSON.stringify(pieces),
      );
      const joined = Buffer.concat(out);
      assert.ok(
        joined.every((b, i) => b === i % 251),
        'bytes in order',
      );
    }
  });
});
