import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { isAppError } from '../errors/app-error.js';
import type { ByteRange } from '../storage/blob-store.js';
import { parseRange } from './range.js';

interface Described {
  size: number;
  sha256: string;
  key: string;
}

/**
 * Streams an archived (encrypted) object with HTTP range semantics: Accept-Ranges, 206 with
 * Content-Range, 416 with `Content-Range: bytes * /size`, ETag = sha256 and 304 on If-None-Match.
 * Memory stays constant: the body is piped from the store.
 */
export async function sendArchivedObject(
  request: FastifyRequest,
  reply: FastifyReply,
  object: Described,
  open: (range?: ByteRange) => Promise<{ stream: Readable; range?: ByteRange }>,
): Promise<FastifyReply> {
  const etag = `"${object.sha256}"`;
  reply.header('accept-ranges', 'bytes').header('etag', etag);
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  let range: ByteRange | undefined;
  try {
    range = parseRange(request.headers.range, object.size);
  } catch (err) {
    if (isAppError(err) && err.code === 'range_not_satisfiable')
      reply.header('content-range', `bytes */${object.size}`);
    throw err;
  }
  const read = await open(range);
  reply
    .header('content-type', 'application/octet-stream')
    .header('content-disposition', `attachment; filename="${object.key.split('/').pop()}"`);
  if (read.range) {
    reply
      .code(206)
      .header('content-range', `bytes ${read.range.start}-${read.range.end}/${object.size}`)
      .header('content-length', read.range.end - read.range.start + 1);
  } else {
    reply.header('content-length', object.size);
  }
  return reply.send(read.stream);
}
