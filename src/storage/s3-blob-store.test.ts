import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { durableS3rver } from '../test-support/durable-s3rver.js';
import { blobStoreContract } from './blob-store.contract.js';
import { S3BlobStore } from './s3-blob-store.js';

// In-process S3 server so `npm test` needs nothing installed; CI also runs the same contract
// against a real S3 server (s3-real-server.test.ts).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uvm-s3rver-'));
const server = durableS3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir });
let port = 0;

before(async () => {
  const address = await server.run();
  port = address.port;
});
after(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const storeFor = (p: number) =>
  new S3BlobStore({
    endPoint: '127.0.0.1',
    port: p,
    useSsl: false,
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    region: 'us-east-1',
    pathStyle: true,
    bucketPrefix: '',
  });

blobStoreContract('S3 (s3rver in process)', async () => ({
  store: storeFor(port),
  bucket: 'camera-contract',
}));

describe('S3BlobStore when the server is unreachable', () => {
  it('ping rejects instead of hanging', async () => {
    const store = storeFor(1); // nothing listens on port 1
    await assert.rejects(store.ping());
  });
});
