/**
 * Owners teach the camera. A false positive turns each finding of the event into a suppression
 * rule scoped to its class, finding type, place (the object's box, widened a little) and time of
 * day (an hour either side), expiring after `suppressionDays`; the event itself becomes
 * false_positive. Confirmed and missed (false negative) are recorded for model quality figures.
 */
import { AppError } from '../errors/app-error.js';
import { newId } from '../db/ids.js';
import type { AnalysisRepository } from './analysis-repository.js';
import type { AnalysisService } from './analysis-service.js';

export type FeedbackKind = 'false_positive' | 'confirmed' | 'false_negative';

export class FeedbackService {
  constructor(
    private readonly repo: AnalysisRepository,
    private readonly analysis: AnalysisService,
    private readonly settings: { suppressionDays: number },
    private readonly now: () => number = Date.now,
  ) {}

  async give(eventId: string, input: { kind: FeedbackKind; comment?: string; actor: string | null }) {
    const event = await this.repo.getEvent(eventId);
    if (!event) throw new AppError('not_found', `event ${eventId} does not exist`);
    if (input.kind !== 'false_negative' && event.analysis_status !== 'analyzed') {
      throw new AppError(
        'conflict',
        `event ${eventId} is not analysed yet (${event.analysis_status}); give feedback once it has a report`,
      );
    }
    const id = newId();
    const now = this.now();
    await this.repo.addFeedback({
      id,
      eventId,
      cameraId: event.camera_id,
      kind: input.kind,
      comment: input.comment ?? null,
      createdBy: input.actor,
      now,
    });
    const rules: string[] = [];
    if (input.kind === 'false_positive') {
      const report = await this.analysis.report(eventId);
      const hour = report.inputs.hour;
      for (const f of report.findings) {
        const region = f.box
          ? {
              x1: Math.max(0, f.box.x1 - 0.1),
              y1: Math.max(0, f.box.y1 - 0.1),
              x2: Math.min(1, f.box.x2 + 0.1),
              y2: Math.min(1, f.box.y2 + 0.1),
            }
          : null;
        rules.push(
          await this.repo.addRule({
            cameraId: event.camera_id,
            className: f.label ?? null,
            findingType: f.type,
            region,
            hours: [(hour + 23) % 24, (hour + 1) % 24],
            feedbackId: id,
            expiresAt: now + this.settings.suppressionDays * 86_400_000,
            now,
          }),
        );
      }
      const risk = {
        score: 0,
        level: 'false_positive' as const,
        factors: [...report.risk.factors, { factor: 'owner_feedback', effect: 0 }],
      };
      await this.repo.markFalsePositive(eventId, { ...report, risk }, now);
    }
    return { feedbackId: id, kind: input.kind, suppressionRules: rules.length };
  }

  /**
   * Model quality for the owner: feedback counts and the false-positive rate among events the owner
   * judged, events per day and the risk distribution over the last `days` days.
   */
  async quality(cameraId: string, days = 7) {
    const counts = await this.counts(cameraId);
    const judged = counts.falsePositives + counts.confirmed;
    const stats = await this.repo.cameraEventStats(cameraId, this.now() - days * 86_400_000);
    const total = Object.values(stats.levels).reduce((a, b) => a + b, 0);
    return {
      ...counts,
      days,
      falsePositiveRate: judged === 0 ? null : counts.falsePositives / judged,
      events: total,
      eventsPerDay: total / days,
      byDay: stats.days,
      riskDistribution: stats.levels,
    };
  }

  async counts(cameraId: string) {
    const counts = await this.repo.feedbackCounts(cameraId);
    const rules = await this.repo.activeRules(cameraId, this.now());
    return {
      cameraId,
      falsePositives: counts.false_positive ?? 0,
      confirmed: counts.confirmed ?? 0,
      falseNegatives: counts.false_negative ?? 0,
      activeSuppressionRules: rules.length,
    };
  }
}
