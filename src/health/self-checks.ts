/**
 * The service's checks on itself, beside its dependencies: disk space of the data directory and
 * the spool, the spool's backlog and the room for frames waiting for analysis, the job queue's
 * backlog and dead jobs, worker threads crashing, the WireGuard interface and its last peer sync,
 * and the detector. Each says up, degraded (still ready) or down, with the reason; /readyz and the
 * health tree show them, and the same probes feed Prometheus gauges at scrape time.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { WireGuardPeerSync } from '../edges/wireguard/peer-sync.js';
import type { JobRepository } from '../jobs/job-repository.js';
import type { DetectorHealth } from '../vision/detection-service.js';
import type { ServiceMetrics } from '../metrics/metrics.js';
import type { CheckOutcome, DependencyCheck } from './readiness.js';

export const CRASH_WINDOW_MS = 10 * 60_000;
const GIB = 1024 ** 3;

export interface SelfCheckDeps {
  dataDir: string;
  spoolDir: string;
  health: Config['health'];
  jobs: Pick<JobRepository, 'backlog'>;
  /** Archive objects still in the spool (waiting for the object store). */
  spooledObjects: () => Promise<number>;
  waitingFrames: { usedBytes: number; maxBytes: number };
  workerCrashes: () => Record<string, number>;
  wireguard: Pick<WireGuardPeerSync, 'lastError' | 'lastSyncAt' | 'intervalMs'> & {
    driver: { kind: string; peerStatus(): Promise<unknown> };
  };
  detector: () => DetectorHealth;
  now?: () => number;
}

export interface VolumeSpace {
  freeBytes: number;
  totalBytes: number;
}

/** Space on the volume that holds `dir` (or, before it exists, its nearest existing parent). */
export async function volumeSpace(dir: string): Promise<VolumeSpace> {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      const s = await fs.statfs(at);
      return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || at === path.dirname(at)) throw err;
    }
  }
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const gib = (b: number) => `${(b / GIB).toFixed(1)} GiB`;

function diskOutcome(space: VolumeSpace, h: Config['health'], what: string): CheckOutcome {
  const share = space.totalBytes > 0 ? space.freeBytes / space.totalBytes : 0;
  const reason = `${what}: ${gib(space.freeBytes)} free of ${gib(space.totalBytes)} (${pct(share)})`;
  if (share * 100 < h.diskDownFreePercent)
    return { status: 'down', reason: `${reason}; under ${h.diskDownFreePercent}%` };
  if (share * 100 < h.diskDegradedFreePercent)
    return { status: 'degraded', reason: `${reason}; under ${h.diskDegradedFreePercent}%` };
  return { status: 'up', reason };
}

