import os from 'node:os';
import { z } from 'zod';

/** Config sections for labelled datasets and model training (see schema.ts for the rest). */
const positiveInt = z.number().int().positive();
const GiB = 1024 * 1024 * 1024;

export const datasetsSchema = z
  .strictObject({
    maxImageBytes: positiveInt.max(100 * 1024 * 1024).default(10 * 1024 * 1024),
    /** Images with a side shorter than this are refused (too small to train on). */
    minImageSide: positiveInt.max(4096).default(64),
    maxImageSide: positiveInt.max(16384).default(4096),
    /** Per-dataset quota unless the dataset sets its own. */
    defaultQuotaBytes: positiveInt.default(2 * GiB),
    /** All datasets together. */
    totalQuotaBytes: positiveInt.default(20 * GiB),
    zip: z
      .strictObject({
        maxArchiveBytes: positiveInt.default(2 * GiB),
        maxEntries: positiveInt.max(1_000_000).default(20_000),
        maxUncompressedBytes: positiveInt.default(4 * GiB),
        /** An entry that expands more than this many times its compressed size is a bomb. */
        maxCompressionRatio: positiveInt.max(10_000).default(200),
      })
      .prefault({}),
  })
  .prefault({});

export const trainingSchema = z
  .strictObject({
    /** Queue a training job when a camera becomes ready for training and its dataset has enough normal images. */
    autoTrain: z.boolean().default(true),
    /**
     * A camera with a model retrains (and gets the new version) once its normal snapshots have
     * grown by this share since its last training: 0.5 = 50 % more. 0 = never on its own.
     */
    retrainGrowth: z.number().min(0).max(100).default(0.5),
    /** Worker threads of one training job (data-parallel); default: one per core, at most 4. */
    workers: positiveInt.max(16).default(Math.max(1, Math.min(4, os.availableParallelism()))),
    inputWidth: positiveInt.max(640).default(128),
    inputHeight: positiveInt.max(640).default(128),
    channels: z.array(positiveInt.max(256)).min(3).max(4).default([16, 32, 64, 64]),
    latentDim: positiveInt.max(1024).default(128),
    epochs: positiveInt.max(1000).default(30),
    /**
     * At least this many optimiser steps, whatever the epoch count: 50 snapshots are 3 batches, and
     * 30 epochs of them leave the model blurry (patience scales along). 0 = epochs only.
     */
    minSteps: z.number().int().min(0).max(100_000).default(600),
    batchSize: positiveInt.max(256).default(16),
    learningRate: z.number().positive().max(1).default(1e-3),
    validationSplit: z.number().min(0.05).max(0.5).default(0.2),
    patience: positiveInt.max(1000).default(5),
    minDelta: z.number().min(0).default(1e-5),
    augment: z.boolean().default(true),
    /** Threshold over held-out normal scores: a percentile, or mean + k * std. */
    thresholdRule: z.enum(['percentile', 'mean_std']).default('percentile'),
    thresholdPercentile: z.number().min(50).max(100).default(99),
    thresholdK: z.number().min(0).max(20).default(3),
    /** The rule's threshold times this: later footage drifts above the held-out images (see calibrate-model.ts). */
    thresholdMargin: z.number().min(1).max(20).default(2.5),
  })
  .prefault({});

const smallObjectSide = z
  .number()
  .int()
  .min(0)
  .max(2048)
  .refine((v) => v === 0 || (v > 512 && v % 32 === 0), {
    message: 'must be 0 (off) or a multiple of 32 above 512',
  });

export const visionSchema = z
  .strictObject({
    /** centernet (built in) or yolo (a YOLOv8/YOLO11 ONNX file the user supplies in yoloModelPath). */
    detector: z.enum(['centernet', 'yolo']).default('centernet'),
    /**
     * What runs CenterNet: onnx (onnxruntime on the graph converted at load, ~3x faster on CPU) or
     * tfjs (the original TF.js graph on the wasm backend, the fallback). YOLO always runs on onnx.
     */
    runtime: z.enum(['onnx', 'tfjs']).default('onnx'),
    /** onnxruntime threads per inference worker (workers x threads should not exceed the cores). */
    onnxThreads: positiveInt.max(64).default(1),
    yoloModelPath: z.string().min(1).optional(),
    /** Inference worker threads; each loads the model once. Default: one per core. */
    workers: positiveInt.max(32).default(Math.max(1, os.availableParallelism())),
    /** Requests waiting for a worker beyond this are refused (503) rather than queued without bound. */
    maxQueue: positiveInt.max(100_000).default(200),
    /** Load the detector in every worker when the service starts (else on the first detection). */
    warmUp: z.boolean().default(true),
    minScore: z.number().min(0).max(1).default(0.3),
    /** Per-class score thresholds, e.g. { person: 0.4, car: 0.5 }. */
    classMinScore: z.record(z.string(), z.number().min(0).max(1)).default({}),
    /** Box area as a share of the image. */
    minArea: z.number().min(0).max(1).default(0.0002),
    maxArea: z.number().min(0).max(1).default(0.9),
    /** Box width / height. */
    minRatio: z.number().min(0).default(0.05),
    maxRatio: z.number().min(0).default(20),
    nms: z.enum(['agnostic', 'per_class']).default('agnostic'),
    iouThreshold: z.number().min(0).max(1).default(0.5),
    maxDetections: positiveInt.max(1000).default(100),
    /**
     * CenterNet's small-object pass: after the model's own 512x512 view of the frame, a second pass
     * at this longer side (the frame's aspect kept, rounded to multiples of 32) adds the small
     * objects (at most a fifth of the frame tall) the first did not see. 768 sees a 768x576 camera
     * at its own resolution (a 60 px dog: 0/15 found without, 15/15 with, about 2.5x the time).
     * Larger helps in larger frames, at the square of the cost; 0 turns it off. A user's YOLO
     * export keeps its own fixed input and ignores it.
     */
    smallObjectSide: smallObjectSide.default(768),
    /** Per camera id, overrides smallObjectSide (a wide 1080p view: 1280; a doorway camera: 0). */
    cameraSmallObjectSide: z.record(z.string(), smallObjectSide).default({}),
  })
  .prefault({})
  .refine((v) => v.detector !== 'yolo' || v.yoloModelPath !== undefined, {
    message: 'vision.yoloModelPath is required when vision.detector is yolo',
    path: ['yoloModelPath'],
  });

