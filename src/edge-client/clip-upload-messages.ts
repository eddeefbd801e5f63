import { createHash } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { UploadClipRequestSchema } from '../gen/guardian/edge/v1/events_pb.js';

type UploadClipRequest = MessageInitShape<typeof UploadClipRequestSchema>;

/**
 * The request stream of `EventService.UploadClip`: a header with the clip's declared size and
 * sha256 and the offset the upload resumes from, then the ciphertext from that offset in chunks.
 */
export async function* clipUploadMessages(
  eventId: string,
  ciphertext: Uint8Array,
  options: { offset?: number; chunkBytes?: number; sha256?: string } = {},
): AsyncGenerator<UploadClipRequest> {
  const { offset = 0, chunkBytes = 1 << 20 } = options;
  const sha256 = options.sha256 ?? createHash('sha256').update(ciphertext).digest('hex');
  yield {
    part: {
      case: 'header',
      value: { eventId, size: BigInt(ciphertext.length), sha256, offset: BigInt(offset) },
    },
  };
  for (let at = offset; at < ciphertext.length; at += chunkBytes)
    yield { part: { case: 'chunk', value: ciphertext.subarray(at, at + chunkBytes) } };
}
