import fs from 'node:fs/promises';
import S3rver from 's3rver';

interface FilesystemStore {
  putObject(object: { bucket: string; key: string }): Promise<{ size: number; md5: string }>;
  getResourcePath(bucket: string, key: string, resource: string): string;
}

/**
 * s3rver 3.7 acknowledges a PUT before the object's bytes reach its file (it resolves after
 * `writeStream.end()` for buffers and on the transform's `finish` for streams), so a HEAD right
 * after a PUT can see 0 bytes under load. Real S3 servers answer only once the object is stored.
 * This wraps its store so a PUT completes only when the file holds all its bytes, making the
 * in-process stand-in durable-on-ack like the servers it stands in for.
 */
export function durableS3rver(options: ConstructorParameters<typeof S3rver>[0]): S3rver {
  const server = new S3rver(options);
  const store = (server as unknown as { store: FilesystemStore }).store;
  const putObject = store.putObject.bind(store);
  store.putObject = async (object) => {
    const result = await putObject(object);
    const file = store.getResourcePath(object.bucket, object.key, 'object');
    for (let i = 0; i < 500; i++) {
      const size = await fs.stat(file).then(
        (s) => s.size,
        () => -1,
      );
      if (size === result.size) return result;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`s3rver did not finish writing ${object.bucket}/${object.key}`);
  };
  return server;
}