export const baselineSchema = z
  .strictObject({
    /** Update a camera's baseline (detecting only new snapshots) whenever its normal snapshots change. */
    autoUpdate: z.boolean().default(true),
    gridCols: positiveInt.max(64).default(16),
    gridRows: positiveInt.max(64).default(12),
    /** Boxes of one class in different snapshots are the same object above this IoU. */
    staticIou: z.number().min(0.1).max(1).default(0.5),
    /** Share of snapshots an object must be in (at a stable place) to be an expected static object. */
    staticPresence: z.number().min(0.1).max(1).default(0.6),
  })
  .prefault({});

const unit = z.number().min(0).max(1);

export const analysisSchema = z
  .strictObject({
    /** Analyse every accepted event (detector, tracks, CAE, baseline, risk). */
    enabled: z.boolean().default(true),
    /**
     * Bytes of event frames that may wait for analysis (on disk, encrypted with the service's key,
     * deleted once analysed); beyond it the oldest waiting events are dropped and marked failed.
     */
    frameBufferBytes: positiveInt.default(1024 * 1024 * 1024),
    /** Where frames wait for analysis; relative to dataDir. */
    pendingDir: z.string().min(1).default('analysis-pending'),
    /** Events of one camera closer than this form one incident. */
    incidentWindowSeconds: positiveInt.max(86_400).default(120),
    /** Events of the edge's other cameras this close in time are linked. */
    relatedWindowSeconds: positiveInt.max(86_400).default(60),
    /** How long a suppression rule learned from a false positive lasts. */
    suppressionDays: positiveInt.max(3650).default(30),
    newObjectPresence: unit.default(0.05),
    rareTimeShare: unit.default(0.05),
    minTimeSamples: positiveInt.max(10_000).default(5),
    rareCellShare: unit.default(0.01),
    sceneChangeRatio: z.number().min(1).max(100).default(2),
    explainedShare: unit.default(0.3),
    /** Best detection score a track needs before it raises object findings (weak guesses only count). */
    minFindingScore: unit.default(0.4),
    /** Seconds a class may stay before it is loitering; `default` for the others. */
    dwellSeconds: z.record(z.string(), positiveInt.max(86_400)).default({ default: 60, person: 45 }),
    /** Risk weights: per finding type and per class (0..1), the level thresholds. */
    findingWeights: z.record(z.string(), unit).default({}),
    classWeights: z.record(z.string(), unit).default({}),
    criticalAt: z.number().min(1).max(100).default(70),
    warningAt: z.number().min(1).max(100).default(35),
  })
  .prefault({});

export const modelsSchema = z
  .strictObject({
    /** Roll a camera back when its trigger rate after activation exceeds this many times the previous model's. */
    rollbackTriggerRateRatio: z.number().min(1).max(1000).default(3),
    /** Trigger rates below this (per hour) never count as a spike. */
    minTriggerRatePerHour: z.number().min(0).default(2),
    /** Roll back when inference on the edge is slower than this. */
    maxInferenceLatencyMs: positiveInt.max(60_000).default(1000),
    /** Model downloads served at once; more edges wait their turn (bounds memory). */
    maxConcurrentDownloads: positiveInt.max(10_000).default(16),
    /**
     * Model files kept in memory for downloads during a rollout (bytes; a model over a quarter of
     * this is always read from the store). 0 turns the cache off.
     */
    downloadCacheBytes: z
      .number()
      .int()
      .min(0)
      .default(96 * 1024 * 1024),
    /** How often staged rollouts are checked (soak over, abort threshold). */
    advanceIntervalSeconds: positiveInt.max(3600).default(15),
  })
  .prefault({});
