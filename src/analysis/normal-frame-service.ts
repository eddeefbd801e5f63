/**
 * Owners teach the camera what normal looks like from its own false positives. The server keeps
 * event frames only as ciphertext to the owner, so the owner decrypts the frame on their machine
 * and sends it back; the service checks it is that frame of that event (its brightness, contrast,
 * sharpness and saturation equal what the analysis measured), stores it as a `normal` snapshot of
 * the camera and queues a job that updates the baseline and re-scores the event. The dataset grows,
 * so training automation retrains the camera's model once enough such frames have come in.
 */
import sharp from 'sharp';
import { AppError } from '../errors/app-error.js';
import type { DatasetService } from '../datasets/dataset-service.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { frameFeatures, type FrameFeatures } from '../vision/frame-features.js';
import type { AnalysisService } from './analysis-service.js';
import type { FrameAnalysis } from './types.js';
import type { JobPayloads, JobType } from '../jobs/job-types.js';

export const LEARN_NORMAL_JOB = 'events.learn-normal-frame' satisfies JobType;

export type LearnNormalPayload = JobPayloads['events.learn-normal-frame'];

export interface NormalFrameOutcome {
  snapshotId: string;
  /** `duplicate` when the camera already had this exact image as a snapshot. */
  status: 'accepted' | 'duplicate';
  jobId: string;
}

export class NormalFrameService {
  constructor(
    private readonly analysis: AnalysisService,
    private readonly datasets: DatasetService,
    private readonly queue: JobQueue,
  ) {}

  async addEventFrame(eventId: string, frame: number, image: Buffer): Promise<NormalFrameOutcome> {
    const report = await this.analysis.report(eventId);
    const measured = report.inputs.frames[frame];
    if (!measured)
      throw new AppError(
        'not_found',
        `event ${eventId} has no frame ${frame} (it has ${report.inputs.frames.length})`,
      );
    await assertSameFrame(image, measured, `frame ${frame} of event ${eventId}`);
    const dataset = await this.datasets.defaultDataset(report.cameraId);
    const outcome = await this.datasets.addSnapshot(
      dataset,
      {
        label: 'normal',
        image,
        capturedAt: measured.capturedAt,
        conditions: { light: report.inputs.light },
      },
      null,
    );
    this.datasets.announceUpdate(dataset, outcome.status === 'accepted' ? 1 : 0);
    const payload: LearnNormalPayload = {
      eventId,
      cameraId: report.cameraId,
      frame,
      snapshotId: outcome.snapshotId,
    };
    const { job } = await this.queue.enqueue(LEARN_NORMAL_JOB, payload, {
      dedupeKey: `learn-normal:${eventId}:${outcome.snapshotId}`,
    });
    return { snapshotId: outcome.snapshotId, status: outcome.status, jobId: job.id };
  }
}

/**
 * The owner's decrypted bytes are the very frame the edge sent, so the picture statistics the
 * analysis stored match to rounding; a different picture (another frame, a re-encoded or edited
 * one) does not. The tolerances only absorb a different image decoder after an upgrade.
 */
async function assertSameFrame(image: Buffer, measured: FrameAnalysis, what: string): Promise<void> {
  let features: FrameFeatures;
  let size: { width?: number; height?: number };
  try {
    [features, size] = await Promise.all([frameFeatures(image), sharp(image).metadata()]);
  } catch {
    throw new AppError('validation_failed', `the body is not a readable image (expected ${what})`);
  }
  const differs =
    size.width !== measured.width ||
    size.height !== measured.height ||
    Math.abs(features.mean - measured.brightness) > 0.002 ||
    Math.abs(features.std - measured.brightnessStd) > 0.002 ||
    // Reports from before sharpness and saturation were measured compare on the rest.
    (measured.saturated !== undefined && Math.abs(features.saturated - measured.saturated) > 0.002) ||
    (measured.sharpness !== undefined &&
      Math.abs(features.sharpness - measured.sharpness) > 0.02 * measured.sharpness + 1e-4);
  if (differs)
    throw new AppError(
      'validation_failed',
      `the image is not ${what}: send the decrypted snapshot itself (its size or picture statistics differ from what the analysis measured)`,
      { field: 'body' },
    );
}
