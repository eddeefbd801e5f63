import { newId } from '../db/ids.js';
import type { EventsTable } from '../db/tables.js';
import type { CameraAccess } from '../edges/camera-access.js';
import type { EdgeIdentity } from '../edges/edge-identity.js';
import { assertTimeMs } from '../errors/value-checks.js';
import { AppError } from '../errors/app-error.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Logger } from '../logging/logger.js';
import { cameraBucket } from '../storage/keys.js';
import { ARCHIVE_JOB } from './archive-job.js';
import type { EventRepository } from './event-repository.js';
import type { FrameLimits } from './frame-validation.js';
import type { PreparedEvent, PrepareEventInput } from './event-preparation.js';
import type { Spool } from './spool.js';

export interface IncomingEvent {
  cameraId: string;
  eventKey: string;
  startedAt: number;
  endedAt: number | null;
  trigger: EventsTable['trigger_type'];
  edgeModelId: string;
  edgeModelVersion: string;
  edgeScore: number | null;
  edgeThreshold: number | null;
  edgeDetections: { className: string; score: number; box: [number, number, number, number] | null }[];
  frames: { image: Uint8Array; capturedAt: number | null }[];
  conditions: Record<string, string> | null;
  clipExpected: boolean;
}

export interface AcceptedEvent {
  eventId: string;
  cameraId: string;
  frames: { image: Uint8Array; capturedAt: number | null }[];
  conditions: Record<string, string> | null;
}

/**
 * Where accepted events go for analysis. `hold` stores the frames durably before the event is
 * committed (so no committed event can lack them); `release` undoes it for an event that was not
 * stored after all; `schedule` queues the analysis once the event is committed.
 */
export interface AnalysisIntake {
  hold(event: AcceptedEvent): Promise<void>;
  release(eventId: string): Promise<void>;
  schedule(event: AcceptedEvent): Promise<void>;
}

/** Validates, encrypts and spools an event's files (in a worker thread in production). */
export type EventPreparer = (input: PrepareEventInput) => Promise<PreparedEvent>;

export interface IngestSettings extends FrameLimits {
  recipients: readonly string[];
  maxFramesPerEvent: number;
  maxEventAgeHours: number;
  maxClockSkewSeconds: number;
  bucketPrefix: string;
  spoolRoot: string;
}

/**
 * Accepts an event: everything is validated first; frames are encrypted to the owner and written
 * durably to the local spool with the event's metadata.json (in a worker thread); the event and
 * its archive objects are committed in one transaction; only then is it acknowledged. Archiving
 * to the object store happens afterwards in a job, so an unreachable store never loses or refuses
 * an event. A retry with the same (edge, event key) returns the same event and stores nothing
 * again.
 */
