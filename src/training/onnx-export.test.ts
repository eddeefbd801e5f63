import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from '../gen/onnx/onnx_subset_pb.js';
import { SeededRandom } from './random.js';
import { initParameters } from './cae-parameters.js';
import type { CaeArchitecture } from './cae-architecture.js';
import { exportCaeToOnnx, ONNX_OPSET, permute } from './onnx-export.js';
import { validateOnnxExport } from './onnx-validate.js';

function randomImages(arch: CaeArchitecture, count: number, seed: number): Float32Array {
  const r = new SeededRandom(seed);
  return Float32Array.from({ length: count * arch.inputHeight * arch.inputWidth * 3 }, () => r.next());
}

describe('ONNX export of the CAE', () => {
  it('permute reorders axes like a transpose', () => {
    // [2,3] -> [3,2]
    assert.deepEqual([...permute(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0])], [1, 4, 2, 5, 3, 6]);
  });

  for (const arch of [
    { inputHeight: 64, inputWidth: 64, channels: [8, 16, 16], latentDim: 32, kernelSize: 3 },
    // Odd sizes (asymmetric "same" pads at several levels), a non-square input and 4 blocks.
    { inputHeight: 60, inputWidth: 80, channels: [8, 8, 16, 16], latentDim: 24, kernelSize: 3 },
    { inputHeight: 48, inputWidth: 48, channels: [4, 8, 8], latentDim: 16, kernelSize: 4 },
  ] satisfies CaeArchitecture[]) {
    it(`matches tfjs in onnxruntime on random weights (${arch.inputWidth}x${arch.inputHeight}, k${arch.kernelSize})`, async () => {
      const params = initParameters(arch, 7);
      // Non-zero biases so that a mis-ordered bias would show.
      const r = new SeededRandom(9);
      for (const p of params)
        if (p.name.endsWith('.bias')) p.values.forEach((_, i) => (p.values[i] = r.normal() * 0.1));
      const onnx = exportCaeToOnnx(arch, params, { metadata: { camera_id: 'cam-1' } });
      const check = await validateOnnxExport(onnx, arch, params, randomImages(arch, 3, 1), 3);
      assert.ok(check.passed, `max difference ${JSON.stringify(check.maxDiff)}`);
      assert.ok(check.maxAbsDiff < 1e-5);

      const model = fromBinary(ModelProtoSchema, onnx);
      assert.equal(model.opsetImport[0]?.version, BigInt(ONNX_OPSET));
      assert.deepEqual(
        model.graph?.output.map((o) => o.name),
        ['recon', 'score', 'error_map'],
      );
      assert.deepEqual(
        model.metadataProps.map((m) => [m.key, m.value]),
        [['camera_id', 'cam-1']],
      );
      const ops = new Set(model.graph?.node.map((n) => n.opType));
      assert.deepEqual([...ops].sort(), [
        'Conv',
        'ConvTranspose',
        'Gemm',
        'Mul',
        'ReduceMean',
        'Relu',
        'Reshape',
        'Sigmoid',
        'Sub',
      ]);
    });
  }

  it('the validation catches a wrong export', async () => {
    const arch = { inputHeight: 32, inputWidth: 32, channels: [4, 8, 8], latentDim: 16, kernelSize: 3 };
    const params = initParameters(arch, 3);
    const onnx = exportCaeToOnnx(arch, params);
    const other = initParameters(arch, 4);
    const check = await validateOnnxExport(onnx, arch, other, randomImages(arch, 2, 5), 2);
    assert.equal(check.passed, false);
  });
});
