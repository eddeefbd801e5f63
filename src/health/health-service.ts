import { newId } from '../db/ids.js';
import type { CameraService } from '../edges/camera-service.js';
import type { EdgeRegistryService } from '../edges/edge-registry-service.js';
import type { EventRepository } from '../events/event-repository.js';
import type { QuotaService } from '../events/quota-service.js';
import type { Logger } from '../logging/logger.js';
import type { HealthRepository, HealthState } from './health-repository.js';
import type { ReadinessService } from './readiness.js';
import type { TelemetryRepository } from '../telemetry/telemetry-repository.js';

export type Status = HealthState['status'];
export interface Reason {
  code: string;
  message: string;
}
export interface SubjectHealth {
  id: string;
  name: string;
  status: Status;
  reasons: Reason[];
}
/** Reasons about one camera, from its latest telemetry sample (undefined when none). */
export type CameraHealthCheck = (
  cameraId: string,
  sample: Record<string, unknown> | undefined,
) => Promise<[Status, Reason][]>;

export interface HealthTree {
  status: Status;
  at: string;
  service: { status: Status; reasons: Reason[] };
  edges: (SubjectHealth & { cameras: SubjectHealth[] })[];
}

const RANK: Record<Status, number> = { healthy: 0, degraded: 1, unhealthy: 2 };
const worst = (statuses: Status[]): Status =>
  statuses.reduce<Status>((a, b) => (RANK[b] > RANK[a] ? b : a), 'healthy');
const ARCHIVE_STUCK_MS = 3_600_000;

/**
 * Judges every active edge and camera (and the service itself) as healthy, degraded or unhealthy,
 * each with the reasons, and records every change of status so transitions can be listed.
 * Reasons: edge offline, disk almost full, certificate renewal due; camera down, archive failing
 * (failed or stuck over an hour), storage quota nearly or fully used; service dependencies or
 * self-checks down (unhealthy) or degraded (disk, spool, jobs, workers, WireGuard, detector).
 */