export class EventIngestService {
  constructor(
    private readonly events: EventRepository,
    private readonly access: CameraAccess,
    private readonly prepare: EventPreparer,
    private readonly spool: Spool,
    private readonly jobs: JobQueue,
    private readonly settings: IngestSettings,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  private analysis?: AnalysisIntake;

  /** Analysis registers here: accepted events' frames go to it before they are acknowledged. */
  sendForAnalysis(intake: AnalysisIntake): void {
    this.analysis = intake;
  }

  async uploadEvent(
    identity: EdgeIdentity,
    input: IncomingEvent,
  ): Promise<{ eventId: string; created: boolean }> {
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(input.eventKey))
      throw new AppError(
        'validation_failed',
        'event_key must be 1-128 letters, digits, ".", "_", ":" or "-"',
      );
    const existing = await this.events.findByEdgeKey(identity.edgeId, input.eventKey);
    if (existing) return { eventId: existing.id, created: false };

    await this.access.assertAllowed(identity, input.cameraId);
    this.validateTimes(input);
    this.validateScores(input);
    if (input.frames.length === 0)
      throw new AppError('validation_failed', 'an event needs at least one frame');
    if (input.frames.length > this.settings.maxFramesPerEvent)
      throw new AppError('validation_failed', `at most ${this.settings.maxFramesPerEvent} frames per event`);
    if (input.edgeDetections.length > 500)
      throw new AppError('validation_failed', 'at most 500 edge detections per event');
    if (this.settings.recipients.length === 0) {
      throw new AppError(
        'unavailable',
        'the owner has not configured archive.recipients; events cannot be stored encrypted yet',
      );
    }
    const eventId = newId();
    const prepared = await this.prepare({
      spoolRoot: this.settings.spoolRoot,
      frames: input.frames.map((f) => f.image),
      limits: {
        maxFrameBytes: this.settings.maxFrameBytes,
        maxFrameWidth: this.settings.maxFrameWidth,
        maxFrameHeight: this.settings.maxFrameHeight,
      },
      recipients: this.settings.recipients,
      metadata: {
        eventId,
        cameraId: input.cameraId,
        edgeId: identity.edgeId,
        edgeEventKey: input.eventKey,
        trigger: input.trigger,
        startedAt: input.startedAt,
        endedAt: input.endedAt,
        edgeModel: {
          id: input.edgeModelId || null,
          version: input.edgeModelVersion || null,
          score: input.edgeScore,
          threshold: input.edgeThreshold,
        },
        edgeDetections: input.edgeDetections,
        conditions: input.conditions,
        framesCapturedAt: input.frames.map((f) => f.capturedAt),
      },
    });
    const accepted: AcceptedEvent = {
      eventId,
      cameraId: input.cameraId,
      frames: input.frames,
      conditions: input.conditions,
    };
    try {
      await this.analysis?.hold(accepted);
    } catch (err) {
      await this.spool.removeTree(`events/${eventId}`);
      this.log.error({ err, eventId }, 'event frames could not be stored for analysis');
      throw new AppError(
        'unavailable',
        'the service cannot store event frames for analysis; retry later',
        undefined,
        { cause: err },
      );
    }
    const bucket = cameraBucket(input.cameraId, this.settings.bucketPrefix);
    const now = this.now();
    // Each spooled file is an archive object waiting for the object store.
    const objects = prepared.files.map((file) => ({
      id: newId(),
      event_id: eventId,
      camera_id: input.cameraId,
      kind: file.kind,
      bucket,
      key: file.key,
      size: file.size,
      sha256: file.sha256,
      status: 'pending' as const,
      spool_path: file.path,
      error: null,
      created_at: now,
      updated_at: now,
    }));
    try {
      await this.events.insertWithObjects(
        {
          id: eventId,
          camera_id: input.cameraId,
          edge_id: identity.edgeId,
          edge_event_key: input.eventKey,
          trigger_type: input.trigger,
          started_at: input.startedAt,
          ended_at: input.endedAt,
          edge_model_id: input.edgeModelId || null,
          edge_model_version: input.edgeModelVersion || null,
          edge_score: input.edgeScore,
          edge_threshold: input.edgeThreshold,
          edge_detections: JSON.stringify(input.edgeDetections),
          frame_count: input.frames.length,
          has_clip: 0,
          risk_score: null,
          risk_level: null,
          explanation: null,
          report: null,
          incident_id: null,
          created_at: now,
          updated_at: now,
        },
        objects,
      );
    } catch (err) {
      // Nothing of a refused event stays in the spool or waits for analysis.
      await this.spool.removeTree(`events/${eventId}`);
      await this.analysis?.release(eventId);
      // Two uploads of the same event raced: the other one won; answer with its id.
      const raced = await this.events.findByEdgeKey(identity.edgeId, input.eventKey);
      if (raced) return { eventId: raced.id, created: false };
      throw err;
    }
    await this.jobs.enqueue(ARCHIVE_JOB, { eventId }, { dedupeKey: eventId });
    // The event and its frames are durable: a failure to queue here is repaired at the next start.
    await this.analysis
      ?.schedule(accepted)
      .catch((err) => this.log.error({ err, eventId }, 'event could not be queued for analysis'));
    this.log.info(
      {
        eventId,
        cameraId: input.cameraId,
        edgeId: identity.edgeId,
        frames: input.frames.length,
        trigger: input.trigger,
      },
      'event accepted',
    );
    return { eventId, created: true };
  }

  private validateTimes(input: IncomingEvent): void {
    const now = this.now();
    if (!Number.isFinite(input.startedAt) || input.startedAt <= 0)
      throw new AppError('validation_failed', 'started_at_ms is required');
    if (input.startedAt > now + this.settings.maxClockSkewSeconds * 1000)
      throw new AppError(
        'validation_failed',
        `started_at_ms is ${Math.round((input.startedAt - now) / 1000)} s in the future; check the edge clock`,
      );
    if (input.startedAt < now - this.settings.maxEventAgeHours * 3_600_000)
      throw new AppError(
        'validation_failed',
        `started_at_ms is older than ${this.settings.maxEventAgeHours} h`,
      );
    if (input.endedAt !== null && input.endedAt < input.startedAt)
      throw new AppError('validation_failed', 'ended_at_ms is before started_at_ms');
    if (input.endedAt !== null && input.endedAt > now + this.settings.maxClockSkewSeconds * 1000)
      throw new AppError('validation_failed', 'ended_at_ms is in the future; check the edge clock');
    for (const [i, f] of input.frames.entries())
      if (f.capturedAt !== null) assertTimeMs(f.capturedAt, `frames[${i}].captured_at_ms`);
  }

  /** Stored scores are rendered on every read of the event: only finite numbers get in. */
  private validateScores(input: IncomingEvent): void {
    const finite = (v: number | null, field: string) => {
      if (v !== null && !Number.isFinite(v))
        throw new AppError('validation_failed', `${field} must be a finite number, not ${v}`);
    };
    finite(input.edgeScore, 'edge_score');
    finite(input.edgeThreshold, 'edge_threshold');
    for (const [i, d] of input.edgeDetections.entries()) {
      finite(d.score, `edge_detections[${i}].score`);
      d.box?.forEach((v, j) => finite(v, `edge_detections[${i}].box[${j}]`));
    }
  }
}
