/**
 * The analysis pipeline of one event: detect on every frame, track across frames, score with the
 * camera's CAE on the server (and compare with the edge), reason against the baseline, correlate
 * (incident, repeated findings, other cameras of the edge), score the risk, explain it, store it.
 * `rescore` repeats the reasoning from the stored inputs (no frames needed), e.g. after feedback.
 */
import { AppError } from '../errors/app-error.js';
import type { BaselineService, BaselineView } from '../baseline/baseline-service.js';
import type { DetectionService } from '../vision/detection-service.js';
import type { CameraDetection } from '../vision/detector-factory.js';
import type { AnalysisRepository } from './analysis-repository.js';
import type { CaeScorer } from './cae-scorer.js';
import { explain } from './explanation.js';
import { frameFeatures, lightOf } from '../vision/frame-features.js';
import type { PendingFrameStore } from './pending-frames.js';
import type { IncidentRepository } from './incident-repository.js';
import { matchStatic, reason, type ReasoningOptions } from './reasoning.js';
import { scoreRisk, type RiskWeights } from './risk.js';
import { baselineEvidence, thinBaselineNote, type BaselineEvidence } from './baseline-evidence.js';
import { trackObjects } from './tracker.js';
import type { CaeResult, Finding, FrameAnalysis, RiskLevel } from './types.js';

export interface AnalysisSettings {
  reasoning: ReasoningOptions;
  weights: RiskWeights;
  incidentWindowMs: number;
  relatedWindowMs: number;
  detector: CameraDetection;
}

/** What rescoring needs, stored in the report (detections, not pixels). */
interface ReportInputs {
  frames: FrameAnalysis[];
  cae: CaeResult | null;
  hour: number;
  minute: number;
  light: string;
}

export interface EventReport {
  eventId: string;
  cameraId: string;
  analyzedAt: string;
  risk: { score: number; level: RiskLevel; factors: { factor: string; effect: number }[] };
  explanation: string;
  findings: Finding[];
  suppressed: Finding[];
  objects: {
    trackId: number;
    label: string;
    frames: number[];
    dwellSeconds: number;
    speed: number;
    static: string | null;
    meanScore: number;
  }[];
  incident: { id: string; events: number } | null;
  related: { eventId: string; cameraId: string; startedAt: string; riskLevel: string | null }[];
  edgeComparison: {
    edgeScore: number | null;
    edgeThreshold: number | null;
    serverScore: number | null;
    serverThreshold: number | null;
    agree: boolean | null;
  };
  models: {
    detector: string;
    baseline: { version: number; snapshotCount: number; evidence: BaselineEvidence } | null;
    cae: { modelId: string; version: string } | null;
    edge: { modelId: string | null; version: string | null };
  };
  inputs: ReportInputs;
}

export class AnalysisService {
  constructor(
    private readonly repo: AnalysisRepository,
    private readonly incidents: IncidentRepository,
    readonly frames: PendingFrameStore,
    private readonly detection: DetectionService,
    private readonly baselines: BaselineService,
    private readonly cae: CaeScorer,
    private readonly settings: AnalysisSettings,
    private readonly now: () => number = Date.now,
  ) {}

  async analyze(eventId: string): Promise<EventReport> {
    const event = await this.repo.getEvent(eventId);
    if (!event) throw new AppError('not_found', `event ${eventId} does not exist`);
    const buffered = await this.frames.get(eventId);
    // Run again after its report was stored (the process stopped before the job was marked done).
    if (!buffered && event.analysis_status === 'analyzed' && event.report)
      return JSON.parse(event.report) as EventReport;
    if (!buffered) {
      // The reason was recorded when the frames were dropped; keep it.
      if (event.analysis_status !== 'failed')
        await this.repo.setStatus(
          eventId,
          'failed',
          this.now(),
          'its frames are no longer waiting for analysis, and the service cannot read the owner-encrypted archive',
        );
      throw new AppError('not_found', `the frames of event ${eventId} are no longer waiting for analysis`);
    }
    await this.repo.setStatus(eventId, 'analyzing', this.now());
    const frames: FrameAnalysis[] = await Promise.all(
      buffered.frames.map(async (f, index) => {
        const [det, light] = await Promise.all([
          this.detection.detect({
            image: f.image,
            smallObjectSide: this.settings.detector.smallObjectSide(event.camera_id),
          }),
          frameFeatures(f.image),
        ]);
        return {
          index,
          capturedAt: f.capturedAt ?? event.started_at + index * 1000,
          width: det.width,
          height: det.height,
          detections: det.detections,
          brightness: light.mean,
          brightnessStd: light.std,
          sharpness: light.sharpness,
          saturated: light.saturated,
        };
      }),
    );
    const boxes = frames.map((f) =>
      f.detections.map((d) => ({
        x1: d.box.x1 / f.width,
        y1: d.box.y1 / f.height,
        x2: d.box.x2 / f.width,
        y2: d.box.y2 / f.height,
      })),
    );
    const cae = await this.cae.score(
      event.camera_id,
      buffered.frames.map((f) => f.image),
      boxes,
    );
    const started = new Date(event.started_at);
    const meanBrightness = frames.reduce((a, f) => a + f.brightness, 0) / frames.length;
    const inputs: ReportInputs = {
      frames,
      cae,
      hour: started.getHours(),
      minute: started.getMinutes(),
      light: lightOf(buffered.conditions, meanBrightness),
    };
    const report = await this.evaluate(eventId, inputs);
    await this.frames.remove(eventId);
    return report;
  }

