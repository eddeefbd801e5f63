/**
 * One copy of the model being trained, in one thread: its variables and its Adam state.
 * Data-parallel training runs one replica per worker thread; every replica applies the same
 * averaged gradients with the same optimizer, so all copies stay bit-identical.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { loadTf } from '../ml/tfjs-wasm.js';
import type { CaeArchitecture } from './cae-architecture.js';
import {
  reconstruct,
  imageScores,
  reconstructionLoss,
  toTensors,
  type ParameterTensors,
} from './cae-model.js';
import { parameterSpecs, unflattenParameters } from './cae-parameters.js';

type Tf = typeof tfTypes;
let replicaCounter = 0;

export interface GradientResult {
  loss: number;
  /** Gradients of the mean loss over the batch, flattened in parameter-spec order. */
  grads: Float32Array;
}

export class CaeReplica {
  private readonly names: string[];
  private readonly variableNames: Map<string, string>;

  private constructor(
    private readonly tf: Tf,
    private readonly arch: CaeArchitecture,
    private readonly vars: ParameterTensors,
    private readonly optimizer: tfTypes.AdamOptimizer,
    private readonly sizes: number[],
  ) {
    this.names = parameterSpecs(arch).map((s) => s.name);
    this.variableNames = new Map(this.names.map((n) => [n, (vars[n] as tfTypes.Variable).name]));
  }

  static async create(
    arch: CaeArchitecture,
    flatParams: Float32Array,
    learningRate: number,
  ): Promise<CaeReplica> {
    const tf = await loadTf();
    const params = unflattenParameters(arch, flatParams);
    const vars = toTensors(tf, params, `cae${++replicaCounter}`);
    const optimizer = tf.train.adam(learningRate);
    return new CaeReplica(
      tf,
      arch,
      vars,
      optimizer,
      params.map((p) => p.values.length),
    );
  }

  private input(batch: Float32Array, n: number): tfTypes.Tensor4D {
    return this.tf.tensor4d(batch, [n, this.arch.inputHeight, this.arch.inputWidth, 3]);
  }

  gradients(batch: Float32Array, n: number): GradientResult {
    const tf = this.tf;
    let result: GradientResult | undefined;
    // tidy returns nothing: it would walk every element of a returned typed array looking for tensors.
    tf.tidy(() => {
      const x = this.input(batch, n);
      const varList = this.names.map((name) => this.vars[name] as tfTypes.Variable);
      const { value, grads } = tf.variableGrads(
        () => reconstructionLoss(tf, x, reconstruct(tf, this.arch, this.vars, x)),
        varList,
      );
      const flat = new Float32Array(this.sizes.reduce((a, b) => a + b, 0));
      let offset = 0;
      for (const name of this.names) {
        flat.set(grads[this.variableNames.get(name)!]!.dataSync() as Float32Array, offset);
        offset += this.sizes[this.names.indexOf(name)]!;
      }
      result = { loss: value.dataSync()[0]!, grads: flat };
    });
    return result!;
  }

  /** One Adam step with already averaged gradients (spec order). */
  applyGradients(flat: Float32Array): void {
    const tf = this.tf;
    tf.tidy(() => {
      const named: Record<string, tfTypes.Tensor> = {};
      let offset = 0;
      this.names.forEach((name, i) => {
        const size = this.sizes[i]!;
        named[this.variableNames.get(name)!] = tf.tensor(
          flat.subarray(offset, offset + size),
          this.vars[name]!.shape,
        );
        offset += size;
      });
      // Adam reads gradients by variable name; its typing wants Variables but only reads values.
      this.optimizer.applyGradients(
        named as unknown as Parameters<tfTypes.AdamOptimizer['applyGradients']>[0],
      );
    });
  }

  /** Mean loss and per-image scores, without touching the weights. */
  evaluate(batch: Float32Array, n: number): { loss: number; scores: Float32Array } {
    const tf = this.tf;
    const scores = tf.tidy(() => {
      const x = this.input(batch, n);
      return imageScores(tf, x, reconstruct(tf, this.arch, this.vars, x));
    });
    const values = Float32Array.from(scores.dataSync() as Float32Array);
    scores.dispose();
    return { loss: values.reduce((a, b) => a + b, 0) / Math.max(n, 1), scores: values };
  }

  parameters(): Float32Array {
    const out = new Float32Array(this.sizes.reduce((a, b) => a + b, 0));
    let offset = 0;
    this.names.forEach((name, i) => {
      out.set(this.vars[name]!.dataSync() as Float32Array, offset);
      offset += this.sizes[i]!;
    });
    return out;
  }

  dispose(): void {
    for (const t of Object.values(this.vars)) t.dispose();
    this.optimizer.dispose();
  }
}
