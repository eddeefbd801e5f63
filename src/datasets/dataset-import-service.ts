/**
 * Bulk import and export of a dataset as a ZIP (`{label}/{file}`), and the streaming upload edges
 * use. Every image goes through DatasetService.addSnapshot, so validation, dedupe and quotas are
 * the same whichever way it arrives; a bad image is refused with its reason while the others
 * are kept.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { newId } from '../db/ids.js';
import { AppError } from '../errors/app-error.js';
import yazl from 'yazl';
import { isAppError } from '../errors/app-error.js';
import type { DatasetRow } from './dataset-repository.js';
import type { DatasetService, SnapshotInput } from './dataset-service.js';
import { readZipImages, type ZipLimits } from './zip-import.js';

export interface ImportSummary {
  datasetId: string;
  accepted: number;
  duplicates: number;
  /** One line per refused image: where it was and why. */
  refused: string[];
}

/** Errors that refuse one image; anything else (store down, quota) stops the import. */
const PER_IMAGE = new Set(['invalid_image', 'validation_failed']);

export class DatasetImportService {
  constructor(
    private readonly datasets: DatasetService,
    private readonly zipLimits: ZipLimits & { maxArchiveBytes: number },
    /** Where uploaded archives wait while they are read (ZIP needs random access). */
    private readonly tmpDir: string,
  ) {}

  /** Spools an uploaded ZIP to a temporary file (size-limited), imports it, removes the file. */
  async importZipUpload(
    dataset: DatasetRow,
    body: Readable,
    customLabels: readonly string[] | null,
  ): Promise<ImportSummary> {
    await mkdir(this.tmpDir, { recursive: true });
    const file = path.join(this.tmpDir, `${newId()}.zip`);
    const max = this.zipLimits.maxArchiveBytes;
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > max) done(new AppError('payload_too_large', `the archive is larger than ${max} bytes`));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(body, limit, createWriteStream(file));
      return await this.importZip(dataset, file, customLabels);
    } finally {
      await rm(file, { force: true });
    }
  }

  /**
   * Imports each image as it arrives. `atomic` (archives): if the import stops on an error, the
   * images it had stored are taken back, so a refused archive leaves the dataset as it was. An
   * edge's stream is not atomic: every snapshot stored is kept (the edge is told how far it got).
   */
  async importStream(
    dataset: DatasetRow,
    items: AsyncIterable<SnapshotInput & { where: string }>,
    customLabels: readonly string[] | null,
    options: { atomic?: boolean } = {},
  ): Promise<ImportSummary> {
    const summary: ImportSummary = { datasetId: dataset.id, accepted: 0, duplicates: 0, refused: [] };
    const stored: string[] = [];
    try {
      for await (const item of items) {
        try {
          const r = await this.datasets.addSnapshot(dataset, item, customLabels);
          if (r.status === 'accepted') {
            summary.accepted++;
            stored.push(r.snapshotId);
          } else summary.duplicates++;
        } catch (err) {
          if (isAppError(err) && PER_IMAGE.has(err.code))
            summary.refused.push(`${item.where}: ${err.message}`);
          else throw err;
        }
      }
    } catch (err) {
      if (options.atomic) {
        await this.datasets.removeSnapshots(dataset, stored);
        summary.accepted = 0;
      }
      throw err;
    } finally {
      this.datasets.announceUpdate(dataset, summary.accepted);
    }
    return summary;
  }

  async importZip(
    dataset: DatasetRow,
    zipPath: string,
    customLabels: readonly string[] | null,
  ): Promise<ImportSummary> {
    const limits = this.zipLimits;
    const items = (async function* () {
      for await (const image of readZipImages(zipPath, limits)) {
        yield { label: image.label, image: image.bytes, where: `${image.label}/${image.name}` };
      }
    })();
    return this.importStream(dataset, items, customLabels, { atomic: true });
  }

  /** A ZIP of the dataset (`{label}/{sha256}.{ext}` plus `snapshots.json` with the metadata). */
  async exportZip(datasetId: string): Promise<Readable> {
    const snapshots = await this.datasets.snapshots(datasetId);
    const zip = new yazl.ZipFile();
    const out = new PassThrough();
    zip.outputStream.pipe(out);
    const metadata = snapshots.map((s) => ({
      file: s.blob_key.split('/').slice(1).join('/'),
      label: s.label,
      sha256: s.sha256,
      width: s.width,
      height: s.height,
      capturedAt: s.captured_at ? new Date(s.captured_at).toISOString() : null,
      conditions: s.conditions ? JSON.parse(s.conditions) : null,
    }));
    void (async () => {
      try {
        for (const s of snapshots) {
          // Images are already compressed: store them.
          zip.addBuffer(await this.datasets.readSnapshot(s), s.blob_key.split('/').slice(1).join('/'), {
            compress: false,
          });
        }
        zip.addBuffer(Buffer.from(JSON.stringify(metadata, null, 2)), 'snapshots.json');
        zip.end();
      } catch (err) {
        out.destroy(err as Error);
      }
    })();
    return out;
  }
}
