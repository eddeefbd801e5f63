// A service with data in it (an edge, its camera, snapshots, events, tokens) for the security
// suite: the fuzzers attack it, then check that everything seeded is still there, unchanged.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { TriggerType } from '../../src/gen/guardian/edge/v1/events_pb.js';
import { enrolledTestEdge } from '../../src/test-support/edge.js';
import { testService } from '../../src/test-support/service.js';

const fixtures = fileURLToPath(new URL('../fixtures/vtest-day/', import.meta.url));
export const FRAMES = ['0001', '0005', '0009'].map((n) => fs.readFileSync(`${fixtures}frame-${n}.jpg`));

export async function seededWorld(overrides: Record<string, unknown> = {}, options = { runJobs: true }) {
  const owner = await identityToRecipient(await generateIdentity());
  const ctx = await testService({
    'edgeApi.port': 0,
    'archive.recipients': [owner],
    'jobs.pollIntervalMs': 20,
    ...overrides,
  });
  await ctx.service.edges.start();
  if (options.runJobs) ctx.service.jobs.runner.start();
  const edge = await enrolledTestEdge(ctx.service, 'seeded', ['cam-seed']);
  await edge.datasets.uploadSnapshots(
    (async function* () {
      for (const image of FRAMES) yield { cameraId: 'cam-seed', label: 'normal', image };
    })(),
  );
  const eventIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await edge.events.uploadEvent({
      cameraId: 'cam-seed',
      eventKey: `seed-${i}`,
      startedAtMs: BigInt(Date.now() - 5000),
      trigger: TriggerType.ANOMALY,
      frames: [{ image: FRAMES[i]! }],
    });
    eventIds.push(r.eventId);
  }
  const viewer = await ctx.service.tokens.create({ name: 'viewer', role: 'viewer' });
  const dataset = await ctx.service.ml.datasets.defaultDataset('cam-seed');

  /** What must survive: rows and the fields a user relies on. */
  const fingerprint = async () => {
    const db = ctx.service.database.db;
    const edges = await db
      .selectFrom('edges')
      .select(['id', 'name', 'status', 'cert_fingerprint'])
      .where('id', '=', edge.edgeId)
      .execute();
    const snapshots = await db
      .selectFrom('snapshots')
      .select(['id', 'sha256'])
      .where('camera_id', '=', 'cam-seed')
      .orderBy('id')
      .execute();
    const events = await db
      .selectFrom('events')
      .select(['id', 'camera_id'])
      .where('id', 'in', eventIds)
      .orderBy('id')
      .execute();
    const tokens = await db
      .selectFrom('api_tokens')
      .select(['id', 'revoked_at'])
      .where('id', '=', viewer.view.id)
      .execute();
    return JSON.stringify({ edges, snapshots, events, tokens });
  };
  return {
    ctx,
    edge,
    eventIds,
    datasetId: dataset.id,
    viewerToken: viewer.token,
    viewerId: viewer.view.id,
    fingerprint,
  };
}
