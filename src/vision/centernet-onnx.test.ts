/**
 * The converted CenterNet on onnxruntime against the original TF.js graph on tfjs, on real frames
 * (a street camera, a bus, a dog, a person), at the model's own 512x512 view and with the
 * small-object pass: after the filters and NMS both must find the same objects, boxes within
 * IoU 0.9 and scores within 0.02. The converter refuses ops it does not know.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CenterNetDetector,
  centernetModelPath,
  centernetVersion,
  conversionSha256,
  VALIDATED_CONVERSIONS,
} from './centernet-detector.js';
import { resizedGraph } from './centernet-graph.js';
import { centernetToOnnx } from './centernet-onnx.js';
import { runDetection } from './detection.js';
import { DEFAULT_FILTERS, iou } from './postprocess.js';
import type { Detection } from './types.js';

const frames = [
  'test/fixtures/vtest-baseline/frame-0001.jpg',
  'test/fixtures/vtest-baseline/frame-0041.jpg',
  'test/fixtures/vtest-day/frame-0009.jpg',
  'test/fixtures/images/bus.jpg',
  'test/fixtures/images/dog.jpg',
  'test/fixtures/images/person.jpg',
].map((f) => fs.readFileSync(path.resolve(f)));

describe('CenterNet on onnxruntime (converted) against tfjs', () => {
  let onnx: CenterNetDetector;
  let tfjs: CenterNetDetector;
  before(async () => {
    [onnx, tfjs] = await Promise.all([
      CenterNetDetector.load({ runtime: 'onnx' }),
      CenterNetDetector.load({ runtime: 'tfjs' }),
    ]);
  });
  after(async () => {
    await onnx.dispose();
    await tfjs.dispose();
  });

  const agree = (a: Detection[], b: Detection[], where: string) => {
    assert.equal(a.length, b.length, `${where}: ${a.map((d) => d.label)} vs ${b.map((d) => d.label)}`);
    for (const d of a) {
      const match = b.find((e) => e.label === d.label && iou(e.box, d.box) >= 0.9);
      assert.ok(match, `${where}: ${d.label} ${d.score.toFixed(3)} has a twin`);
      assert.ok(
        Math.abs(match.score - d.score) <= 0.02,
        `${where}: ${d.label} scores ${d.score} vs ${match.score}`,
      );
    }
  };

  it('finds the same objects, boxes and scores on real frames', async () => {
    let compared = 0;
    for (const [i, image] of frames.entries())
      for (const smallObjectSide of [0, 768]) {
        const [a, b] = await Promise.all([
          runDetection(onnx, DEFAULT_FILTERS, { image, smallObjectSide }),
          runDetection(tfjs, DEFAULT_FILTERS, { image, smallObjectSide }),
        ]);
        agree(a.detections, b.detections, `frame ${i} side ${smallObjectSide}`);
        compared += a.detections.length;
      }
    assert.ok(compared >= 30, `objects compared: ${compared}`);
    assert.equal(onnx.info.runtime, 'onnx');
    assert.equal(tfjs.info.runtime, 'tfjs');
  });

  it('records the sha256 of exactly the conversion this test validated', () => {
    const modelPath = centernetModelPath();
    const json = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
    const weights = fs.readFileSync(path.join(path.dirname(modelPath), 'centernet.bin'));
    assert.equal(VALIDATED_CONVERSIONS[centernetVersion()], conversionSha256(json, weights));
  });

  it('refuses a graph with an op it does not know', () => {
    const modelPath = centernetModelPath();
    const json = JSON.parse(fs.readFileSync(modelPath, 'utf8'));
    const weights = fs.readFileSync(path.join(path.dirname(modelPath), 'centernet.bin'));
    const artifacts = resizedGraph(json, weights, 512, 512);
    const topology = artifacts.modelTopology as { node: { op: string }[] };
    topology.node.find((n) => n.op === 'Sigmoid')!.op = 'Softplus';
    assert.throws(
      () => centernetToOnnx(artifacts, { width: 512, height: 512 }),
      /op Softplus .* is not supported/,
    );
  });
});
