/**
 * Accepted events on their way to analysis: their frames are stored (encrypted, on disk) before
 * the event is committed and acknowledged, and the analysis job is queued after. At start,
 * `resumeUnfinished` repairs what a crash interrupted: every event whose analysis has not ended is
 * queued again (the queue's dedupe key keeps one job per event), an event without frames is marked
 * failed with the reason, and frames of an event that was never committed are deleted.
 */
import type { AcceptedEvent, AnalysisIntake } from '../events/event-ingest-service.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Logger } from '../logging/logger.js';
import { ANALYSIS_JOB } from './analysis-job.js';
import type { AnalysisRepository } from './analysis-repository.js';
import type { PendingFrameStore } from './pending-frames.js';

export const analysisDedupeKey = (eventId: string) => `analyze:${eventId}`;

export class PendingAnalysisIntake implements AnalysisIntake {
  constructor(
    private readonly store: PendingFrameStore,
    private readonly repo: AnalysisRepository,
    private readonly queue: JobQueue,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async hold(e: AcceptedEvent): Promise<void> {
    const limit = `analysis.frameBufferBytes = ${this.store.maxBytes}`;
    for (const id of await this.store.put(e.eventId, { frames: e.frames, conditions: e.conditions })) {
      // The new event itself is not committed yet: `schedule` records its reason.
      if (id === e.eventId) continue;
      const reason = `its frames were dropped before analysis to make room for newer events (${limit} bytes may wait)`;
      this.log.warn({ eventId: id, reason }, 'event will not be analysed');
      await this.repo.setStatus(id, 'failed', this.now(), reason);
    }
  }

  release(eventId: string): Promise<void> {
    return this.store.remove(eventId);
  }

  async schedule(e: AcceptedEvent): Promise<void> {
    if (!this.store.has(e.eventId)) {
      const reason = `its frames found no room to wait for analysis (analysis.frameBufferBytes = ${this.store.maxBytes})`;
      this.log.warn({ eventId: e.eventId, reason }, 'event will not be analysed');
      await this.repo.setStatus(e.eventId, 'failed', this.now(), reason);
      return;
    }
    await this.queue.enqueue(
      ANALYSIS_JOB,
      { eventId: e.eventId },
      { dedupeKey: analysisDedupeKey(e.eventId) },
    );
  }

  async resumeUnfinished(): Promise<{ queued: number; failed: number; orphans: number }> {
    let queued = 0;
    let failed = 0;
    for (const eventId of await this.repo.unfinishedIds()) {
      if (this.store.has(eventId)) {
        const { created } = await this.queue.enqueue(
          ANALYSIS_JOB,
          { eventId },
          { dedupeKey: analysisDedupeKey(eventId) },
        );
        if (created) queued++;
      } else {
        await this.repo.setStatus(
          eventId,
          'failed',
          this.now(),
          'its frames were not kept for analysis (stored by a version that held them in memory only, or removed from the data directory)',
        );
        failed++;
      }
    }
    const waiting = this.store.ids();
    const committed = await this.repo.existingIds(waiting);
    const orphans = waiting.filter((id) => !committed.has(id));
    for (const id of orphans) await this.store.remove(id);
    if (queued + failed + orphans.length > 0)
      this.log.info({ queued, failed, orphans: orphans.length }, 'resumed analyses interrupted by a stop');
    return { queued, failed, orphans: orphans.length };
  }
}
