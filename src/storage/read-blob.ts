import type { BlobStore } from './blob-store.js';

/** A whole (small) object in memory: snapshots, model files, metadata. */
export async function readBlob(store: BlobStore, bucket: string, key: string): Promise<Buffer> {
  const read = await store.get(bucket, key);
  const chunks: Buffer[] = [];
  for await (const chunk of read.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