  /** Reasoning, correlation, risk and explanation from stored inputs; saves and returns the report. */
  async evaluate(eventId: string, inputs: ReportInputs): Promise<EventReport> {
    const event = await this.repo.getEvent(eventId);
    if (!event) throw new AppError('not_found', `event ${eventId} does not exist`);
    const baseline: BaselineView | null = await this.baselines.get(event.camera_id).catch(() => null);
    const tracks = matchStatic(
      trackObjects(inputs.frames),
      baseline?.staticObjects ?? [],
      this.settings.reasoning.staticIou,
    );
    const rules = await this.repo.activeRules(event.camera_id, this.now());
    const { findings, suppressed } = reason({
      frames: inputs.frames,
      tracks,
      baseline,
      cae: inputs.cae,
      hour: inputs.hour,
      light: inputs.light,
      rules,
      options: this.settings.reasoning,
    });
    const repeated = await this.repo.recentFindingCounts(
      event.camera_id,
      event.started_at - 24 * 3_600_000,
      eventId,
    );
    for (const f of findings) f.evidence.repeatedInLast24h = repeated[f.type] ?? 0;

    const involved = tracks.filter((t) =>
      findings.some((f) => f.trackId === t.id || (f.label && f.label === t.label)),
    );
    const scores = involved.flatMap((t) => t.points.map((p) => p.score));
    const serverMax = inputs.cae ? Math.max(...inputs.cae.scores) : null;
    const evidence = baseline ? baselineEvidence(baseline.stats) : null;
    const ctx = {
      hour: inputs.hour,
      confidence: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
      incidentEvents: 1,
      falsePositiveShare: await this.repo.falsePositiveShare(event.camera_id, [
        ...new Set(findings.map((f) => f.type)),
      ]),
      unconfirmedTrigger: inputs.cae ? serverMax! < inputs.cae.threshold : tracks.length === 0,
      baselineWeight: evidence?.weight ?? 1,
    };
    let risk = scoreRisk(findings, ctx, this.settings.weights);
    const incident = event.incident_id
      ? { id: event.incident_id, events: (await this.incidents.eventsOf(event.incident_id)).length }
      : await this.incidents.join({
          cameraId: event.camera_id,
          edgeId: event.edge_id,
          at: event.started_at,
          windowMs: this.settings.incidentWindowMs,
          risk: risk.score,
          level: risk.level,
        });
    if (incident.events >= 3)
      risk = scoreRisk(findings, { ...ctx, incidentEvents: incident.events }, this.settings.weights);
    const related = await this.repo.relatedEvents({
      edgeId: event.edge_id,
      cameraId: event.camera_id,
      at: event.started_at,
      windowMs: this.settings.relatedWindowMs,
    });
    const explanation = explain({
      findings,
      tracks,
      hour: inputs.hour,
      minute: inputs.minute,
      weights: this.settings.weights,
      ...(evidence?.confidence === 'low' ? { thinBaseline: thinBaselineNote(evidence) } : {}),
    });
    const report: EventReport = {
      eventId,
      cameraId: event.camera_id,
      analyzedAt: new Date(this.now()).toISOString(),
      risk,
      explanation,
      findings,
      suppressed,
      objects: tracks.map((t) => ({
        trackId: t.id,
        label: t.label,
        frames: t.points.map((p) => p.frame),
        dwellSeconds: t.dwellSeconds,
        speed: Number(t.speed.toFixed(4)),
        static: t.staticMatch,
        meanScore: Number((t.points.reduce((a, p) => a + p.score, 0) / t.points.length).toFixed(3)),
      })),
      incident,
      related: related.map((r) => ({
        eventId: r.id,
        cameraId: r.camera_id,
        startedAt: new Date(r.started_at).toISOString(),
        riskLevel: r.risk_level,
      })),
      edgeComparison: {
        edgeScore: event.edge_score,
        edgeThreshold: event.edge_threshold,
        serverScore: serverMax,
        serverThreshold: inputs.cae?.threshold ?? null,
        agree:
          inputs.cae && event.edge_score !== null && event.edge_threshold !== null
            ? event.edge_score >= event.edge_threshold === serverMax! >= inputs.cae.threshold
            : null,
      },
      models: {
        detector: this.settings.detector.key(event.camera_id),
        baseline:
          baseline && evidence
            ? { version: baseline.version, snapshotCount: baseline.snapshotCount, evidence }
            : null,
        cae: inputs.cae ? { modelId: inputs.cae.modelId, version: inputs.cae.modelVersion } : null,
        edge: { modelId: event.edge_model_id, version: event.edge_model_version },
      },
      inputs,
    };
    await this.repo.save(
      eventId,
      {
        tracks,
        findings,
        riskScore: risk.score,
        riskLevel: risk.level,
        explanation,
        report,
        incidentId: incident.id,
      },
      this.now(),
    );
    return report;
  }

  async report(eventId: string): Promise<EventReport> {
    const event = await this.repo.getEvent(eventId);
    if (!event) throw new AppError('not_found', `event ${eventId} does not exist`);
    if (!event.report)
      throw new AppError(
        'not_found',
        `event ${eventId} has no report yet (analysis ${event.analysis_status})`,
      );
    return JSON.parse(event.report) as EventReport;
  }

  /** Re-evaluates a past event with today's baseline, rules and feedback; returns before and after. */
  async rescore(
    eventId: string,
  ): Promise<{ before: Pick<EventReport, 'risk' | 'explanation' | 'findings'>; after: EventReport }> {
    const before = await this.report(eventId);
    const after = await this.evaluate(eventId, before.inputs);
    return {
      before: { risk: before.risk, explanation: before.explanation, findings: before.findings },
      after,
    };
  }
}
