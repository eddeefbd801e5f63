/**
 * One copy of the model being trained, in one thread: its variables. Data-parallel training runs
 * one replica per worker thread; the weights and Adam's state live once in shared memory (adam.ts)
 * and every replica copies the current weights in before it computes gradients.
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

export class CaeReplica {
  private readonly names: string[];
  private readonly variableNames: Map<string, string>;

  private constructor(
    private readonly tf: Tf,
    private readonly arch: CaeArchitecture,
    private readonly vars: ParameterTensors,
    private readonly sizes: number[],
  ) {
    this.names = parameterSpecs(arch).map((s) => s.name);
    this.variableNames = new Map(this.names.map((n) => [n, (vars[n] as tfTypes.Variable).name]));
  }

  static async create(arch: CaeArchitecture, flatParams: Float32Array): Promise<CaeReplica> {
    const tf = await loadTf();
    const params = unflattenParameters(arch, flatParams);
    const vars = toTensors(tf, params, `cae${++replicaCounter}`);
    return new CaeReplica(
      tf,
      arch,
      vars,
      params.map((p) => p.values.length),
    );
  }

  private input(batch: Float32Array, n: number): tfTypes.Tensor4D {
    return this.tf.tensor4d(batch, [n, this.arch.inputHeight, this.arch.inputWidth, 3]);
  }

  /**
   * Gradients of the batch's mean loss, flattened in parameter-spec order into `out`; returns
   * the loss.
   */
  gradientsInto(batch: Float32Array, n: number, out: Float32Array): number {
    const tf = this.tf;
    let loss = 0;
    // tidy returns nothing: it would walk every element of a returned typed array looking for tensors.
    tf.tidy(() => {
      const x = this.input(batch, n);
      const varList = this.names.map((name) => this.vars[name] as tfTypes.Variable);
      const { value, grads } = tf.variableGrads(
        () => reconstructionLoss(tf, x, reconstruct(tf, this.arch, this.vars, x)),
        varList,
      );
      let offset = 0;
      this.names.forEach((name, i) => {
        out.set(grads[this.variableNames.get(name)!]!.dataSync() as Float32Array, offset);
        offset += this.sizes[i]!;
      });
      loss = value.dataSync()[0]!;
    });
    return loss;
  }

  /** Replaces the weights (flat, spec order). */
  setParameters(flat: Float32Array): void {
    const tf = this.tf;
    let offset = 0;
    this.names.forEach((name, i) => {
      const size = this.sizes[i]!;
      const variable = this.vars[name] as tfTypes.Variable;
      tf.tidy(() => variable.assign(tf.tensor(flat.subarray(offset, offset + size), variable.shape)));
      offset += size;
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

  dispose(): void {
    for (const t of Object.values(this.vars)) t.dispose();
  }
}
