import { AppError } from '../errors/app-error.js';

const VERSION_LINE = 'age-encryption.org/v1\n';
const NONCE = 16;
/** STREAM: 64 KiB of plaintext per chunk, each sealed with a 16-byte Poly1305 tag. */
const CHUNK = 64 * 1024 + 16;
const B64 = /^[A-Za-z0-9+/]*$/;
/** Enough to hold any header we accept, and to judge the payload's first bytes. */
export const AGE_INSPECT_BYTES = 128 * 1024;

function notAge(why: string): AppError {
  return new AppError(
    'validation_failed',
    `the clip is not an age-encrypted file (${why}); plaintext is refused: encrypt it on the edge to the owner's recipient`,
  );
}

/**
 * Checks that a file is a binary age v1 file, as far as anyone without the owner's key can:
 * the version line, every recipient stanza (`-> type args` and a base64 body wrapped at 64
 * columns, ended by a short line), the `---` MAC line, and a payload whose length fits the
 * STREAM framing (a 16-byte nonce, then chunks of 64 KiB + 16 with a non-empty last one). The
 * payload must also look like ciphertext: no media container signature, and its bytes spread
 * as evenly as random bytes (a chi-square bound no real ciphertext comes near). `head` is the
 * file's first bytes (up to AGE_INSPECT_BYTES), `size` its whole length.
 */
export function assertAgeFile(head: Buffer, size: number): void {
  const text = head.toString('latin1');
  if (!text.startsWith(VERSION_LINE)) throw notAge('no age v1 version line');
  let at = VERSION_LINE.length;
  const line = () => {
    const end = text.indexOf('\n', at);
    if (end < 0) throw notAge('the header does not end');
    const l = text.slice(at, end);
    at = end + 1;
    return l;
  };
  let stanzas = 0;
  let next = line();
  while (next.startsWith('-> ')) {
    const args = next.slice(3).split(' ');
    if (args.some((a) => a.length === 0 || !/^[\x21-\x7e]+$/.test(a)))
      throw notAge('a malformed stanza line');
    for (;;) {
      const body = line();
      if (body.length > 64 || !B64.test(body)) throw notAge('a malformed stanza body');
      if (body.length < 64) break;
    }
    stanzas++;
    next = line();
  }
  if (stanzas === 0) throw notAge('no recipient stanza');
  const mac = /^--- ([A-Za-z0-9+/]{43})$/.exec(next);
  if (!mac) throw notAge('no header MAC line');
  const payload = size - at;
  const chunks = payload - NONCE;
  const last = chunks - Math.max(0, Math.ceil(chunks / CHUNK) - 1) * CHUNK;
  if (chunks < 16 || last < 16 || (chunks > CHUNK && last === 16))
    throw notAge(`a payload of ${payload} bytes does not fit age's chunked framing`);
  assertLooksEncrypted(head.subarray(at));
}

const SIGNATURES: [string, Buffer, number][] = [
  ['MP4/MOV', Buffer.from('ftyp'), 4],
  ['JPEG', Buffer.from([0xff, 0xd8, 0xff]), 0],
  ['Matroska/WebM', Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), 0],
  ['RIFF/AVI', Buffer.from('RIFF'), 0],
  ['MPEG-TS', Buffer.from([0x47]), 188],
];

function assertLooksEncrypted(payload: Buffer): void {
  for (const [name, sig, offset] of SIGNATURES) {
    for (const start of [0, NONCE]) {
      const at = start + offset;
      if (name === 'MPEG-TS') {
        if (payload.length > start + 188 * 3 && [0, 188, 376].every((o) => payload[start + o] === 0x47))
          throw notAge(`the payload is plaintext ${name}`);
      } else if (payload.subarray(at, at + sig.length).equals(sig))
        throw notAge(`the payload is plaintext ${name}`);
    }
  }
  if (payload.length < 4096) return;
  const counts = new Float64Array(256);
  for (const b of payload) counts[b]!++;
  const expected = payload.length / 256;
  let chi = 0;
  for (const c of counts) chi += (c - expected) ** 2 / expected;
  // 255 degrees of freedom: mean 255, sd ~22.6; 600 is ~15 sd out.
  if (chi > 600) throw notAge('the payload is not random-looking ciphertext');
}
