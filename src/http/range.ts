import { AppError } from '../errors/app-error.js';
import type { ByteRange } from '../storage/blob-store.js';

/**
 * Parses a single-range `Range: bytes=...` header against an object of `size` bytes:
 * `a-b`, `a-` (to the end) and `-n` (the last n bytes). No header, another unit or several ranges:
 * undefined (serve the whole object, as RFC 9110 allows). An unsatisfiable range: 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, startText, endText] = match;
  let start: number;
  let end: number;
  if (startText === '' && endText === '') return undefined;
  if (startText === '') {
    const suffix = Number(endText);
    if (suffix === 0) throw unsatisfiable(header, size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(startText);
    end = endText === '' ? size - 1 : Math.min(Number(endText), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start > end || start >= size)
    throw unsatisfiable(header, size);
  return { start, end };
}

function unsatisfiable(header: string, size: number): AppError {
  return new AppError('range_not_satisfiable', `range ${header} is outside the object (${size} bytes)`, {
    size,
  });
}
