/**
 * The one import point for onnxruntime-node (CPU execution provider, bundled binaries). Sessions
 * use one intra-op thread by default: the service runs several sessions side by side in worker
 * threads and leaves scheduling across cores to them.
 */
import * as ort from 'onnxruntime-node';

export { ort };

export async function createSession(model: Uint8Array | string, threads = 1): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model as Uint8Array, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
}
