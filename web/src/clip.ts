/**
 * What a decrypted clip holds: the server stores ciphertext only, so the container is known only
 * here, from the plaintext's first bytes. MP4 (an `ftyp` box) plays in <video>; motion JPEG (JPEG
 * images back to back, what the reference edge records) is split into frames and shown in turn.
 */
export type Clip = { kind: 'mp4'; blob: Blob } | { kind: 'mjpeg'; frames: Blob[] };

export function readClip(plain: Uint8Array): Clip {
  const ascii = (at: number, n: number) => String.fromCharCode(...plain.subarray(at, at + n));
  if (plain.length > 12 && ascii(4, 4) === 'ftyp')
    return { kind: 'mp4', blob: new Blob([plain as Uint8Array<ArrayBuffer>], { type: 'video/mp4' }) };
  if (plain[0] === 0xff && plain[1] === 0xd8) return { kind: 'mjpeg', frames: splitJpegs(plain) };
  throw new Error('the clip is neither MP4 nor motion JPEG');
}

/** JPEG images back to back: each starts with SOI (FF D8 FF) where the previous one ended. */
function splitJpegs(bytes: Uint8Array): Blob[] {
  const starts: number[] = [];
  for (let i = 0; i + 2 < bytes.length; i++)
    if (
      bytes[i] === 0xff &&
      bytes[i + 1] === 0xd8 &&
      bytes[i + 2] === 0xff &&
      (i === 0 || endsImage(bytes, i))
    )
      starts.push(i);
  return starts.map(
    (s, k) =>
      new Blob([bytes.subarray(s, starts[k + 1] ?? bytes.length) as Uint8Array<ArrayBuffer>], {
        type: 'image/jpeg',
      }),
  );
}

/** A new image starts only right after an EOI marker (FF D9), not at FF D8 inside entropy data. */
const endsImage = (bytes: Uint8Array, at: number) => bytes[at - 2] === 0xff && bytes[at - 1] === 0xd9;
