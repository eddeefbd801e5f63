import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { insertEdgeWithCamera, testDatabase } from '../test-support/db.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { EventQueryService } from './event-query-service.js';
import { EventRepository } from './event-repository.js';
import { EventReviewRepository } from './event-review-repository.js';
import { Spool } from './spool.js';

const handle = testDatabase();
after(() => handle.cleanup());

it('serves recent events from a bounded cache that every change invalidates', async () => {
  const now = Date.now();
  await insertEdgeWithCamera(handle.db, now);
  const repo = new EventRepository(handle.db);
  let reads = 0;
  const original = repo.get.bind(repo);
  repo.get = (id) => (reads++, original(id));
  const query = new EventQueryService(
    repo,
    new FsBlobStore(`${handle.dir}/blobs`),
    new Spool(`${handle.dir}/spool`),
    new EventReviewRepository(handle.db),
    2,
  );
  const event = (id: string) => ({
    id,
    camera_id: 'c',
    edge_id: 'e',
    edge_event_key: id,
    trigger_type: 'motion' as const,
    started_at: now,
    ended_at: null,
    edge_model_id: null,
    edge_model_version: null,
    edge_score: null,
    edge_threshold: null,
    edge_detections: null,
    risk_score: null,
    risk_level: null,
    explanation: null,
    report: null,
    incident_id: null,
    created_at: now,
    updated_at: now,
  });
  const object = {
    id: 'o1',
    event_id: 'ev1',
    camera_id: 'c',
    kind: 'snapshot' as const,
    bucket: 'camera-c',
    key: 'events/ev1/snapshot-0.jpg.age',
    size: 10,
    sha256: 'x',
    status: 'pending' as const,
    spool_path: null,
    error: null,
    created_at: now,
    updated_at: now,
  };
  await repo.insertWithObjects(event('ev1'), [object]);

  assert.equal((await query.get('ev1')).objects[0]!.status, 'pending');
  await query.get('ev1');
  assert.equal(reads, 1, 'second read served from memory');

  await repo.markObject(object, 'completed');
  assert.equal((await query.get('ev1')).objects[0]!.status, 'completed', 'a change invalidates the entry');
  assert.equal(reads, 2);

  await repo.insertWithObjects(event('ev2'), []);
  await repo.insertWithObjects(event('ev3'), []);
  await query.get('ev2');
  await query.get('ev3');
  assert.equal(query.cacheSize, 2, 'bounded');

  await repo.delete('ev1');
  await assert.rejects(query.get('ev1'), /does not exist/);
});
