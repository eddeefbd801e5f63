import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { decodeImage } from './decode.js';

describe('image decoding', () => {
  it('honours EXIF orientation, so boxes refer to the upright picture', async () => {
    // 60x40 stored, orientation 6 (rotate 90 degrees clockwise to view): upright it is 40x60.
    const stored = await sharp({ create: { width: 60, height: 40, channels: 3, background: 'white' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const img = await decodeImage(stored);
    assert.deepEqual([img.width, img.height, img.data.length], [40, 60, 40 * 60 * 3]);
  });

  it('refuses what is not an image', async () => {
    await assert.rejects(decodeImage(Buffer.from('nope')), /cannot be decoded/);
  });
});
