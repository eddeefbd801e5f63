import type { Config } from '../config/schema.js';
import { resolveDataPath } from '../config/load.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

export function createBlobStore(config: Config): BlobStore {
  if (config.storage.driver === 's3' && config.storage.s3) return new S3BlobStore(config.storage.s3);
  return new FsBlobStore(resolveDataPath(config, config.storage.fs.root));
}