export function selfChecks(d: SelfCheckDeps): DependencyCheck[] {
  const now = d.now ?? Date.now;
  return [
    {
      name: 'disk',
      check: async () => diskOutcome(await volumeSpace(d.dataDir), d.health, 'data directory'),
    },
    {
      name: 'spool',
      check: async () => {
        const disk = diskOutcome(await volumeSpace(d.spoolDir), d.health, 'spool volume');
        const objects = await d.spooledObjects();
        const room = d.waitingFrames.maxBytes > 0 ? d.waitingFrames.usedBytes / d.waitingFrames.maxBytes : 0;
        const reason = `${disk.reason}; ${objects} archive objects waiting for the object store; frames waiting for analysis fill ${pct(room)} of their room`;
        if (disk.status !== 'up') return { status: disk.status, reason };
        if (room >= 0.8)
          return { status: 'degraded', reason: `${reason} (the oldest are dropped when full)` };
        return { status: 'up', reason };
      },
    },
    {
      name: 'jobs',
      check: async () => {
        const t = now();
        const b = await d.jobs.backlog(
          t - d.health.jobOverdueSeconds * 1000,
          t - d.health.deadJobWindowHours * 3_600_000,
        );
        const problems: string[] = [];
        if (b.overdue > 0)
          problems.push(
            `${b.overdue} queued jobs are over ${d.health.jobOverdueSeconds} s late (oldest due ${Math.round((t - (b.oldestDueAt ?? t)) / 1000)} s ago)`,
          );
        if (b.dead > 0)
          problems.push(
            `${b.dead} jobs died in the last ${d.health.deadJobWindowHours} h (GET /api/v1/jobs?status=dead)`,
          );
        return problems.length
          ? { status: 'degraded', reason: problems.join('; ') }
          : { status: 'up', reason: 'no backlog, no dead jobs' };
      },
    },
    {
      name: 'workers',
      check: async () => {
        const crashed = Object.entries(d.workerCrashes()).filter(([, n]) => n > 0);
        if (crashed.length === 0)
          return { status: 'up', reason: 'no worker thread crashed in the last 10 minutes' };
        return {
          status: 'degraded',
          reason: `worker threads crashed in the last 10 minutes (each was replaced): ${crashed.map(([pool, n]) => `${pool} ${n}`).join(', ')}`,
        };
      },
    },
    {
      name: 'wireguard',
      check: async () => {
        const wg = d.wireguard;
        if (wg.driver.kind === 'none')
          return { status: 'up', reason: 'no interface (wireguard.driver: none)' };
        try {
          await wg.driver.peerStatus();
        } catch (err) {
          return {
            status: 'down',
            reason: `the WireGuard interface cannot be read: ${(err as Error).message}`,
          };
        }
        if (wg.lastError) return { status: 'degraded', reason: `the last peer sync failed: ${wg.lastError}` };
        if (wg.lastSyncAt === null) return { status: 'degraded', reason: 'peers not applied yet' };
        const age = now() - wg.lastSyncAt;
        if (age > 3 * wg.intervalMs)
          return { status: 'degraded', reason: `peers last applied ${Math.round(age / 1000)} s ago` };
        return { status: 'up', reason: `peers applied ${Math.round(age / 1000)} s ago` };
      },
    },
    {
      name: 'detector',
      check: async () => {
        const h = d.detector();
        if (!h.started) return { status: 'up', reason: 'not loaded yet (loads on first use)' };
        if (h.lastError && !h.loaded) return { status: 'down', reason: `the detector fails: ${h.lastError}` };
        if (h.recentCrashes > 0)
          return {
            status: 'degraded',
            reason: `${h.recentCrashes} detector workers crashed in the last 10 minutes`,
          };
        return { status: 'up', reason: h.loaded ? 'loaded' : 'starting' };
      },
    },
  ];
}

/** Gauges for the same probes, read at scrape time. */
export function registerSelfHealthMetrics(metrics: ServiceMetrics, d: SelfCheckDeps): void {
  const volumes = { data: d.dataDir, spool: d.spoolDir };
  metrics.gauge(
    'uservm_disk_free_bytes',
    'Free bytes on the volume of the data directory or spool.',
    ['volume'],
    async (g) => {
      for (const [volume, dir] of Object.entries(volumes))
        g.labels(volume).set((await volumeSpace(dir)).freeBytes);
    },
  );
  metrics.gauge(
    'uservm_disk_free_ratio',
    'Free share of the volume of the data directory or spool.',
    ['volume'],
    async (g) => {
      for (const [volume, dir] of Object.entries(volumes)) {
        const s = await volumeSpace(dir);
        g.labels(volume).set(s.totalBytes > 0 ? s.freeBytes / s.totalBytes : 0);
      }
    },
  );
  metrics.gauge(
    'uservm_spool_objects',
    'Archive objects in the spool, waiting for the object store.',
    [],
    async (g) => g.set(await d.spooledObjects()),
  );
  metrics.gauge(
    'uservm_jobs_overdue',
    `Queued jobs due more than health.jobOverdueSeconds ago.`,
    [],
    async (g) => {
      const t = Date.now();
      g.set((await d.jobs.backlog(t - d.health.jobOverdueSeconds * 1000, t)).overdue);
    },
  );
  metrics.gauge(
    'uservm_jobs_dead_recent',
    'Jobs that died within health.deadJobWindowHours.',
    [],
    async (g) => {
      const t = Date.now();
      g.set((await d.jobs.backlog(0, t - d.health.deadJobWindowHours * 3_600_000)).dead);
    },
  );
  metrics.gauge(
    'uservm_worker_crashes_recent',
    'Worker thread crashes in the last 10 minutes, by pool.',
    ['pool'],
    (g) => {
      for (const [pool, n] of Object.entries(d.workerCrashes())) g.labels(pool).set(n);
    },
  );
  metrics.gauge(
    'uservm_wireguard_last_sync_timestamp_seconds',
    'When WireGuard peers were last applied (0: never).',
    [],
    (g) => g.set((d.wireguard.lastSyncAt ?? 0) / 1000),
  );
  metrics.gauge(
    'uservm_detector_loaded',
    'Whether the detector has answered since its last failure (1) or not (0).',
    [],
    (g) => g.set(d.detector().loaded ? 1 : 0),
  );
}
