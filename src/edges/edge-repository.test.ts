import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { testDatabase } from '../test-support/db.js';
import { EdgeRepository } from './edge-repository.js';

const handle = testDatabase();
after(() => handle.cleanup());

function edgeRow(id: string, now: number) {
  return {
    id,
    name: id,
    status: 'active' as const,
    bootstrap_token_id: null,
    cert_serial: null,
    cert_fingerprint: null,
    cert_expires_at: null,
    allowed_cameras: null,
    allowed_labels: null,
    wg_public_key: null,
    tunnel_address: null,
    software_version: 'edge/1.0',
    capabilities: null,
    last_seen_at: null,
    last_rtt_ms: 12.5,
    enrolled_at: now,
    revoked_at: null,
    revoked_reason: null,
    created_at: now,
    updated_at: now,
  };
}

it('touchMany writes a whole batch of heartbeats, keeping what a heartbeat left out', async () => {
  const repo = new EdgeRepository(handle.db);
  const now = Date.now();
  const ids = Array.from({ length: 300 }, (_, i) => `edge-${i}`);
  for (const id of ids) await repo.insert(edgeRow(id, now));
  const before = repo.writeVersion;

  await repo.touchMany([
    ...ids.map((id, i) => ({
      id,
      last_seen_at: now + i,
      last_rtt_ms: i + 0.25,
      software_version: `edge/2.${i}`,
    })),
  ]);
  await repo.touchMany([
    // Neither RTT nor version in this one: the stored ones stay.
    { id: 'edge-7', last_seen_at: now + 1000, last_rtt_ms: null, software_version: null },
    // An edge deleted since its heartbeat: nothing to update, nothing fails.
    { id: 'gone', last_seen_at: now, last_rtt_ms: 1, software_version: 'it\'s "quoted"' },
  ]);

  const first = await repo.get('edge-0');
  assert.equal(first?.last_seen_at, now);
  assert.equal(first?.last_rtt_ms, 0.25);
  assert.equal(first?.software_version, 'edge/2.0');
  const last = await repo.get('edge-299');
  assert.equal(last?.last_seen_at, now + 299);
  assert.equal(last?.software_version, 'edge/2.299');
  const seventh = await repo.get('edge-7');
  assert.equal(seventh?.last_seen_at, now + 1000, 'the second batch wrote it');
  assert.equal(seventh?.last_rtt_ms, 7.25, 'a null RTT keeps the stored one');
  assert.equal(seventh?.software_version, 'edge/2.7', 'a null version keeps the stored one');
  assert.equal(await repo.get('gone'), undefined);
  assert.equal(repo.writeVersion, before, 'liveness does not invalidate cached identities');
});
