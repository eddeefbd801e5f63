/**
 * Registration check of a stored model package (`models/{id}/model.onnx` + `metadata.json`): both
 * exist, agree (sha256, size, id), and the ONNX file loads in onnxruntime-node with the inputs and
 * outputs the metadata names.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { createSession } from '../ml/onnx-runtime.js';
import type { BlobStore } from '../storage/blob-store.js';
import { MODELS_BUCKET, type ModelMetadata } from '../training/model-package.js';

async function read(blobs: BlobStore, key: string): Promise<Buffer> {
  const r = await blobs.get(MODELS_BUCKET, key).catch(() => {
    throw new AppError('validation_failed', `models/${key} is missing`);
  });
  const chunks: Buffer[] = [];
  for await (const c of r.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function checkStoredModel(blobs: BlobStore, modelId: string): Promise<ModelMetadata> {
  const onnx = await read(blobs, `${modelId}/model.onnx`);
  let metadata: ModelMetadata;
  try {
    metadata = JSON.parse((await read(blobs, `${modelId}/metadata.json`)).toString('utf8')) as ModelMetadata;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('validation_failed', `models/${modelId}/metadata.json is not valid JSON`);
  }
  const problems: string[] = [];
  if (metadata.model_id !== modelId) problems.push(`metadata names model ${metadata.model_id}`);
  const sha = createHash('sha256').update(onnx).digest('hex');
  if (metadata.sha256 !== sha)
    problems.push(`metadata sha256 ${metadata.sha256} does not match the file's ${sha}`);
  if (metadata.size !== onnx.length)
    problems.push(`metadata size ${metadata.size} does not match the file's ${onnx.length}`);
  try {
    const session = await createSession(onnx);
    const inputs = session.inputNames;
    const outputs = session.outputNames;
    await session.release();
    if (metadata.input?.name && !inputs.includes(metadata.input.name))
      problems.push(`the model has no input ${metadata.input.name} (it has ${inputs.join(', ')})`);
    for (const o of Object.values(metadata.outputs ?? {}))
      if (!outputs.includes(o)) problems.push(`the model has no output ${o}`);
  } catch (err) {
    problems.push(`onnxruntime cannot load it: ${(err as Error).message}`);
  }
  if (problems.length)
    throw new AppError('validation_failed', `model ${modelId} cannot be registered: ${problems.join('; ')}`);
  return metadata;
}