export class HealthService {
  constructor(
    private readonly edges: EdgeRegistryService,
    private readonly cameras: CameraService,
    private readonly telemetry: TelemetryRepository,
    private readonly quotas: QuotaService,
    private readonly archive: Pick<EventRepository, 'archiveTrouble'>,
    private readonly repo: HealthRepository,
    private readonly readiness: ReadinessService,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  private readonly cameraChecks: CameraHealthCheck[] = [];
  /** The last evaluation, for /metrics (evaluated every minute by the health job). */
  latest: HealthTree | undefined;

  /** Other capabilities add per-camera reasons (e.g. the model failing on the edge). */
  addCameraCheck(check: CameraHealthCheck): void {
    this.cameraChecks.push(check);
  }

  async evaluate(): Promise<HealthTree> {
    const now = this.now();
    const [edges, cameras, quotas, archive, ready] = await Promise.all([
      this.edges.list(),
      this.cameras.list({}),
      this.quotas.all(),
      this.archive.archiveTrouble(now - ARCHIVE_STUCK_MS),
      this.readiness.report(),
    ]);
    const quotaOf = new Map(quotas.map((q) => [q.cameraId, q]));
    const checks = Object.entries(ready.checks);
    const down = checks.filter(([, c]) => c.status === 'down');
    const degraded = checks.filter(([, c]) => c.status === 'degraded');
    const serviceReasons: Reason[] = [
      ...down.map(([name, c]) => ({
        code: 'dependency_down',
        message: `${name} is down${c.error ? `: ${c.error}` : ''}`,
      })),
      ...degraded.map(([name, c]) => ({
        code: `${name}_degraded`,
        message: `${name}: ${c.reason ?? 'degraded'}`,
      })),
    ];
    const service = {
      status: down.length
        ? ('unhealthy' as const)
        : degraded.length
          ? ('degraded' as const)
          : ('healthy' as const),
      reasons: serviceReasons,
    };

    const tree: HealthTree['edges'] = [];
    for (const edge of edges.filter((e) => e.status === 'active')) {
      const latest = await this.telemetry.latest(edge.id);
      const edgeSample = latest.find((s) => s.cameraId === '')?.metrics as
        { diskUsedBytes?: number; diskTotalBytes?: number } | undefined;
      const reasons: [Status, Reason][] = [];
      if (!edge.online)
        reasons.push([
          'unhealthy',
          {
            code: 'offline',
            message: edge.lastSeenAt ? `no heartbeat since ${edge.lastSeenAt}` : 'never sent a heartbeat',
          },
        ]);
      if (edgeSample?.diskTotalBytes) {
        const share = (edgeSample.diskUsedBytes ?? 0) / edgeSample.diskTotalBytes;
        if (share >= 0.9)
          reasons.push([
            share >= 0.98 ? 'unhealthy' : 'degraded',
            { code: 'disk_almost_full', message: `disk ${(share * 100).toFixed(0)}% full` },
          ]);
      }
      if (edge.certificate.renewalDue)
        reasons.push([
          'degraded',
          {
            code: 'certificate_renewal_due',
            message: `client certificate expires ${edge.certificate.expiresAt}`,
          },
        ]);

      const cams: SubjectHealth[] = await Promise.all(
        cameras
          .filter((c) => c.edgeId === edge.id)
          .map(async (c) => {
            const sample = latest.find((s) => s.cameraId === c.id)?.metrics as
              { online?: boolean } | undefined;
            const r: [Status, Reason][] = [];
            for (const check of this.cameraChecks)
              r.push(...(await check(c.id, sample as Record<string, unknown> | undefined)));
            const online = sample?.online ?? c.online;
            if (edge.online && !online)
              r.push(['unhealthy', { code: 'camera_down', message: 'the edge reports the camera offline' }]);
            const stuck = archive.get(c.id);
            if (stuck)
              r.push([
                'degraded',
                {
                  code: 'archive_failing',
                  message: `${stuck} archive object(s) failed or waiting over an hour`,
                },
              ]);
            const q = quotaOf.get(c.id);
            if (q && q.warning)
              r.push([
                q.usedBytes >= q.quotaBytes ? 'unhealthy' : 'degraded',
                { code: 'storage_quota', message: `storage ${q.percent}% of quota` },
              ]);
            return { id: c.id, name: c.name, status: worst(r.map(([s]) => s)), reasons: r.map(([, x]) => x) };
          }),
      );
      tree.push({
        id: edge.id,
        name: edge.name,
        status: worst(reasons.map(([s]) => s)),
        reasons: reasons.map(([, x]) => x),
        cameras: cams,
      });
    }
    const overall = worst([
      service.status,
      ...tree.map((e) => e.status),
      ...tree.flatMap((e) => e.cameras.map((c) => c.status)),
    ]);
    await this.recordTransitions(now, overall, service, tree);
    this.latest = { status: overall, at: new Date(now).toISOString(), service, edges: tree };
    return this.latest;
  }

  async transitions(
    subjectType: 'system' | 'edge' | 'camera',
    subjectId: string,
    limit = 50,
  ): Promise<HealthState[]> {
    return this.repo.transitions(subjectType, subjectId, limit);
  }

  private async recordTransitions(
    at: number,
    overall: Status,
    service: { status: Status; reasons: Reason[] },
    edges: HealthTree['edges'],
  ): Promise<void> {
    const current = await this.repo.current();
    const subjects: HealthState[] = [
      { subjectType: 'system', subjectId: 'overall', status: overall, reasons: service.reasons, at },
      ...edges.map((e) => ({
        subjectType: 'edge',
        subjectId: e.id,
        status: e.status,
        reasons: e.reasons,
        at,
      })),
      ...edges.flatMap((e) =>
        e.cameras.map((c) => ({
          subjectType: 'camera',
          subjectId: c.id,
          status: c.status,
          reasons: c.reasons,
          at,
        })),
      ),
    ];
    for (const s of subjects) {
      const before = current.get(`${s.subjectType}:${s.subjectId}`);
      const changed =
        !before ||
        before.status !== s.status ||
        JSON.stringify(before.reasons.map((r) => r.code)) !== JSON.stringify(s.reasons.map((r) => r.code));
      if (!changed) continue;
      await this.repo.record(newId(), s);
      if (before || s.status !== 'healthy') {
        this.log.info(
          {
            subject: `${s.subjectType}:${s.subjectId}`,
            from: before?.status ?? null,
            to: s.status,
            reasons: s.reasons.map((r) => r.code),
          },
          'health changed',
        );
      }
    }
  }
}
