import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { StorageUsageRepository, UsageRow } from './storage-usage-repository.js';

export interface UsageView {
  cameraId: string;
  usedBytes: number;
  objectCount: number;
  quotaBytes: number;
  retentionDays: number;
  percent: number;
  /** At or over the warning share (80%). */
  warning: boolean;
  reconciledAt: string | null;
}

export const WARNING_SHARE = 0.8;

/**
 * Per-camera storage quotas. Usage itself is kept exact by the event repository's transactions;
 * this service applies policy: new clips over quota are refused (events and their frames are still
 * kept, so nothing about what happened is lost), and crossing 80% warns once (log, metric, API).
 */
export class QuotaService {
  constructor(
    private readonly usage: StorageUsageRepository,
    private readonly defaults: { quotaBytes: number; retentionDays: number },
    private readonly log: Logger,
  ) {}

  async view(cameraId: string): Promise<UsageView> {
    const row = await this.usage.get(cameraId);
    if (!row) throw new AppError('not_found', `camera ${cameraId} does not exist`);
    return this.toView(row);
  }

  async all(): Promise<UsageView[]> {
    return (await this.usage.all()).map((r) => this.toView(r));
  }

  /** Throws quota_exceeded when `bytes` more would not fit in the camera's quota. */
  async assertRoomFor(cameraId: string, bytes: number): Promise<void> {
    const v = await this.view(cameraId);
    if (v.usedBytes + bytes > v.quotaBytes) {
      throw new AppError(
        'quota_exceeded',
        `camera ${cameraId} would exceed its storage quota (${v.usedBytes} + ${bytes} > ${v.quotaBytes} bytes); the event is kept, the clip is refused`,
        { usedBytes: v.usedBytes, quotaBytes: v.quotaBytes },
      );
    }
  }

  /** Warns once when a camera crosses the warning share; clears when it drops back below. */
  async checkWarning(cameraId: string): Promise<UsageView> {
    const row = await this.usage.get(cameraId);
    if (!row) throw new AppError('not_found', `camera ${cameraId} does not exist`);
    const v = this.toView(row);
    if (v.warning && row.warnedAt === null) {
      this.log.warn(
        { cameraId, usedBytes: v.usedBytes, quotaBytes: v.quotaBytes, percent: v.percent },
        'camera storage above 80% of its quota',
      );
      await this.usage.markWarned(cameraId, Date.now());
    } else if (!v.warning && row.warnedAt !== null) {
      await this.usage.markWarned(cameraId, null);
    }
    return v;
  }

  async setPolicy(
    cameraId: string,
    policy: { quotaBytes?: number | null; retentionDays?: number | null },
  ): Promise<UsageView> {
    await this.view(cameraId);
    await this.usage.setPolicy(cameraId, policy);
    return this.checkWarning(cameraId);
  }

  private toView(r: UsageRow): UsageView {
    const quotaBytes = r.quotaBytes ?? this.defaults.quotaBytes;
    const percent = Math.round((r.usedBytes / quotaBytes) * 1000) / 10;
    return {
      cameraId: r.cameraId,
      usedBytes: r.usedBytes,
      objectCount: r.objectCount,
      quotaBytes,
      retentionDays: r.retentionDays ?? this.defaults.retentionDays,
      percent,
      warning: r.usedBytes >= quotaBytes * WARNING_SHARE,
      reconciledAt: r.reconciledAt === null ? null : new Date(r.reconciledAt).toISOString(),
    };
  }
}
