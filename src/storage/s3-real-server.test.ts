import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { blobStoreContract } from './blob-store.contract.js';
import { S3BlobStore } from './s3-blob-store.js';

/**
 * The contract against a real S3 server, when one is configured (CI starts OpenStack Swift with
 * s3api on loopback: scripts/ci/start-swift-s3.sh). Set UVMTEST_S3_ENDPOINT=host:port,
 * UVMTEST_S3_ACCESS_KEY and UVMTEST_S3_SECRET_KEY to run it.
 */
const endpoint = process.env.UVMTEST_S3_ENDPOINT;
if (endpoint) {
  const [host, port] = endpoint.split(':');
  blobStoreContract(`S3 (real server at ${endpoint})`, async () => ({
    store: new S3BlobStore({
      endPoint: host!,
      port: Number(port),
      useSsl: false,
      accessKey: process.env.UVMTEST_S3_ACCESS_KEY ?? '',
      secretKey: process.env.UVMTEST_S3_SECRET_KEY ?? '',
      region: process.env.UVMTEST_S3_REGION ?? 'us-east-1',
      pathStyle: true,
      bucketPrefix: '',
    }),
    bucket: `camera-contract-${randomBytes(4).toString('hex')}`,
  }));
} else {
  describe('BlobStore contract: real S3 server', () => {
    it('skipped: UVMTEST_S3_ENDPOINT is not set (CI sets it)', { skip: true }, () => {});
  });
}
