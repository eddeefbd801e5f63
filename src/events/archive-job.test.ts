import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, it } from 'node:test';
import type { JobContext } from '../jobs/job-registry.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { insertEdgeWithCamera, testDatabase } from '../test-support/db.js';
import { silentLogger } from '../test-support/silent-logger.js';
import { archiveJob } from './archive-job.js';
import { EventRepository } from './event-repository.js';
import { Spool } from './spool.js';

const handle = testDatabase();
after(() => handle.cleanup());

it('archives an event once when its event and clip jobs run at the same time', async () => {
  const now = Date.now();
  await insertEdgeWithCamera(handle.db, now);
  const repo = new EventRepository(handle.db);
  const store = new FsBlobStore(`${handle.dir}/blobs`);
  const spool = new Spool(`${handle.dir}/spool`);
  const files = ['snapshot-0.jpg.age', 'snapshot-1.jpg.age', 'clip.mp4.age'].map((name, i) => {
    const file = path.join(spool.root, 'events', 'ev', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const bytes = Buffer.alloc(10_000 + i, i + 1);
    fs.writeFileSync(file, bytes);
    return { name, file, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  await repo.insertWithObjects(
    {
      id: 'ev',
      camera_id: 'c',
      edge_id: 'e',
      edge_event_key: 'ev',
      trigger_type: 'motion',
      started_at: now,
      created_at: now,
      updated_at: now,
    } as never,
    files.map((f, i) => ({
      id: `o${i}`,
      event_id: 'ev',
      camera_id: 'c',
      kind: f.name.startsWith('clip') ? ('clip' as const) : ('snapshot' as const),
      bucket: 'events',
      key: `c/events/ev/${f.name}`,
      size: f.size,
      sha256: f.sha256,
      status: 'pending' as const,
      spool_path: f.file,
      error: null,
      created_at: now,
      updated_at: now,
    })),
  );
  const job = archiveJob(repo, store, spool, silentLogger);
  const ctx = { payload: { eventId: 'ev' }, signal: new AbortController().signal, reportProgress: () => {} };
  // The event's job and its clip's job, both started before either finished.
  const results = await Promise.allSettled([
    job.handler(ctx as unknown as JobContext<{ eventId: string }>),
    job.handler(ctx as unknown as JobContext<{ eventId: string }>),
  ]);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled'],
    JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))),
  );
  const objects = await repo.objects('ev');
  assert.deepEqual(
    objects.map((o) => o.status),
    ['completed', 'completed', 'completed'],
  );
  for (const f of files) {
    const stat = await store.stat('events', `c/events/ev/${f.name}`);
    assert.equal(stat?.size, f.size, `${f.name} is in the store`);
  }
});
