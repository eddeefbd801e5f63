/**
 * What `uservm dataset import` and `uservm train` do, against the running service's REST API.
 * Kept apart from the commander wiring so tests can call them.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';
import type { ApiClient } from './api-client.js';

const IMAGE = /\.(jpe?g|png|webp)$/i;

export interface ImportResult {
  datasetId: string;
  accepted: number;
  duplicates: number;
  refused: string[];
}

/** A ZIP stream of a folder laid out as {label}/{image}; other files are left out. */
export async function zipFolder(folder: string): Promise<{ stream: Readable; images: number }> {
  const zip = new yazl.ZipFile();
  let images = 0;
  for (const label of await readdir(folder)) {
    const dir = path.join(folder, label);
    if (!(await stat(dir)).isDirectory()) continue;
    for (const file of await readdir(dir)) {
      if (!IMAGE.test(file)) continue;
      zip.addFile(path.join(dir, file), `${label}/${file}`, { compress: false });
      images++;
    }
  }
  zip.end();
  const out = new PassThrough();
  zip.outputStream.pipe(out);
  return { stream: out, images };
}

export async function importDataset(
  api: ApiClient,
  opts: { source: string; datasetId?: string; cameraId?: string; name?: string },
): Promise<ImportResult> {
  let datasetId = opts.datasetId;
  if (!datasetId) {
    if (!opts.cameraId) throw new Error('give --dataset, or --camera (and optionally --name) to create one');
    const created = await api.request<{ id: string }>('POST', '/api/v1/datasets', {
      cameraId: opts.cameraId,
      name: opts.name ?? `import-${new Date().toISOString().slice(0, 10)}`,
    });
    datasetId = created.id;
  }
  const isFolder = (await stat(opts.source)).isDirectory();
  const body = isFolder ? (await zipFolder(opts.source)).stream : createReadStream(opts.source);
  return api.upload<ImportResult>(`/api/v1/datasets/${datasetId}/import`, body, 'application/zip');
}

export interface EpochLine {
  epoch: number;
  epochs: number;
  trainLoss: number;
  valLoss: number;
  etaSeconds: number;
}

/** Starts a training job and, with `follow`, prints its progress until it ends. */
export async function train(
  api: ApiClient,
  opts: { cameraId: string; datasetId?: string; epochs?: number; seed?: number; follow: boolean },
  write: (line: string) => void,
): Promise<{ id: string; status: string; modelId: string | null }> {
  const overrides = {
    ...(opts.epochs ? { epochs: opts.epochs } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  };
  const job = await api.request<{ id: string; status: string; modelId: string | null }>(
    'POST',
    '/api/v1/training-jobs',
    {
      cameraId: opts.cameraId,
      ...(opts.datasetId ? { datasetId: opts.datasetId } : {}),
      ...(Object.keys(overrides).length ? { overrides } : {}),
    },
  );
  write(`training job ${job.id} queued for camera ${opts.cameraId}`);
  if (!opts.follow) return job;
  let final = { id: job.id, status: 'unknown', modelId: null as string | null };
  await api.events(`/api/v1/training-jobs/${job.id}/events`, (event, data) => {
    if (event === 'stage') write(`  ${(data as { stage: string }).stage}...`);
    if (event === 'epoch') {
      const e = data as EpochLine;
      write(
        `  epoch ${String(e.epoch).padStart(3)}/${e.epochs}  train ${e.trainLoss.toFixed(5)}  val ${e.valLoss.toFixed(5)}  eta ${Math.round(e.etaSeconds)} s`,
      );
    }
    if (event === 'done') {
      const d = data as {
        status: string;
        modelId?: string;
        version?: string;
        threshold?: number;
        error?: string;
      };
      final = { id: job.id, status: d.status, modelId: d.modelId ?? null };
      write(
        d.status === 'succeeded'
          ? `done: model ${d.modelId} version ${d.version}, threshold ${d.threshold?.toExponential(3)}`
          : `training ${d.status}: ${d.error ?? ''}`,
      );
    }
  });
  return final;
}
